/**
 * The fused optimizer updates' elementwise formulas, written once over {@link UpdateMath}: as
 * ONNX nodes in every graph (`graphMath`), and as float32 loops over host blocks when an update
 * is written in place (`hostMath` in `host-update.ts`). Each operation rounds to float32 in both,
 * so the two agree bit for bit; the float64 scalars Adam needs (bias corrections) are always
 * computed by ONNX Runtime (`adamCoefficients`).
 */
import type { AdamUpdateAttrs, RmspropUpdateAttrs, SgdUpdateAttrs, UpdateKernelName } from '@backprop/core';
import type { GraphBuilder } from './builder.js';

/** Float32 arithmetic on values of type T (tensors or blocks; a scalar broadcasts). */
export interface UpdateMath<T> {
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  sqrt(a: T): T;
  max(a: T, b: T): T;
  /** The float32 constant nearest c. */
  constant(c: number): T;
  /** The same values as a value of its own (a graph output distinct from an input). */
  identity(a: T): T;
}

/** The arithmetic as ONNX nodes of `b`: values are value names. */
export function graphMath(b: GraphBuilder): UpdateMath<string> {
  const op = (name: string) => (x: string, y: string) => b.op(name, [x, y]);
  return {
    add: op('Add'),
    sub: op('Sub'),
    mul: op('Mul'),
    div: op('Div'),
    max: op('Max'),
    sqrt: (x) => b.op('Sqrt', [x]),
    constant: (c) => b.scalar(c, 'float32'),
    identity: (x) => b.op('Identity', [x]),
  };
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

/** Adam's float32 coefficients: a = γ√bc₂/bc₁, e = ε√bc₂ and AdamW's decay factor 1 − γλ. */
export interface AdamCoefficients<T> {
  a: T;
  e: T;
  decay?: T;
}

/**
 * PyTorch's Adam / AdamW / AMSGrad on [θ, g, m, v, v̄?]: m′ = β₁m + (1 − β₁)g, v′ = β₂v + (1 − β₂)g²,
 * v̄′ = max(v̄, v′), θ′ = θ − a·m′/(√v̄′ + e) with θ first scaled by 1 − γλ (AdamW) or g ← g + λθ
 * (Adam's coupled decay). Outputs [θ′, m′, v′, v̄′].
 */
export function adamRule<T>(
  M: UpdateMath<T>,
  [p, g, m, v, vMax]: readonly T[],
  coefficients: () => AdamCoefficients<T>,
  { beta1, beta2, weightDecay, decoupled, amsgrad }: AdamUpdateAttrs,
): UpdateOutputs<T> {
  const mulBy = (x: T, c: number) => M.mul(x, M.constant(c));
  const ema = (a: T, c: T, beta: number) => M.add(mulBy(a, beta), mulBy(c, 1 - beta));
  const grad = once(() => (!decoupled && weightDecay !== 0 ? M.add(g, mulBy(p, weightDecay)) : g));
  const m2 = once(() => ema(m, grad(), beta1));
  const v2 = once(() => ema(v, M.mul(grad(), grad()), beta2));
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
export function sgdRule<T>(
  M: UpdateMath<T>,
  [p, g, buf]: readonly T[],
  lr: T,
  { momentum, dampening, nesterov, weightDecay, firstStep }: SgdUpdateAttrs,
): UpdateOutputs<T> {
  const mulBy = (x: T, c: number) => M.mul(x, M.constant(c));
  const grad = once(() => (weightDecay !== 0 ? M.add(g, mulBy(p, weightDecay)) : g));
  const b2 = once(() => (firstStep ? grad() : M.add(mulBy(buf, momentum), mulBy(grad(), 1 - dampening))));
  const theta = once(() => {
    const d = momentum > 0 ? (nesterov ? M.add(grad(), mulBy(b2(), momentum)) : b2()) : grad();
    return M.sub(p, M.mul(d, lr));
  });
  return (k) => (k === 0 ? theta() : firstStep ? M.identity(b2()) : b2());
}

/**
 * PyTorch's RMSprop and Adagrad on [θ, g, v, ḡ?, b?] with γ: g ← g + λθ; v′ = decay·v + scale·g²;
 * ḡ′ = decay·ḡ + scale·g (centered); d = √(v′ − ḡ′²) + ε or √v′ + ε; b′ = μb + g/d and θ′ = θ − γb′
 * (momentum), else θ′ = θ − γ·g/d. Outputs [θ′, v′, ḡ′?, b′?].
 */
export function rmspropRule<T>(
  M: UpdateMath<T>,
  [p, g, v, ...rest]: readonly T[],
  lr: T,
  { decay, scale, eps, weightDecay, momentum, centered }: RmspropUpdateAttrs,
): UpdateOutputs<T> {
  const gAvg = centered ? rest.shift() : undefined;
  const buf = momentum > 0 ? rest.shift() : undefined;
  const mulBy = (x: T, c: number) => M.mul(x, M.constant(c));
  const grad = once(() => (weightDecay !== 0 ? M.add(g, mulBy(p, weightDecay)) : g));
  /** decay·a + scale·c (Adagrad's 1·a + 1·c is one addition). */
  const accumulate = (a: T, c: T) =>
    decay === 1 && scale === 1 ? M.add(a, c) : M.add(mulBy(a, decay), mulBy(c, scale));
  const v2 = once(() => accumulate(v, M.mul(grad(), grad())));
  const gAvg2 = once(() => (gAvg === undefined ? undefined : accumulate(gAvg, grad())));
  const step = once(() => {
    const avg = gAvg2();
    const root = M.sqrt(avg === undefined ? v2() : M.sub(v2(), M.mul(avg, avg)));
    return M.div(grad(), M.add(root, M.constant(eps)));
  });
  const buf2 = once(() => (buf === undefined ? undefined : M.add(mulBy(buf, momentum), step())));
  const theta = once(() => M.sub(p, M.mul(buf2() ?? step(), lr)));
  const outputs = [theta, v2, ...(centered ? [gAvg2] : []), ...(momentum > 0 ? [buf2] : [])] as (() => T)[];
  return (k) => outputs[k]();
}

/**
 * Update `name`'s rule over `M` on its elementwise inputs `xs` (the kernel's inputs but γ; Adam's
 * t, at index 4, is not read), with γ and Adam's coefficients [a, e, decay?] as values of `M`.
 */
export function updateRule<T>(
  M: UpdateMath<T>,
  name: UpdateKernelName,
  attrs: object,
  xs: readonly T[],
  lr: T,
  coefficients: readonly T[],
): UpdateOutputs<T> {
  const [a, e, decay] = coefficients;
  return name === 'adamUpdate'
    ? adamRule(M, [...xs.slice(0, 4), xs[5]], () => ({ a, e, decay }), attrs as AdamUpdateAttrs)
    : name === 'sgdUpdate'
      ? sgdRule(M, xs, lr, attrs as SgdUpdateAttrs)
      : rmspropRule(M, xs, lr, attrs as RmspropUpdateAttrs);
}
