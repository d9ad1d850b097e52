/**
 * The fused optimizer updates' elementwise formulas (`sgdUpdate`, `adamUpdate`, `rmspropUpdate`),
 * written once over {@link UpdateMath} in float32. Every backend that fuses an update evaluates
 * these rules: backend-onnx as ONNX nodes and as WebAssembly compiled at run time; backend-cpu's
 * scalar kernels and backend-onnx's host fallback as a compiled JavaScript loop (`runUpdateLoop`)
 * or block by block (`runUpdateBlocks`); backend-webgpu as WGSL. So each operation rounds to float32 in the same order
 * everywhere and the backends agree bit for bit; backend-cpu's SIMD kernels are AssemblyScript
 * generated from these rules when it is built (each constant read at run time by the `name` the
 * rule gives it). The float64 constants Adam needs per step are {@link adamStepCoefficients}.
 *
 * They differ from the composed rules of `update-rules.ts` in two ways only: Adam folds its bias
 * corrections into two constants per step (one division per element instead of three), and g is
 * squared before it is scaled ((g·g)·(1 − β₂), not (g·(1 − β₂))·g); the two agree to float32
 * rounding, not bit for bit.
 */
import { finite, positiveInt } from '../validate.js';
import type { AdamUpdateAttrs, RmspropUpdateAttrs, SgdUpdateAttrs, UpdateKernelName } from './spec.js';

/** Float32 arithmetic on values of type T (tensors or blocks; a scalar broadcasts). */
export interface UpdateMath<T> {
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  sqrt(a: T): T;
  max(a: T, b: T): T;
  /**
   * The float32 constant nearest c. `name` says which attribute c is (`'beta1'`, `'1 - beta1'`,
   * `'weightDecay'`, …), for an arithmetic that reads constants at run time instead
   * (backend-cpu's SIMD kernels, generated from these rules).
   */
  constant(c: number, name?: string): T;
  /** The same values as a value of its own (a graph output distinct from an input). */
  identity(a: T): T;
}

/** One output of an update, by index in the kernel's output order; computed on first use. */
export type UpdateOutputs<T> = (output: number) => T;

/** Memoizes `f` (so an output another one reads is built once). */
function once<T>(f: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = f();
      done = true;
    }
    return value;
  };
}

/** Adam's per-step coefficients: a = γ√bc₂/bc₁, e = ε√bc₂ and AdamW's decay factor 1 − γλ. */
export interface AdamCoefficients<T> {
  a: T;
  e: T;
  /** Present under decoupled decay (AdamW) with λ ≠ 0. */
  decay?: T;
}

/**
 * Adam's coefficients at step t, in float64 (bc₁ = 1 − β₁ᵗ, bc₂ = 1 − β₂ᵗ): PyTorch's
 * γ·(m′/bc₁)/(√v̄/√bc₂ + ε) equals a·m′/(√v̄ + e), one division per element instead of three.
 * A backend rounds each to float32 once. (backend-onnx computes the same float64 chain as ONNX
 * nodes, from its int32 step tensor.) Throws a ValueError unless `step` is an integer ≥ 1 (at
 * t = 0 the bias corrections divide by zero) and `lr` a finite number.
 *
 * @example
 * ```ts
 * import { adamStepCoefficients } from '@backprop/core';
 *
 * const attrs = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false };
 * const { a, e } = adamStepCoefficients(attrs, 1, 0.001);
 * console.log(a, e); // ≈ 3.16e-4 and 3.16e-10: γ√(1 − β₂)/(1 − β₁) and ε√(1 − β₂) at t = 1
 * ```
 */
export function adamStepCoefficients(
  { beta1, beta2, eps, weightDecay, decoupled }: AdamUpdateAttrs,
  step: number,
  lr: number,
): AdamCoefficients<number> {
  positiveInt('adamStepCoefficients', 'step', step);
  finite('adamStepCoefficients', 'lr', lr);
  const rootBc2 = Math.sqrt(1 - beta2 ** step);
  return {
    a: (lr * rootBc2) / (1 - beta1 ** step),
    e: eps * rootBc2,
    decay: decoupled && weightDecay !== 0 ? 1 - lr * weightDecay : undefined,
  };
}

/**
 * PyTorch's Adam / AdamW / AMSGrad on [θ, g, m, v, v̄?]: m′ = β₁m + (1 − β₁)g, v′ = β₂v + (1 − β₂)g²,
 * v̄′ = max(v̄, v′), θ′ = θ − a·m′/(√v̄′ + e) with θ first scaled by 1 − γλ (AdamW) or g ← g + λθ
 * (Adam's coupled decay). Outputs [θ′, m′, v′, v̄′].
 */
export function adamUpdateRule<T>(
  M: UpdateMath<T>,
  [p, g, m, v, vMax]: readonly T[],
  coefficients: () => AdamCoefficients<T>,
  { beta1, beta2, weightDecay, decoupled, amsgrad }: AdamUpdateAttrs,
): UpdateOutputs<T> {
  const mulBy = (x: T, c: number, name: string) => M.mul(x, M.constant(c, name));
  const ema = (a: T, c: T, beta: number, name: string) =>
    M.add(mulBy(a, beta, name), mulBy(c, 1 - beta, `1 - ${name}`));
  const grad = once(() => (!decoupled && weightDecay !== 0 ? M.add(g, mulBy(p, weightDecay, 'weightDecay')) : g));
  const m2 = once(() => ema(m, grad(), beta1, 'beta1'));
  const v2 = once(() => ema(v, M.mul(grad(), grad()), beta2, 'beta2'));
  const vBar = once(() => (amsgrad ? M.max(vMax, v2()) : v2()));
  const theta = once(() => {
    const { a, e, decay } = coefficients();
    const scaled = decoupled && weightDecay !== 0 && decay !== undefined ? M.mul(p, decay) : p;
    return M.sub(scaled, M.div(M.mul(m2(), a), M.add(M.sqrt(vBar()), e)));
  });
  return (k) => [theta, m2, v2, vBar][k]();
}

/**
 * PyTorch's SGD on [θ, g, b?] with γ: g ← g + λθ; b′ = g on the first step, else μb + (1 − τ)g;
 * d = g + μb′ (Nesterov) or b′; θ′ = θ − γd. Outputs [θ′, b′ (momentum > 0)].
 */
export function sgdUpdateRule<T>(
  M: UpdateMath<T>,
  [p, g, buf]: readonly T[],
  lr: T,
  { momentum, dampening, nesterov, weightDecay, firstStep }: SgdUpdateAttrs,
): UpdateOutputs<T> {
  const mulBy = (x: T, c: number, name: string) => M.mul(x, M.constant(c, name));
  const grad = once(() => (weightDecay !== 0 ? M.add(g, mulBy(p, weightDecay, 'weightDecay')) : g));
  const b2 = once(() =>
    firstStep ? grad() : M.add(mulBy(buf, momentum, 'momentum'), mulBy(grad(), 1 - dampening, '1 - dampening')),
  );
  const theta = once(() => {
    const d = momentum > 0 ? (nesterov ? M.add(grad(), mulBy(b2(), momentum, 'momentum')) : b2()) : grad();
    return M.sub(p, M.mul(d, lr));
  });
  return (k) => (k === 0 ? theta() : firstStep ? M.identity(b2()) : b2());
}

/**
 * PyTorch's RMSprop and Adagrad on [θ, g, v, ḡ?, b?] with γ: g ← g + λθ; v′ = decay·v + scale·g²;
 * ḡ′ = decay·ḡ + scale·g (centered); d = √(v′ − ḡ′²) + ε or √v′ + ε; b′ = μb + g/d and θ′ = θ − γb′
 * (momentum), else θ′ = θ − γ·g/d. Outputs [θ′, v′, ḡ′?, b′?].
 */
export function rmspropUpdateRule<T>(
  M: UpdateMath<T>,
  [p, g, v, ...rest]: readonly T[],
  lr: T,
  { decay, scale, eps, weightDecay, momentum, centered }: RmspropUpdateAttrs,
): UpdateOutputs<T> {
  const gAvg = centered ? rest.shift() : undefined;
  const buf = momentum > 0 ? rest.shift() : undefined;
  const mulBy = (x: T, c: number, name: string) => M.mul(x, M.constant(c, name));
  const grad = once(() => (weightDecay !== 0 ? M.add(g, mulBy(p, weightDecay, 'weightDecay')) : g));
  /** decay·a + scale·c (Adagrad's 1·a + 1·c is one addition). */
  const accumulate = (a: T, c: T) =>
    decay === 1 && scale === 1 ? M.add(a, c) : M.add(mulBy(a, decay, 'decay'), mulBy(c, scale, 'scale'));
  const v2 = once(() => accumulate(v, M.mul(grad(), grad())));
  const gAvg2 = once(() => (gAvg === undefined ? undefined : accumulate(gAvg, grad())));
  const step = once(() => {
    const avg = gAvg2();
    const root = M.sqrt(avg === undefined ? v2() : M.sub(v2(), M.mul(avg, avg)));
    return M.div(grad(), M.add(root, M.constant(eps, 'eps')));
  });
  const buf2 = once(() => (buf === undefined ? undefined : M.add(mulBy(buf, momentum, 'momentum'), step())));
  const theta = once(() => M.sub(p, M.mul(buf2() ?? step(), lr)));
  const outputs = [theta, v2, ...(centered ? [gAvg2] : []), ...(momentum > 0 ? [buf2] : [])] as (() => T)[];
  return (k) => outputs[k]();
}

/**
 * Update `name`'s rule over `M` on its elementwise inputs `xs` (the kernel's inputs but γ; Adam's
 * t, at index 4, is not read), with γ and Adam's coefficients [a, e, decay?] as values of `M`.
 *
 * @example
 * ```ts
 * import { type UpdateMath, updateKernelRule } from '@backprop/core';
 *
 * // Host numbers, each result rounded to float32: one element of an update.
 * const f = Math.fround;
 * const float32: UpdateMath<number> = {
 *   add: (a, b) => f(a + b),
 *   sub: (a, b) => f(a - b),
 *   mul: (a, b) => f(a * b),
 *   div: (a, b) => f(a / b),
 *   sqrt: (a) => f(Math.sqrt(a)),
 *   max: Math.max,
 *   constant: f,
 *   identity: (a) => a,
 * };
 * const attrs = { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: true };
 * const outputs = updateKernelRule(float32, 'sgdUpdate', attrs, [1, 10], 0.5, []);
 * console.log(outputs(0)); // -4: θ′ = θ − γg
 * ```
 */
export function updateKernelRule<T>(
  M: UpdateMath<T>,
  name: UpdateKernelName,
  attrs: object,
  xs: readonly T[],
  lr: T,
  coefficients: readonly T[],
): UpdateOutputs<T> {
  const [a, e, decay] = coefficients;
  return name === 'adamUpdate'
    ? adamUpdateRule(M, [...xs.slice(0, 4), xs[5]], () => ({ a, e, decay }), attrs as AdamUpdateAttrs)
    : name === 'sgdUpdate'
      ? sgdUpdateRule(M, xs, lr, attrs as SgdUpdateAttrs)
      : rmspropUpdateRule(M, xs, lr, attrs as RmspropUpdateAttrs);
}
