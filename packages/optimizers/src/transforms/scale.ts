/** Scaling transformations: by a constant, and by the negated learning rate (the descent step). */
import { mul } from '@backprop/core';
import { type GradientTransformation, stateless } from '../transform.js';

/** u ← c·u (c may depend on the step t). */
export function scale(factor: number | ((step: number) => number)): GradientTransformation {
  return stateless((u, { step }) => mul(u, typeof factor === 'number' ? factor : factor(step)));
}

/**
 * u ← −γ·u, the descent step; the last transform of every optimizer so that θ ← θ + u is
 * θ ← θ − γ·(direction). γ may depend on the step t (AdaGrad's lr decay).
 */
export function scaleByLearningRate(lr: number | ((step: number) => number)): GradientTransformation {
  return scale(typeof lr === 'number' ? -lr : (t) => -lr(t));
}
