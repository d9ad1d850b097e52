/** The `losses` namespace. */
import type { Tensor } from '../tensor.js';
export { squaredError, mse } from './squared-error.js';
export { binaryCrossEntropy, binaryCrossEntropyWithLogits } from './binary-cross-entropy.js';
export { softmaxCrossEntropy } from './softmax-cross-entropy.js';

/** A loss: a scalar from a batch's predictions and targets. */
export type Loss = (prediction: Tensor, target: Tensor) => Tensor;
