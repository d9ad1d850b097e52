/** Binary cross-entropy, from probabilities and (stable) from logits. */
import { customOp } from '../autograd/tape.js';
import { add, div, maximum, mul, sub } from '../ops/binary.js';
import { mean } from '../ops/reduce.js';
import { abs, exp, log, log1p, neg } from '../ops/unary.js';
import type { Tensor } from '../tensor.js';
import { noMoreArguments, sameShapeFloat } from './check.js';

/** The floor of p(1 − p) in the gradient's denominator (PyTorch's EPSILON). */
const EPSILON = 1e-12;

/**
 * The lecture's classification objective, negated to be minimised, on probabilities h:
 * −(1/N) Σ [y log h + (1 − y) log(1 − h)], the mean over every element, with each log clamped
 * at −100 as PyTorch's `binary_cross_entropy` (BCELoss). Prefer
 * {@link binaryCrossEntropyWithLogits} on the logits z (drop the final sigmoid): it is exact
 * where σ(z) rounds to 0 or 1 in float32 (|z| ≳ 17), where this loss can only saturate at 100.
 *
 * The gradient is PyTorch's, finite for every h in [0, 1]:
 * - with respect to h, (h − y) / max(h(1 − h), 1e-12) / N. This is the derivative of the loss
 *   where h(1 − h) ≥ 1e-12, and bounded elsewhere: at h = 0 or 1 it is 0 when y = h and
 *   ±1e12·|h − y|/N otherwise (and for 0 < h < 1e-12 not the exact −y/h either);
 * - with respect to y, −(max(log h, −100) − max(log(1 − h), −100)) / N, the derivative of the
 *   clamped loss. NOTE: PyTorch gives ±∞ here at h = 0 or 1 (it does not clamp the logs); this
 *   stays finite (±100 + log of the other side), equal to PyTorch's everywhere else.
 *
 * Probabilities outside [0, 1] are the caller's responsibility: PyTorch raises for them, but
 * checking would read the tensor on the host, and this loss stays traceable into a graph
 * without a host read. Such values give NaN (log of a negative number), which `fit` reports
 * as a NonFiniteLossError; NaN inputs likewise.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { losses, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const loss = losses.binaryCrossEntropy(tensor([[0.9], [0.2]]), tensor([[1], [0]]));
 * console.log(await loss.item()); // ≈ 0.1643
 * ```
 */
export function binaryCrossEntropy(probabilities: Tensor, target: Tensor, ...extra: unknown[]): Tensor {
  noMoreArguments('binaryCrossEntropy', extra);
  sameShapeFloat('binaryCrossEntropy', probabilities, target);
  const p = probabilities;
  const n = Math.max(p.size, 1);
  const logP = () => maximum(log(p), -100);
  const log1mP = () => maximum(log(sub(1, p)), -100);
  return customOp(
    'binaryCrossEntropy',
    [p, target],
    () => neg(mean(add(mul(target, logP()), mul(sub(1, target), log1mP())))),
    (dy) => {
      const scale = div(dy, n);
      return [mul(div(sub(p, target), maximum(mul(sub(1, p), p), EPSILON)), scale), mul(sub(log1mP(), logP()), scale)];
    },
  );
}

/**
 * Binary cross-entropy of σ(z) without overflow: mean of max(z, 0) − z·y + log(1 + e^−|z|)
 * (PyTorch's BCEWithLogitsLoss). The recommended binary loss: it takes the logits z (no final
 * sigmoid layer) and is exact and smooth for every finite z, where {@link binaryCrossEntropy}
 * on σ(z) saturates once σ(z) rounds to 0 or 1.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { losses, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const loss = losses.binaryCrossEntropyWithLogits(tensor([[0], [0]]), tensor([[1], [0]]));
 * console.log(await loss.item()); // ≈ 0.6931 (ln 2)
 * ```
 */
export function binaryCrossEntropyWithLogits(logits: Tensor, target: Tensor, ...extra: unknown[]): Tensor {
  noMoreArguments('binaryCrossEntropyWithLogits', extra);
  sameShapeFloat('binaryCrossEntropyWithLogits', logits, target);
  return mean(add(sub(maximum(logits, 0), mul(logits, target)), log1p(exp(neg(abs(logits))))));
}
