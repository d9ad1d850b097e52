/** Softmax cross-entropy over classes, with integer labels or one-hot / probability targets. */
import { fusedGradientKernel } from '../autograd/fused-gradient.js';
import { customOp } from '../autograd/tape.js';
import { hasKernel, runKernel } from '../engine.js';
import { DTypeError, formatShape, ShapeError } from '../errors.js';
import { logSoftmax } from '../ops/activations.js';
import { div, mul } from '../ops/binary.js';
import { cast } from '../ops/cast.js';
import { equal } from '../ops/compare.js';
import { arange } from '../ops/creation.js';
import { mean, sum } from '../ops/reduce.js';
import { expandDims } from '../ops/reshape.js';
import { neg } from '../ops/unary.js';
import type { Tensor } from '../tensor.js';
import { checkClassLabels, noMoreArguments } from './check.js';
import { softmaxCrossEntropyGrad } from './softmax-grad.js';

/** One-hot rows of int32 `labels` already checked to lie in [0, c) (so not checked again). */
const oneHotOf = (labels: Tensor, c: number): Tensor =>
  cast(equal(expandDims(labels, -1), arange(0, c, 1, 'int32')), 'float32');

/**
 * Mean over the batch of −log softmax(z)[label] for logits [N, C] and int32 labels [N], or
 * of −Σ_c t_c log softmax(z)_c for float32 targets [N, C] (PyTorch's CrossEntropyLoss).
 * The gradient with respect to z is (softmax(z) − onehot)/N; a backend's fused
 * `softmaxCrossEntropy` kernel, and its fused gradient `softmaxCrossEntropyGrad` (one pass
 * instead of a softmax, a one-hot and three elementwise ops), are used when it has them; a
 * gradient of the gradient differentiates the composition instead.
 *
 * Labels are checked before anything runs: float labels [N] (class indices stored as floats)
 * are a DTypeError, and a label outside [0, C) an IndexError naming it, its position and C.
 * A label is an index into the class axis, so it gets `gather`'s IndexError (same fields,
 * one type to catch) rather than an error of its own. The range check reads the labels on
 * the host under `gather`'s rule: where the backend cannot read them without waiting
 * (asynchronous backends) it is skipped, and a bad label gives a NaN or wrong loss there.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { losses, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const logits = tensor([[2, 0, 0], [0, 0, 0]]);
 * const labels = tensor([0, 2], [2], 'int32');
 * console.log(await losses.softmaxCrossEntropy(logits, labels).item()); // ≈ 0.6691, the mean over the batch
 * ```
 */
export function softmaxCrossEntropy(logits: Tensor, labels: Tensor, ...extra: unknown[]): Tensor {
  noMoreArguments('softmaxCrossEntropy', extra);
  if (logits.dtype !== 'float32' || logits.rank !== 2) {
    throw new ShapeError(
      `softmaxCrossEntropy: expected float32 logits [N, C], got ${logits.dtype}${formatShape(logits.shape)}`,
    );
  }
  const [n, c] = logits.shape;
  if (labels.dtype === 'int32') {
    if (labels.rank !== 1 || labels.shape[0] !== n) {
      throw new ShapeError(`softmaxCrossEntropy: expected int32 labels [${n}], got ${formatShape(labels.shape)}`);
    }
    checkClassLabels('softmaxCrossEntropy', labels, c);
    if (hasKernel('softmaxCrossEntropy')) {
      return customOp(
        'softmaxCrossEntropy',
        [logits],
        () => mean(runKernel('softmaxCrossEntropy', [logits, labels], {}, { shape: [n], dtype: 'float32' })),
        (dy) => [
          // One pass on a backend with the fused gradient, the same values as the composition.
          fusedGradientKernel('softmaxCrossEntropyGrad') && dy.rank === 0 && dy.dtype === 'float32'
            ? runKernel('softmaxCrossEntropyGrad', [logits, labels, dy], {}, { shape: [n, c], dtype: 'float32' })
            : softmaxCrossEntropyGrad(logits, oneHotOf(labels, c), dy),
        ],
      );
    }
    return neg(div(sum(mul(logSoftmax(logits), oneHotOf(labels, c))), Math.max(n, 1)));
  }
  if (labels.dtype !== 'float32')
    throw new DTypeError(`softmaxCrossEntropy: labels must be int32 or float32, got ${labels.dtype}`);
  if (labels.rank === 1) {
    throw new DTypeError(
      `softmaxCrossEntropy: class labels must be int32, got float32${formatShape(labels.shape)}; cast them with \`labels.cast('int32')\`, or pass float32 targets [${n}, ${c}]`,
    );
  }
  if (labels.rank !== 2 || labels.shape[0] !== n || labels.shape[1] !== c) {
    throw new ShapeError(
      `softmaxCrossEntropy: expected float32 targets [${n}, ${c}], got ${formatShape(labels.shape)}`,
    );
  }
  return neg(div(sum(mul(logSoftmax(logits), labels)), Math.max(n, 1)));
}
