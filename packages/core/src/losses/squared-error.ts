/** Squared-error losses: the lecture's ½‖h − y‖² per example, and PyTorch's MSELoss. */
import { mul, sub } from '../ops/binary.js';
import { mean, sum } from '../ops/reduce.js';
import type { Tensor } from '../tensor.js';
import { noMoreArguments, sameShapeFloat } from './check.js';

/**
 * The lecture's regression objective: J = (1/N) Σₙ ½‖h(xₙ) − yₙ‖², N = the batch size
 * (axis 0). Its gradient with respect to h is (h − y)/N.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { losses, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await losses.squaredError(tensor([1, 2, 3]), tensor([1, 2, 5])).item());
 * ```
 */
export function squaredError(prediction: Tensor, target: Tensor, ...extra: unknown[]): Tensor {
  noMoreArguments('squaredError', extra);
  sameShapeFloat('squaredError', prediction, target);
  const d = sub(prediction, target);
  const n = prediction.rank === 0 ? 1 : prediction.shape[0];
  return mul(sum(mul(d, d)), 0.5 / Math.max(n, 1));
}

/**
 * PyTorch's `MSELoss()`: the mean of (h − y)² over every element.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { losses, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await losses.mse(tensor([1, 2, 3]), tensor([1, 2, 5])).item()); // 4/3 ≈ 1.3333
 * ```
 */
export function mse(prediction: Tensor, target: Tensor, ...extra: unknown[]): Tensor {
  noMoreArguments('mse', extra);
  sameShapeFloat('mse', prediction, target);
  const d = sub(prediction, target);
  return mean(mul(d, d));
}
