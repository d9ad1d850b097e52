/** The gradient of mean softmax cross-entropy with respect to the logits. */

import { softmax } from '../ops/activations.js';
import { div, mul, sub } from '../ops/binary.js';
import type { Tensor } from '../tensor.js';

/** dy · (softmax(z) − target) / N. */
export function softmaxCrossEntropyGrad(logits: Tensor, target: Tensor, dy: Tensor): Tensor {
  return mul(div(sub(softmax(logits), target), Math.max(logits.shape[0], 1)), dy);
}
