/** Scaling transformations: by a constant, and by the negated learning rate (the descent step). */
import { mul, neg, type Tensor } from '@backprop/core';
import { type GradientTransformation, stateless } from '../transform.js';
import { checkTransform, meetsRule } from '../validate.js';

/** `f(step)`, checked by `rule` each time (a schedule returning NaN would write NaN into every parameter). */
function checkedSchedule(op: string, name: string, f: (step: number) => number, rule: 'nonNegative' | 'finite') {
  return (step: number): number => {
    const v = f(step);
    if (!meetsRule(v, rule)) checkTransform(op, `${name}(${step})`, v, rule);
    return v;
  };
}

/**
 * u ← c·u (c a number, a scalar tensor such as a learning rate read on the backend, or a function of the step t).
 *
 * @example
 * ```ts
 * import { chain, scale, traceMomentum } from '@backprop/optimizers';
 *
 * const sgdMomentum = chain(traceMomentum({ momentum: 0.9 }), scale(-0.01)); // u = −0.01·(momentum trace)
 * ```
 */
export function scale(factor: number | Tensor | ((step: number) => number)): GradientTransformation {
  if (typeof factor === 'function') {
    const f = checkedSchedule('scale', 'factor', factor, 'finite');
    return stateless((u, { step }) => mul(u, f(step)));
  }
  checkTransform('scale', 'factor', factor, 'finite');
  return stateless((u) => mul(u, factor));
}

/**
 * u ← −γ·u, the descent step; the last transform of every optimizer so that θ ← θ + u is
 * θ ← θ − γ·(direction). γ may be a scalar tensor (the optimizers pass each group's rate as one,
 * so a compiled step reads it as an input) or depend on the step t (AdaGrad's lr decay).
 *
 * @example
 * ```ts
 * import { chain, scaleByLearningRate, scaleByRms } from '@backprop/optimizers';
 *
 * const rmsprop = chain(scaleByRms({ alpha: 0.99, eps: 1e-8 }), scaleByLearningRate((step) => 0.01 / Math.sqrt(step)));
 * ```
 */
export function scaleByLearningRate(lr: number | Tensor | ((step: number) => number)): GradientTransformation {
  if (typeof lr === 'function') {
    const f = checkedSchedule('scaleByLearningRate', 'lr', lr, 'nonNegative');
    return scale((t) => -f(t));
  }
  checkTransform('scaleByLearningRate', 'lr', lr);
  if (typeof lr === 'number') return scale(-lr);
  // −γ exactly (negation is exact), so u·(−γ) equals the host form bit for bit.
  return stateless((u) => mul(u, neg(lr)));
}
