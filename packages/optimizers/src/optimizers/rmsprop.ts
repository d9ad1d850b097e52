/** RMSProp: a decaying average of squared gradients, optionally centered, optionally with momentum. */
import { type CommonOptions, GradientOptimizer } from '../optimizer-base.js';
import type { BaseHyper } from '../param-groups.js';
import { chain, type GradientTransformation } from '../transform.js';
import { scaleByRms } from '../transforms/adaptive.js';
import { scaleByLearningRate } from '../transforms/scale.js';
import { addWeightDecay } from '../transforms/weight-decay.js';
import { checkNonNegative } from '../validate.js';

/** RMSProp's hyperparameters (per group). */
export interface RMSpropHyper extends BaseHyper {
  /** α, the decay of the squared average (the lecture's ρ). */
  alpha: number;
  eps: number;
  momentum: number;
  centered: boolean;
}

/** Options of {@link RMSprop}. */
export type RMSpropOptions = Partial<RMSpropHyper> & CommonOptions<RMSpropHyper>;

/**
 * RMSProp (Hinton), PyTorch's form (the lecture's with ρ = α, δ outside the root):
 * g ← g + λθ; v ← αv + (1−α)g²; `centered`: ḡ ← αḡ + (1−α)g and v − ḡ² in the root;
 * d = g/(√v + ε); `momentum`: b ← μb + d, d = b; θ ← θ − γd.
 * Defaults lr 1e-2, alpha 0.99, eps 1e-8 (Keras: ρ 0.9, ε inside the root).
 */
export class RMSprop extends GradientOptimizer<RMSpropHyper> {
  constructor({
    lr = 1e-2,
    alpha = 0.99,
    eps = 1e-8,
    weightDecay = 0,
    momentum = 0,
    centered = false,
    ...rest
  }: RMSpropOptions = {}) {
    super('RMSprop', { lr, alpha, eps, weightDecay, momentum, centered }, rest);
  }

  protected validate(h: RMSpropHyper): void {
    checkNonNegative('RMSprop', 'lr', h.lr);
    checkNonNegative('RMSprop', 'alpha', h.alpha);
    checkNonNegative('RMSprop', 'eps', h.eps);
    checkNonNegative('RMSprop', 'weightDecay', h.weightDecay);
    checkNonNegative('RMSprop', 'momentum', h.momentum);
  }

  protected transform(h: RMSpropHyper): GradientTransformation {
    return chain(addWeightDecay(h.weightDecay), scaleByRms(h), scaleByLearningRate(h.lr));
  }
}
