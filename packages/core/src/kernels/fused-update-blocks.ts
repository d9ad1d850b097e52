/**
 * The fused updates' rules (`fused-update-rules.ts`) evaluated on host arrays block by block in
 * JavaScript: every result is stored in a Float32Array, so each operation rounds to float32
 * exactly as a float32 kernel does, and a block's outputs are all computed before any is written,
 * so outputs may be the inputs themselves (an update in place). `runUpdateLoop` runs it where the
 * engine refuses to compile code; it is the same bits, about three times slower.
 */
import type { TypedArray } from '../dtype.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { invalid } from '../validate.js';
import { type UpdateMath, updateKernelRule } from './fused-update-rules.js';
import type { AdamUpdateAttrs, RmspropUpdateAttrs, SgdUpdateAttrs, UpdateKernelName } from './spec.js';

/** A host value: a block of float32 values, or a float32 scalar that broadcasts. */
type Value = Float32Array | number;

/** Elements per block: a dozen scratch blocks of 8 KiB stay in the L2 cache. */
const BLOCK = 2048;

/** Float32 arithmetic on blocks of `n` elements, results in scratch blocks reused from block to block. */
class BlockMath implements UpdateMath<Value> {
  #pool: Float32Array[] = [];
  #used = 0;
  n = 0;

  /** Starts a block of n elements: every scratch block is free again. */
  reset(n: number): void {
    this.n = n;
    this.#used = 0;
  }

  #out(): Float32Array {
    if (this.#used === this.#pool.length) this.#pool.push(new Float32Array(BLOCK));
    const full = this.#pool[this.#used++];
    return this.n === BLOCK ? full : full.subarray(0, this.n);
  }

  add(a: Value, b: Value): Value {
    if (typeof a === 'number' && typeof b === 'number') return Math.fround(a + b);
    const y = this.#out();
    const n = y.length;
    if (typeof a === 'number') for (let i = 0; i < n; i++) y[i] = a + (b as Float32Array)[i];
    else if (typeof b === 'number') for (let i = 0; i < n; i++) y[i] = a[i] + b;
    else for (let i = 0; i < n; i++) y[i] = a[i] + b[i];
    return y;
  }

  sub(a: Value, b: Value): Value {
    if (typeof a === 'number' && typeof b === 'number') return Math.fround(a - b);
    const y = this.#out();
    const n = y.length;
    if (typeof a === 'number') for (let i = 0; i < n; i++) y[i] = a - (b as Float32Array)[i];
    else if (typeof b === 'number') for (let i = 0; i < n; i++) y[i] = a[i] - b;
    else for (let i = 0; i < n; i++) y[i] = a[i] - b[i];
    return y;
  }

  mul(a: Value, b: Value): Value {
    if (typeof a === 'number' && typeof b === 'number') return Math.fround(a * b);
    const y = this.#out();
    const n = y.length;
    if (typeof a === 'number') for (let i = 0; i < n; i++) y[i] = a * (b as Float32Array)[i];
    else if (typeof b === 'number') for (let i = 0; i < n; i++) y[i] = a[i] * b;
    else for (let i = 0; i < n; i++) y[i] = a[i] * b[i];
    return y;
  }

  div(a: Value, b: Value): Value {
    if (typeof a === 'number' && typeof b === 'number') return Math.fround(a / b);
    const y = this.#out();
    const n = y.length;
    if (typeof a === 'number') for (let i = 0; i < n; i++) y[i] = a / (b as Float32Array)[i];
    else if (typeof b === 'number') for (let i = 0; i < n; i++) y[i] = a[i] / b;
    else for (let i = 0; i < n; i++) y[i] = a[i] / b[i];
    return y;
  }

  max(a: Value, b: Value): Value {
    if (typeof a === 'number' && typeof b === 'number') return Math.max(a, b);
    const y = this.#out();
    const n = y.length;
    if (typeof a === 'number') for (let i = 0; i < n; i++) y[i] = Math.max(a, (b as Float32Array)[i]);
    else if (typeof b === 'number') for (let i = 0; i < n; i++) y[i] = Math.max(a[i], b);
    else for (let i = 0; i < n; i++) y[i] = Math.max(a[i], b[i]);
    return y;
  }

  sqrt(a: Value): Value {
    if (typeof a === 'number') return Math.fround(Math.sqrt(a));
    const y = this.#out();
    const n = y.length;
    for (let i = 0; i < n; i++) y[i] = Math.sqrt(a[i]);
    return y;
  }

  constant(c: number): Value {
    return Math.fround(c);
  }

  identity(a: Value): Value {
    if (typeof a === 'number') return a;
    const y = this.#out();
    y.set(a);
    return y;
  }
}

/** One fused update over host arrays. */
export interface UpdateArrays {
  name: UpdateKernelName;
  attrs: object;
  /** The elementwise inputs (the kernel's inputs but γ), undefined for Adam's step count t. */
  arrays: readonly (Float32Array | undefined)[];
  /** Where each output goes. */
  targets: readonly Float32Array[];
  /** γ, a float32 value. */
  lr: number;
  /** Adam's coefficients [a, e, decay?] as float32 values (`adamStepCoefficients`, each rounded once); [] otherwise. */
  coefficients: readonly number[];
}

/**
 * The update of a fused kernel's host arrays: `inputs` in the kernel's order (γ last, a
 * one-element array; Adam's step count t at index 4, read by the coefficients only), `targets`
 * in its output order, Adam's coefficients [a, e, decay?] rounded to float32 here. Throws a
 * ValueError when there are not even θ, g and γ or γ is not one element; `runUpdateLoop` and
 * `runUpdateBlocks` check the rest.
 *
 * @example
 * ```ts
 * import { runUpdateLoop, updateArraysOf } from '@backprop/core';
 *
 * const theta = new Float32Array([1, 2]);
 * const attrs = { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: true };
 * runUpdateLoop(updateArraysOf('sgdUpdate', attrs, [theta, new Float32Array([10, 10]), new Float32Array([0.5])], [theta]));
 * console.log(theta); // Float32Array [-4, -3]
 * ```
 */
export function updateArraysOf(
  name: UpdateKernelName,
  attrs: object,
  inputs: readonly TypedArray[],
  targets: readonly Float32Array[],
  coefficients: readonly number[] = [],
): UpdateArrays {
  const op = 'updateArraysOf';
  if (inputs.length < 2)
    invalid(op, 'inputs', "a fused kernel's inputs (at least θ, g and γ)", `${inputs.length} arrays`);
  const lr = inputs[inputs.length - 1];
  if (lr.length !== 1) invalid(op, 'γ (the last input)', 'a one-element array', `${lr.length} elements`);
  return {
    name,
    attrs,
    arrays: inputs.slice(0, -1).map((x, i) => (name === 'adamUpdate' && i === 4 ? undefined : (x as Float32Array))),
    targets,
    lr: lr[0],
    coefficients: coefficients.map(Math.fround),
  };
}

/** The elementwise inputs and outputs update `name` takes with `attrs` (Adam's t, index 4, counts as an input). */
function arity(op: string, name: string, attrs: object): { inputs: number[]; outputs: number; coefficients: number } {
  if (name === 'sgdUpdate') {
    const { momentum, firstStep } = attrs as SgdUpdateAttrs;
    // A first step may carry a buffer it does not read.
    const inputs = momentum === 0 ? [2] : firstStep ? [2, 3] : [3];
    return { inputs, outputs: momentum > 0 ? 2 : 1, coefficients: 0 };
  }
  if (name === 'adamUpdate') {
    const { amsgrad, decoupled, weightDecay } = attrs as AdamUpdateAttrs;
    return {
      inputs: [amsgrad ? 6 : 5],
      outputs: amsgrad ? 4 : 3,
      coefficients: decoupled && weightDecay !== 0 ? 3 : 2,
    };
  }
  if (name === 'rmspropUpdate') {
    const { centered, momentum } = attrs as RmspropUpdateAttrs;
    const extra = (centered ? 1 : 0) + (momentum > 0 ? 1 : 0);
    return { inputs: [3 + extra], outputs: 2 + extra, coefficients: 0 };
  }
  throw new ValueError(`${op}: name must be sgdUpdate, adamUpdate or rmspropUpdate, got ${String(name)}`);
}

/**
 * Checks one host update before anything is written: the kernel's name, as many inputs, outputs
 * and coefficients as its attributes call for, every array a Float32Array of the targets' length
 * (Adam's t, index 4, undefined), and γ and the coefficients numbers.
 *
 * @example
 * ```ts
 * import { checkUpdateArrays } from '@backprop/core';
 *
 * const attrs = { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: true };
 * const theta = new Float32Array(4);
 * try {
 *   checkUpdateArrays('myUpdate', { name: 'sgdUpdate', attrs, arrays: [theta, new Float32Array(3)], targets: [theta], lr: 0.1, coefficients: [] });
 * } catch (e) {
 *   console.log((e as Error).message); // myUpdate: array 1 has 3 elements, the targets 4
 * }
 * ```
 */
export function checkUpdateArrays(op: string, u: UpdateArrays): void {
  const want = arity(op, u.name, u.attrs);
  if (!want.inputs.includes(u.arrays.length) || u.targets.length !== want.outputs)
    throw new ValueError(
      `${op}: ${u.name} with these attributes takes ${want.inputs.join(' or ')} arrays and ${want.outputs} targets, got ${u.arrays.length} and ${u.targets.length}`,
    );
  if (u.coefficients.length !== want.coefficients)
    throw new ValueError(
      `${op}: ${u.name} takes ${want.coefficients} coefficients with these attributes, got ${u.coefficients.length}`,
    );
  const n = u.targets[0].length;
  const check = (x: unknown, what: string) => {
    if (!(x instanceof Float32Array)) throw new DTypeError(`${op}: ${what} must be a Float32Array`);
    if (x.length !== n) throw new ShapeError(`${op}: ${what} has ${x.length} elements, the targets ${n}`);
  };
  u.arrays.forEach((x, i) => {
    if (u.name === 'adamUpdate' && i === 4) {
      if (x !== undefined) throw new ValueError(`${op}: adamUpdate's array 4 (the step count) must be undefined`);
    } else check(x, `array ${i}`);
  });
  u.targets.forEach((t, k) => check(t, `target ${k}`));
  for (const [what, v] of [['lr', u.lr], ...u.coefficients.map((c, k) => [`coefficient ${k}`, c] as const)] as const)
    if (typeof v !== 'number') throw new ValueError(`${op}: ${what} must be a number, got ${typeof v}`);
}

/**
 * Runs update `name`'s rule over every element of `targets`, block by block, and writes its
 * outputs there (`targets` in the kernel's output order; they may be the input arrays). Throws a
 * typed error, writing nothing, when the arrays do not fit the update (`checkUpdateArrays`).
 *
 * @example
 * ```ts
 * import { runUpdateBlocks } from '@backprop/core';
 *
 * const theta = new Float32Array([1, 2]);
 * const attrs = { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: true };
 * runUpdateBlocks({ name: 'sgdUpdate', attrs, arrays: [theta, new Float32Array([10, 10])], targets: [theta], lr: 0.5, coefficients: [] });
 * console.log(theta); // Float32Array [-4, -3]
 * ```
 */
export function runUpdateBlocks(u: UpdateArrays): void {
  checkUpdateArrays('runUpdateBlocks', u);
  evaluateBlocks(u);
}

/** {@link runUpdateBlocks} on arrays already checked. */
export function evaluateBlocks({ name, attrs, arrays, targets, lr, coefficients }: UpdateArrays): void {
  const size = targets[0].length;
  const M = new BlockMath();
  const out: Float32Array[] = [];
  for (let start = 0; start < size; start += BLOCK) {
    const n = Math.min(BLOCK, size - start);
    M.reset(n);
    const block = arrays.map((x) => (x === undefined ? 0 : x.subarray(start, start + n)));
    const rule = updateKernelRule(M, name, attrs, block, lr, coefficients);
    out.length = 0;
    for (let k = 0; k < targets.length; k++) {
      const v = rule(k);
      if (typeof v === 'number') throw new RangeError(`${name}: output ${k} is a scalar`);
      out.push(v);
    }
    for (let k = 0; k < targets.length; k++) targets[k].set(out[k], start);
  }
}
