/** Binary cross-entropy, from probabilities and (stable) from logits. */
import { add, maximum, mul, sub } from '../ops/binary.js';
import { mean } from '../ops/reduce.js';
import { abs, exp, log, log1p, neg } from '../ops/unary.js';
import type { Tensor } from '../tensor.js';
import { sameShapeFloat } from './check.js';

/**
 * The lecture's classification objective, negated to be minimised:
 * −(1/N) Σ [y log h + (1 − y) log(1 − h)], with each log clamped at −100 as PyTorch's BCELoss.
 */
export function binaryCrossEntropy(probabilities: Tensor, target: Tensor): Tensor {
  sameShapeFloat('binaryCrossEntropy', probabilities, target);
  const logP = maximum(log(probabilities), -100);
  const log1mP = maximum(log(sub(1, probabilities)), -100);
  return neg(mean(add(mul(target, logP), mul(sub(1, target), log1mP))));
}

/**
 * Binary cross-entropy of σ(z) without overflow: mean of max(z, 0) − z·y + log(1 + e^−|z|)
 * (PyTorch's BCEWithLogitsLoss).
 */
export function binaryCrossEntropyWithLogits(logits: Tensor, target: Tensor): Tensor {
  sameShapeFloat('binaryCrossEntropyWithLogits', logits, target);
  return mean(add(sub(maximum(logits, 0), mul(logits, target)), log1p(exp(neg(abs(logits))))));
}
