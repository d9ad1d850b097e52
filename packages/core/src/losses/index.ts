/** The `losses` namespace. */
import type { Tensor } from '../tensor.js';

export { binaryCrossEntropy, binaryCrossEntropyWithLogits } from './binary-cross-entropy.js';
export { softmaxCrossEntropy } from './softmax-cross-entropy.js';
export { mse, squaredError } from './squared-error.js';

/** A loss: a scalar from a batch's predictions and targets. */
export type Loss = (prediction: Tensor, target: Tensor) => Tensor;
