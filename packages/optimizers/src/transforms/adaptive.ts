/** The other adaptive scalings: AdaGrad, RMSProp, Adadelta, Adamax and NAdam, each as PyTorch computes it. */
import { abs, add, div, full, maximum, mul, rmsRule, sqrt, tensorArithmetic, zerosLike } from '@backprop/core';
import type { GradientTransformation } from '../transform.js';
import { checkBoolean, checkTransform } from '../validate.js';
import { biasCorrection } from './bias-correction.js';

/**
 * AdaGrad: G ← G + g²; the update is g/(√G + ε) (ε outside the root, as PyTorch and the
 * lecture). G starts at `initialAccumulator`. State key `sum`.
 *
 * @example
 * ```ts
 * import { chain, scaleByAdagrad, scaleByLearningRate } from '@backprop/optimizers';
 *
 * const adagrad = chain(scaleByAdagrad({ eps: 1e-10 }), scaleByLearningRate(0.01));
 * ```
 */
export function scaleByAdagrad({
  eps,
  initialAccumulator = 0,
}: {
  eps: number;
  initialAccumulator?: number;
}): GradientTransformation {
  checkTransform('scaleByAdagrad', 'eps', eps);
  checkTransform('scaleByAdagrad', 'initialAccumulator', initialAccumulator);
  return {
    init: (param) => ({ sum: full(param.shape, initialAccumulator) }),
    update(g, state) {
      const r = rmsRule(
        tensorArithmetic,
        g,
        { squareAvg: state.sum },
        { decay: 1, scale: 1, eps, centered: false, momentum: 0 },
      );
      return { updates: r.direction, state: { sum: r.state.squareAvg } };
    },
  };
}

/** Options of {@link scaleByRms}. */
export interface ScaleByRmsOptions {
  alpha: number;
  eps: number;
  centered?: boolean;
  momentum?: number;
}

/**
 * RMSProp: v ← αv + (1−α)g²; centered also tracks ḡ ← αḡ + (1−α)g and uses v − ḡ²;
 * the direction is g/(√v + ε), or with momentum b ← μb + g/(√v + ε). State keys
 * `squareAvg`, `gradAvg`, `momentumBuffer`.
 *
 * @example
 * ```ts
 * import { chain, scaleByLearningRate, scaleByRms } from '@backprop/optimizers';
 *
 * const centeredRms = chain(scaleByRms({ alpha: 0.99, eps: 1e-8, centered: true }), scaleByLearningRate(0.01));
 * ```
 */
export function scaleByRms({ alpha, eps, centered = false, momentum = 0 }: ScaleByRmsOptions): GradientTransformation {
  checkTransform('scaleByRms', 'alpha', alpha);
  checkTransform('scaleByRms', 'eps', eps);
  checkTransform('scaleByRms', 'momentum', momentum);
  checkBoolean('scaleByRms', 'centered', centered);
  return {
    init: (param) => ({
      squareAvg: zerosLike(param),
      ...(centered ? { gradAvg: zerosLike(param) } : {}),
      ...(momentum > 0 ? { momentumBuffer: zerosLike(param) } : {}),
    }),
    update(g, state) {
      const options = { decay: alpha, scale: 1 - alpha, eps, centered, momentum };
      const { squareAvg, gradAvg, momentumBuffer } = state;
      const r = rmsRule(tensorArithmetic, g, { squareAvg, gradAvg, momentumBuffer }, options);
      return { updates: r.direction, state: { ...r.state } };
    },
  };
}

/**
 * Adadelta: v ← ρv + (1−ρ)g²; Δ = √(u + ε)/√(v + ε)·g; u ← ρu + (1−ρ)Δ²; the direction is
 * Δ (ε inside both roots). State keys `squareAvg`, `accDelta`.
 *
 * @example
 * ```ts
 * import { chain, scale, scaleByAdadelta } from '@backprop/optimizers';
 *
 * const adadelta = chain(scaleByAdadelta({ rho: 0.9, eps: 1e-6 }), scale(-1));
 * ```
 */
export function scaleByAdadelta({ rho, eps }: { rho: number; eps: number }): GradientTransformation {
  checkTransform('scaleByAdadelta', 'rho', rho, 'unit');
  checkTransform('scaleByAdadelta', 'eps', eps);
  return {
    init: (param) => ({ squareAvg: zerosLike(param), accDelta: zerosLike(param) }),
    update(g, state) {
      const sq = add(mul(state.squareAvg, rho), mul(mul(g, 1 - rho), g));
      const delta = mul(div(sqrt(add(state.accDelta, eps)), sqrt(add(sq, eps))), g);
      const acc = add(mul(state.accDelta, rho), mul(mul(delta, 1 - rho), delta));
      return { updates: delta, state: { squareAvg: sq, accDelta: acc } };
    },
  };
}

/**
 * Adamax: m ← β₁m + (1−β₁)g; u ← max(β₂u, |g| + ε); the direction is m/((1−β₁ᵗ)u).
 * State keys `expAvg`, `expInf`.
 *
 * @example
 * ```ts
 * import { chain, scaleByAdamax, scaleByLearningRate } from '@backprop/optimizers';
 *
 * const adamax = chain(scaleByAdamax({ beta1: 0.9, beta2: 0.999, eps: 1e-8 }), scaleByLearningRate(2e-3));
 * ```
 */
export function scaleByAdamax({
  beta1,
  beta2,
  eps,
}: {
  beta1: number;
  beta2: number;
  eps: number;
}): GradientTransformation {
  checkTransform('scaleByAdamax', 'betas[0]', beta1, 'beta');
  checkTransform('scaleByAdamax', 'betas[1]', beta2, 'beta');
  checkTransform('scaleByAdamax', 'eps', eps);
  return {
    init: (param) => ({ expAvg: zerosLike(param), expInf: zerosLike(param) }),
    update(g, state, ctx) {
      const m = add(mul(state.expAvg, beta1), mul(g, 1 - beta1));
      const u = maximum(mul(state.expInf, beta2), add(abs(g), eps));
      const bc1 = biasCorrection(beta1, ctx);
      const scaled = typeof bc1 === 'number' ? mul(m, 1 / bc1) : div(m, bc1);
      return { updates: div(scaled, u), state: { expAvg: m, expInf: u } };
    },
  };
}

const muProducts = new Map<string, number[]>();

/** μ_t = β₁(1 − ½·0.96^{tψ}). */
const nadamMu = (beta1: number, psi: number, t: number): number => beta1 * (1 - 0.5 * 0.96 ** (t * psi));

/**
 * Π_{i≤t} μ_i, rounded to float32 at every product as PyTorch keeps it (a float32 tensor); cached.
 *
 * @example
 * ```ts
 * import { nadamMuProduct } from '@backprop/optimizers';
 *
 * console.log(nadamMuProduct(0.9, 4e-3, 2)); // μ₁·μ₂ ≈ 0.2026, where μ_t = 0.9·(1 − ½·0.96^(0.004t))
 * ```
 */
export function nadamMuProduct(beta1: number, psi: number, t: number): number {
  const key = `${beta1},${psi}`;
  let list = muProducts.get(key);
  if (!list) {
    list = [1];
    muProducts.set(key, list);
  }
  for (let i = list.length; i <= t; i++) list.push(Math.fround(list[i - 1] * Math.fround(nadamMu(beta1, psi, i))));
  return list[t];
}

/** Options of {@link scaleByNadam}. */
export interface ScaleByNadamOptions {
  beta1: number;
  beta2: number;
  eps: number;
  /** ψ of μ_t = β₁(1 − ½·0.96^{tψ}). */
  momentumDecay: number;
  /** Use PyTorch 1.13's Πμ·μ_t·μ_{t+1} for the second term's product (default false: Πμ·μ_{t+1}, PyTorch ≥ 2.0). */
  legacyMuProduct?: boolean;
}

/**
 * NAdam (Dozat; PyTorch's schedule μ_t = β₁(1 − ½·0.96^{tψ})): with m, v as Adam's and
 * d = √(v/(1−β₂ᵗ)) + ε, the direction is (1−μ_t)/(1−Πμ)·g/d + μ_{t+1}/(1−Πμ·μ_{t+1})·m/d,
 * with Πμ = μ₁⋯μ_t.
 * State keys `expAvg`, `expAvgSq`.
 *
 * @example
 * ```ts
 * import { chain, scaleByLearningRate, scaleByNadam } from '@backprop/optimizers';
 *
 * const nadam = chain(scaleByNadam({ beta1: 0.9, beta2: 0.999, eps: 1e-8, momentumDecay: 4e-3 }), scaleByLearningRate(2e-3));
 * ```
 */
export function scaleByNadam({
  beta1,
  beta2,
  eps,
  momentumDecay,
  legacyMuProduct = false,
}: ScaleByNadamOptions): GradientTransformation {
  checkTransform('scaleByNadam', 'betas[0]', beta1, 'beta');
  checkTransform('scaleByNadam', 'betas[1]', beta2, 'beta');
  checkTransform('scaleByNadam', 'eps', eps);
  checkTransform('scaleByNadam', 'momentumDecay', momentumDecay);
  checkBoolean('scaleByNadam', 'legacyMuProduct', legacyMuProduct);
  return {
    init: (param) => ({ expAvg: zerosLike(param), expAvgSq: zerosLike(param) }),
    update(g, state, { step }) {
      const mu = nadamMu(beta1, momentumDecay, step);
      const muNext = nadamMu(beta1, momentumDecay, step + 1);
      const prod = nadamMuProduct(beta1, momentumDecay, step);
      // NOTE: PyTorch 1.13 multiplied μ_t in twice here (fixed in 2.0); `legacyMuProduct` reproduces it.
      const prodNext = legacyMuProduct
        ? Math.fround(Math.fround(prod * Math.fround(mu)) * Math.fround(muNext))
        : prod * muNext;
      const m = add(mul(state.expAvg, beta1), mul(g, 1 - beta1));
      const v = add(mul(state.expAvgSq, beta2), mul(mul(g, 1 - beta2), g));
      const denom = add(sqrt(div(v, 1 - beta2 ** step)), eps);
      const a = div(mul(g, (1 - mu) / (1 - prod)), denom);
      const b = div(mul(m, muNext / (1 - prodNext)), denom);
      return { updates: add(a, b), state: { expAvg: m, expAvgSq: v } };
    },
  };
}
