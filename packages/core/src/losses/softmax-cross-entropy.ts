/** Softmax cross-entropy over classes, with integer labels or one-hot / probability targets. */
import { customOp } from '../autograd/tape.js';
import { hasKernel, runKernel } from '../engine.js';
import { DTypeError, formatShape, ShapeError } from '../errors.js';
import { logSoftmax } from '../ops/activations.js';
import { div, mul } from '../ops/binary.js';
import { oneHot } from '../ops/gather.js';
import { mean, sum } from '../ops/reduce.js';
import { neg } from '../ops/unary.js';
import type { Tensor } from '../tensor.js';
import { softmaxCrossEntropyGrad } from './softmax-grad.js';

/**
 * Mean over the batch of −log softmax(z)[label] for logits [N, C] and int32 labels [N], or
 * of −Σ_c t_c log softmax(z)_c for float32 targets [N, C] (PyTorch's CrossEntropyLoss).
 * The gradient with respect to z is (softmax(z) − onehot)/N; a backend's fused
 * `softmaxCrossEntropy` kernel is used when it has one.
 */
export function softmaxCrossEntropy(logits: Tensor, labels: Tensor): Tensor {
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
    if (hasKernel('softmaxCrossEntropy')) {
      return customOp(
        'softmaxCrossEntropy',
        [logits],
        () => mean(runKernel('softmaxCrossEntropy', [logits, labels], {}, { shape: [n], dtype: 'float32' })),
        (dy) => [softmaxCrossEntropyGrad(logits, oneHot(labels, c), dy)],
      );
    }
    return neg(div(sum(mul(logSoftmax(logits), oneHot(labels, c))), Math.max(n, 1)));
  }
  if (labels.dtype !== 'float32')
    throw new DTypeError(`softmaxCrossEntropy: labels must be int32 or float32, got ${labels.dtype}`);
  if (labels.rank !== 2 || labels.shape[0] !== n || labels.shape[1] !== c) {
    throw new ShapeError(
      `softmaxCrossEntropy: expected float32 targets [${n}, ${c}], got ${formatShape(labels.shape)}`,
    );
  }
  return neg(div(sum(mul(logSoftmax(logits), labels)), Math.max(n, 1)));
}
