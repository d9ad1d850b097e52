/**
 * The optimizer update rules, written once over an {@link Arithmetic}: on host numbers they are
 * the float64 reference (`update-reference.ts`), on tensors they are the composed updates of
 * `@backprop/optimizers`. The operation order here is the composed updates' float32 order. The
 * fused kernels' float32 rules, which every fusing backend evaluates, are `fused-update-rules.ts`.
 */

/** The arithmetic a rule is written in: host numbers (`hostArithmetic`) or tensors (`tensorArithmetic`). */
export interface Arithmetic<T> {
  add(a: T, b: T | number): T;
  sub(a: T, b: T | number): T;
  mul(a: T, b: T | number): T;
  div(a: T, b: T | number): T;
  sqrt(a: T): T;
  maximum(a: T, b: T): T;
}

/** Float64 arithmetic on host numbers. */
export const hostArithmetic: Arithmetic<number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  sqrt: Math.sqrt,
  maximum: Math.max,
};

/** Coupled L2 decay: g + λθ (g itself when λ = 0). */
export function coupledDecayRule<T>(A: Arithmetic<T>, g: T, theta: T, weightDecay: number): T {
  return weightDecay === 0 ? g : A.add(g, A.mul(theta, weightDecay));
}

/** Options of {@link momentumRule}: PyTorch's SGD momentum. */
export interface MomentumRuleOptions {
  /** μ. */
  momentum: number;
  /** τ. */
  dampening: number;
  nesterov: boolean;
}

/**
 * Heavy-ball momentum: b′ = g without a buffer (the first step), else μb + (1 − τ)g; the
 * direction is g + μb′ (Nesterov) or b′.
 */
export function momentumRule<T>(
  A: Arithmetic<T>,
  g: T,
  buffer: T | undefined,
  { momentum, dampening, nesterov }: MomentumRuleOptions,
): { direction: T; buffer: T } {
  const b = buffer === undefined ? g : A.add(A.mul(buffer, momentum), A.mul(g, 1 - dampening));
  return { direction: nesterov ? A.add(g, A.mul(b, momentum)) : b, buffer: b };
}

/** Adam's moments: m′ = β₁m + (1 − β₁)g, v′ = β₂v + (1 − β₂)g². */
export function adamMomentsRule<T>(A: Arithmetic<T>, g: T, m: T, v: T, beta1: number, beta2: number): { m: T; v: T } {
  return { m: A.add(A.mul(m, beta1), A.mul(g, 1 - beta1)), v: A.add(A.mul(v, beta2), A.mul(A.mul(g, 1 - beta2), g)) };
}

/**
 * Adam's direction from the moments and the bias corrections bc₁ = 1 − β₁ᵗ, bc₂ = 1 − β₂ᵗ (numbers,
 * or tensors when t is a tensor): (m/bc₁)/(√v/√bc₂ + ε) with ε outside the root (PyTorch), or
 * (m/bc₁)/√(v/bc₂ + δ) with δ inside (the lecture).
 */
export function adamDirectionRule<T>(
  A: Arithmetic<T>,
  m: T,
  v: T,
  bc1: T | number,
  bc2: T | number,
  eps: number,
  epsPlacement: 'outside' | 'inside' = 'outside',
): T {
  const denom =
    epsPlacement === 'outside'
      ? A.add(A.div(A.sqrt(v), typeof bc2 === 'number' ? Math.sqrt(bc2) : A.sqrt(bc2)), eps)
      : A.sqrt(A.add(A.div(v, bc2), eps));
  return A.div(typeof bc1 === 'number' ? A.mul(m, 1 / bc1) : A.div(m, bc1), denom);
}

/** Options of {@link rmsRule}: RMSprop's (decay α, scale 1 − α) and Adagrad's (decay 1, scale 1). */
export interface RmsRuleOptions {
  decay: number;
  scale: number;
  eps: number;
  centered: boolean;
  /** μ (0: none). */
  momentum: number;
}

/** The state {@link rmsRule} reads and returns. */
export interface RmsRuleState<T> {
  squareAvg: T;
  gradAvg?: T;
  momentumBuffer?: T;
}

/**
 * RMSprop / Adagrad: v′ = decay·v + scale·g²; ḡ′ = decay·ḡ + scale·g and d = √(v′ − ḡ′²) + ε
 * (centered), else d = √v′ + ε; b′ = μb + g/d is the direction when μ > 0, else g/d.
 */
export function rmsRule<T>(
  A: Arithmetic<T>,
  g: T,
  state: RmsRuleState<T>,
  { decay, scale, eps, centered, momentum }: RmsRuleOptions,
): { direction: T; state: RmsRuleState<T> } {
  const ema = (old: T, x: T) => A.add(decay === 1 ? old : A.mul(old, decay), x);
  const squareAvg = ema(state.squareAvg, scale === 1 ? A.mul(g, g) : A.mul(A.mul(g, scale), g));
  const next: RmsRuleState<T> = { squareAvg };
  let avg = A.sqrt(squareAvg);
  if (centered) {
    if (state.gradAvg === undefined) throw new TypeError('rmsRule: centered needs gradAvg');
    const gradAvg = ema(state.gradAvg, scale === 1 ? g : A.mul(g, scale));
    next.gradAvg = gradAvg;
    avg = A.sqrt(A.sub(squareAvg, A.mul(gradAvg, gradAvg)));
  }
  avg = A.add(avg, eps);
  if (momentum > 0) {
    if (state.momentumBuffer === undefined) throw new TypeError('rmsRule: momentum needs momentumBuffer');
    next.momentumBuffer = A.add(A.mul(state.momentumBuffer, momentum), A.div(g, avg));
    return { direction: next.momentumBuffer, state: next };
  }
  return { direction: A.div(g, avg), state: next };
}
