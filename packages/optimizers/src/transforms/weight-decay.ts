/** Weight decay: coupled (an L2 term in the gradient) and decoupled (AdamW's, applied to θ directly). */
import { add, mul } from '@backprop/core';
import { type GradientTransformation, stateless } from '../transform.js';
import { checkTransform } from '../validate.js';

/**
 * Coupled weight decay, PyTorch's `weight_decay` of SGD/Adam/...: g ← g + λθ, the gradient
 * of the penalty (λ/2)‖θ‖². Put it first in a chain, before moments see the gradient.
 *
 * @example
 * ```ts
 * import { addWeightDecay, chain, scaleByAdam, scaleByLearningRate } from '@backprop/optimizers';
 *
 * // Adam with L2 in the gradient (PyTorch's Adam weight_decay): g + λθ before the moments.
 * const adamL2 = chain(addWeightDecay(1e-4), scaleByAdam({ beta1: 0.9, beta2: 0.999, eps: 1e-8 }), scaleByLearningRate(1e-3));
 * ```
 */
export function addWeightDecay(weightDecay: number): GradientTransformation {
  checkTransform('addWeightDecay', 'weightDecay', weightDecay);
  return addScaledParam(weightDecay);
}

/**
 * Decoupled weight decay (Loshchilov & Hutter; PyTorch's AdamW): u ← u + λθ after the
 * adaptive scaling, so that with the learning rate θ ← θ − γλθ − γ·u.
 *
 * @example
 * ```ts
 * import { addDecayedWeights, chain, scaleByAdam, scaleByLearningRate } from '@backprop/optimizers';
 *
 * // AdamW: the decay is added after Adam's scaling, decoupled from the moments.
 * const adamW = chain(scaleByAdam({ beta1: 0.9, beta2: 0.999, eps: 1e-8 }), addDecayedWeights(0.01), scaleByLearningRate(1e-3));
 * ```
 */
export function addDecayedWeights(weightDecay: number): GradientTransformation {
  checkTransform('addDecayedWeights', 'weightDecay', weightDecay);
  return addScaledParam(weightDecay);
}

/** u ← u + λθ: both decays add the same term, at different places in the chain. */
function addScaledParam(weightDecay: number): GradientTransformation {
  return stateless((u, { param }) => (weightDecay === 0 ? u : add(u, mul(param, weightDecay))));
}
