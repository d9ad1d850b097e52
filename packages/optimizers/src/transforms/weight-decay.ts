/** Weight decay: coupled (an L2 term in the gradient) and decoupled (AdamW's, applied to θ directly). */
import { add, mul } from '@backprop/core';
import { type GradientTransformation, stateless } from '../transform.js';

/**
 * Coupled weight decay, PyTorch's `weight_decay` of SGD/Adam/...: g ← g + λθ, the gradient
 * of the penalty (λ/2)‖θ‖². Put it first in a chain, before moments see the gradient.
 */
export function addWeightDecay(weightDecay: number): GradientTransformation {
  return addScaledParam(weightDecay);
}

/**
 * Decoupled weight decay (Loshchilov & Hutter; PyTorch's AdamW): u ← u + λθ after the
 * adaptive scaling, so that with the learning rate θ ← θ − γλθ − γ·u.
 */
export function addDecayedWeights(weightDecay: number): GradientTransformation {
  return addScaledParam(weightDecay);
}

/** u ← u + λθ: both decays add the same term, at different places in the chain. */
function addScaledParam(weightDecay: number): GradientTransformation {
  return stateless((u, { param }) => (weightDecay === 0 ? u : add(u, mul(param, weightDecay))));
}
