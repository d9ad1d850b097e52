/**
 * The fused updates' rules (`fused-update-rules.ts`) compiled into one JavaScript loop per update
 * and attribute set: the rule is evaluated once over expressions, the expressions become the body
 * of `for (i …)` with `Math.fround` after every operation, and the engine compiles that. One pass
 * over the arrays with every intermediate in a register — about three times faster than
 * evaluating the rule block by block (`runUpdateBlocks`), with the same bits. Where the page's
 * Content Security Policy forbids compiling code (`new Function`), the block-by-block evaluation
 * runs instead.
 */
import { exactKey } from '../exact-key.js';
import { checkUpdateArrays, evaluateBlocks, type UpdateArrays } from './fused-update-blocks.js';
import { type UpdateMath, updateKernelRule } from './fused-update-rules.js';
import type { UpdateKernelName } from './spec.js';

/** A compiled update: inputs (undefined where absent), targets, length, γ and Adam's coefficients. */
type Loop = (
  xs: readonly (Float32Array | undefined)[],
  ts: readonly Float32Array[],
  n: number,
  lr: number,
  c0: number,
  c1: number,
  c2: number,
) => void;

/** A number as a JavaScript literal that reads back as the same double (−0 and ±∞ included). */
function literal(c: number): string {
  if (Object.is(c, -0)) return '(-0)';
  if (c === Number.POSITIVE_INFINITY) return '(1 / 0)';
  if (c === Number.NEGATIVE_INFINITY) return '(-1 / 0)';
  if (Number.isNaN(c)) return '(0 / 0)';
  return `(${String(c)})`;
}

/** Float32 arithmetic as JavaScript source: each operation becomes one `const` of the loop body. */
class SourceMath implements UpdateMath<string> {
  readonly lines: string[] = [];
  #next = 0;

  /** A new local holding `expression`. */
  value(expression: string): string {
    const name = `v${this.#next++}`;
    this.lines.push(`const ${name} = ${expression};`);
    return name;
  }
  add = (a: string, b: string) => this.value(`f(${a} + ${b})`);
  sub = (a: string, b: string) => this.value(`f(${a} - ${b})`);
  mul = (a: string, b: string) => this.value(`f(${a} * ${b})`);
  div = (a: string, b: string) => this.value(`f(${a} / ${b})`);
  // Float32 operands: the larger is already a float32 value.
  max = (a: string, b: string) => this.value(`max(${a}, ${b})`);
  sqrt = (a: string) => this.value(`f(sqrt(${a}))`);
  constant = (c: number) => literal(Math.fround(c));
  identity = (a: string) => a;
}

/**
 * The loop's source: every input loaded before any output is stored, so targets may be inputs.
 * Only fixed names and numbers (each through `Math.fround`, so any attribute value that is not a
 * number becomes NaN) reach the text: no caller's string is ever compiled.
 */
function source(
  name: UpdateKernelName,
  attrs: object,
  present: readonly boolean[],
  outputs: number,
  coefficients: number,
): string {
  const M = new SourceMath();
  const xs = present.map((p, k) => (p ? M.value(`x${k}[i]`) : '0'));
  const rule = updateKernelRule(M, name, attrs, xs, 'lr', ['c0', 'c1', 'c2'].slice(0, coefficients));
  const outs = Array.from({ length: outputs }, (_, k) => rule(k));
  return [
    '"use strict";',
    'const f = Math.fround, sqrt = Math.sqrt, max = Math.max;',
    'return function update(xs, ts, n, lr, c0, c1, c2) {',
    ...present.map((p, k) => (p ? `const x${k} = xs[${k}];` : '')),
    ...outs.map((_, k) => `const t${k} = ts[${k}];`),
    'for (let i = 0; i < n; i++) {',
    ...M.lines,
    ...outs.map((v, k) => `t${k}[i] = ${v};`),
    '}',
    '};',
  ].join('\n');
}

/** Compiled loops by update, attributes and shape of the call; null where compiling code is forbidden. */
const loops = new Map<string, Loop | null>();
/** Distinct attribute sets kept before the cache starts over (a schedule of attributes would grow it). */
const MAX_LOOPS = 256;

/** The compiled loop of `u`, or null when the engine refuses to compile code. */
function loopOf(u: UpdateArrays): Loop | null {
  const present = u.arrays.map((x) => x !== undefined);
  const key = `${u.name}|${present.map(Number).join('')}|${u.targets.length}|${u.coefficients.length}|${exactKey(u.attrs)}`;
  let loop = loops.get(key);
  if (loop === undefined) {
    try {
      loop = new Function(source(u.name, u.attrs, present, u.targets.length, u.coefficients.length))() as Loop;
    } catch (error) {
      if (!(error instanceof EvalError)) throw error;
      loop = null; // a Content Security Policy without 'unsafe-eval'
    }
    if (loops.size >= MAX_LOOPS) loops.clear();
    loops.set(key, loop);
  }
  return loop;
}

/**
 * Runs update `name`'s rule over every element of `targets` in one compiled JavaScript loop and
 * writes its outputs there (`targets` in the kernel's output order; they may be the input
 * arrays): the same bits as {@link runUpdateBlocks}, which runs instead where compiling code is
 * forbidden. Throws a typed error, writing nothing, when the arrays do not fit the update.
 *
 * @example
 * ```ts
 * import { runUpdateLoop } from '@backprop/core';
 *
 * const theta = new Float32Array([1, 2]);
 * const attrs = { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: true };
 * runUpdateLoop({ name: 'sgdUpdate', attrs, arrays: [theta, new Float32Array([10, 10])], targets: [theta], lr: 0.5, coefficients: [] });
 * console.log(theta); // Float32Array [-4, -3]
 * ```
 */
export function runUpdateLoop(u: UpdateArrays): void {
  checkUpdateArrays('runUpdateLoop', u);
  const loop = loopOf(u);
  if (loop === null) {
    evaluateBlocks(u);
    return;
  }
  const [c0 = 0, c1 = 0, c2 = 0] = u.coefficients;
  loop(u.arrays, u.targets, u.targets[0]?.length ?? 0, u.lr, c0, c1, c2);
}
