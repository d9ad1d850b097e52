/**
 * Core's fused update rules (`updateKernelRule`) written out as WGSL: the rule is evaluated once
 * over an arithmetic that emits one `let` per operation, in the rule's order, so this backend
 * computes the same formulas as backend-cpu and backend-onnx. Every constant the rule asks for
 * becomes a float parameter `p(j)` of the shader (its f32 rounding, as on the CPU), so one shader
 * serves every value of the hyperparameters.
 */
import { exactNumber, type UpdateKernelName, type UpdateMath, updateKernelRule } from '@backprop/core';

/** Float32 arithmetic as WGSL statements; constants become parameters. */
export class WgslMath implements UpdateMath<string> {
  readonly lines: string[] = [];
  readonly params: number[] = [];
  readonly #slots = new Map<string, string>();
  #next = 0;

  /** A new `let` holding `expression`. */
  value(expression: string): string {
    const name = `v${this.#next++}`;
    this.lines.push(`  let ${name} = ${expression};`);
    return name;
  }
  add = (a: string, b: string) => this.value(`${a} + ${b}`);
  sub = (a: string, b: string) => this.value(`${a} - ${b}`);
  mul = (a: string, b: string) => this.value(`${a} * ${b}`);
  div = (a: string, b: string) => this.value(`${a} / ${b}`);
  // NaN-propagating, as the CPU backends' max is.
  max = (a: string, b: string) => this.value(`fmax(${a}, ${b})`);
  sqrt = (a: string) => this.value(`sqrt(${a})`);
  identity = (a: string) => a;
  /** Parameter p(j) holding c (one per name; unnamed constants one per value). */
  constant = (c: number, name?: string): string => {
    const key = name ?? `=${exactNumber(c)}`;
    let slot = this.#slots.get(key);
    if (slot === undefined) {
      slot = `p(${this.params.length}u)`;
      this.params.push(c);
      this.#slots.set(key, slot);
    }
    return slot;
  };
}

/** The WGSL of one update and the float parameters it reads (`p(0)`, `p(1)`, …). */
export interface UpdateShader {
  body: string;
  params: number[];
}

/**
 * Update `name`'s rule as a shader body: `inputs` are the kernel's elementwise input bindings by
 * position (undefined where absent: Adam's t, an optional state), each loaded once before any
 * output is written; `lr` the binding holding γ; `outputs` the bindings written, in the kernel's
 * output order. For Adam, `coefficients(M)` returns WGSL lines computing a, e and the decay factor
 * and their names.
 */
export function updateShader(
  name: UpdateKernelName,
  attrs: object,
  {
    inputs,
    lr,
    outputs,
    coefficients,
  }: {
    inputs: readonly (string | undefined)[];
    lr: string;
    outputs: readonly string[];
    coefficients?: (M: WgslMath) => string[];
  },
): UpdateShader {
  const M = new WgslMath();
  M.lines.push(`  let lr = ${lr}[0];`);
  const xs = inputs.map((b) => (b === undefined ? '0.0' : M.value(`${b}[i]`)));
  const rule = updateKernelRule(M, name, attrs, xs, 'lr', coefficients ? coefficients(M) : []);
  const values = outputs.map((_, k) => rule(k));
  const stores = outputs.map((o, k) => `  ${o}[i] = ${values[k]};`);
  return { body: [...M.lines, ...stores].join('\n'), params: M.params };
}
