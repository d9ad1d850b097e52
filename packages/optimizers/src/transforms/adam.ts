/** Adam's scaling: bias-corrected first and second moments, ε outside the root (PyTorch) or δ inside (the lecture). */
import { adamDirectionRule, adamMomentsRule, maximum, tensorArithmetic, ValueError, zerosLike } from '@backprop/core';
import type { GradientTransformation } from '../transform.js';
import { checkBoolean, checkTransform } from '../validate.js';
import { biasCorrection } from './bias-correction.js';

/** Where Adam's ε goes. */
export type EpsPlacement = 'outside' | 'inside';

/** Options of {@link scaleByAdam}. */
export interface ScaleByAdamOptions {
  beta1: number;
  beta2: number;
  eps: number;
  /** Keep the running maximum of the raw second moment (default false). */
  amsgrad?: boolean;
  /** `'outside'`: m̂/(√v̂ + ε) (PyTorch, default); `'inside'`: ŝ/√(r̂ + δ) (the lecture, Optax's `eps_root`). */
  epsPlacement?: EpsPlacement;
}

/**
 * m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; with t the step, the update is
 * (m/(1−β₁ᵗ)) / (√v/√(1−β₂ᵗ) + ε) (PyTorch) or (m/(1−β₁ᵗ)) / √(v/(1−β₂ᵗ) + δ) (the lecture).
 * `amsgrad` uses max(v_max, v) for v. State keys `expAvg`, `expAvgSq`, `maxExpAvgSq`. The bias
 * corrections come from the context's step tensor when it has one (see {@link biasCorrection}),
 * so a compiled step replays the same graph every call.
 *
 * @example
 * ```ts
 * import { chain, scaleByAdam, scaleByLearningRate } from '@backprop/optimizers';
 *
 * const adam = chain(scaleByAdam({ beta1: 0.9, beta2: 0.999, eps: 1e-8 }), scaleByLearningRate(1e-3));
 * ```
 */
export function scaleByAdam({
  beta1,
  beta2,
  eps,
  amsgrad = false,
  epsPlacement = 'outside',
}: ScaleByAdamOptions): GradientTransformation {
  checkTransform('scaleByAdam', 'betas[0]', beta1, 'beta');
  checkTransform('scaleByAdam', 'betas[1]', beta2, 'beta');
  checkTransform('scaleByAdam', 'eps', eps);
  checkBoolean('scaleByAdam', 'amsgrad', amsgrad);
  if (epsPlacement !== 'outside' && epsPlacement !== 'inside')
    throw new ValueError(`scaleByAdam: epsPlacement must be 'outside' or 'inside', got ${String(epsPlacement)}`);
  return {
    init: (param) => ({
      expAvg: zerosLike(param),
      expAvgSq: zerosLike(param),
      ...(amsgrad ? { maxExpAvgSq: zerosLike(param) } : {}),
    }),
    update(g, state, ctx) {
      const { m, v } = adamMomentsRule(tensorArithmetic, g, state.expAvg, state.expAvgSq, beta1, beta2);
      const vMax = amsgrad ? maximum(state.maxExpAvgSq, v) : v;
      const bc1 = biasCorrection(beta1, ctx);
      const bc2 = biasCorrection(beta2, ctx);
      const updates = adamDirectionRule(tensorArithmetic, m, vMax, bc1, bc2, eps, epsPlacement);
      return { updates, state: { expAvg: m, expAvgSq: v, ...(amsgrad ? { maxExpAvgSq: vMax } : {}) } };
    },
  };
}
