/** Adadelta: unit-corrected steps from running averages of squared gradients and squared steps. */
import type { Tensor } from '@backprop/core';
import { type CommonOptions, GradientOptimizer } from '../optimizer-base.js';
import type { BaseHyper } from '../param-groups.js';
import { chain, type GradientTransformation } from '../transform.js';
import { scaleByAdadelta } from '../transforms/adaptive.js';
import { scaleByLearningRate } from '../transforms/scale.js';
import { addWeightDecay } from '../transforms/weight-decay.js';
import { checkInRange, checkNonNegative } from '../validate.js';

/** Adadelta's hyperparameters (per group). */
export interface AdadeltaHyper extends BaseHyper {
  rho: number;
  eps: number;
}

/** Options of {@link Adadelta}. */
export type AdadeltaOptions = Partial<AdadeltaHyper> & CommonOptions<AdadeltaHyper>;

/**
 * Adadelta (Zeiler 2012), as PyTorch: g ← g + λθ; v ← ρv + (1−ρ)g²;
 * Δ = √(u + ε)/√(v + ε)·g; u ← ρu + (1−ρ)Δ²; θ ← θ − γΔ (ε inside both roots).
 * Defaults lr 1.0, rho 0.9, eps 1e-6. Not in the lecture.
 */
export class Adadelta extends GradientOptimizer<AdadeltaHyper> {
  constructor({ lr = 1, rho = 0.9, eps = 1e-6, weightDecay = 0, ...rest }: AdadeltaOptions = {}) {
    super('Adadelta', { lr, rho, eps, weightDecay }, rest);
  }

  protected validate(h: AdadeltaHyper): void {
    checkNonNegative('Adadelta', 'lr', h.lr);
    checkInRange('Adadelta', 'rho', h.rho, 0, 1, true);
    checkNonNegative('Adadelta', 'eps', h.eps);
    checkNonNegative('Adadelta', 'weightDecay', h.weightDecay);
  }

  protected transform(h: AdadeltaHyper, lr: Tensor): GradientTransformation {
    return chain(addWeightDecay(h.weightDecay), scaleByAdadelta(h), scaleByLearningRate(lr));
  }
}

/**
 * Builds a {@link Adadelta}: `adadelta({ lr })` is `new Adadelta({ lr })`. Factories are how every
 * Backprop object is built; the class stays exported for `instanceof` and for subclassing.
 */
export function adadelta(options?: AdadeltaOptions): Adadelta {
  return new Adadelta(options);
}
