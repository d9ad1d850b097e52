/** Sums a broadcast gradient back to the shape of the operand it came from. */
import { type Shape, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { sum } from './reduce.js';
import { reshape } from './reshape.js';

/**
 * Sums `dy` over the axes that broadcasting stretched, and reshapes it to `shape`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { ones, setBackend, tensor, unbroadcast } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await unbroadcast(ones([2, 3]), [3]).data()); // Float32Array [2, 2, 2]: summed over the broadcast axis
 * ```
 */
export function unbroadcast(dy: Tensor, shape: Shape): Tensor {
  if (shapesEqual(dy.shape, shape)) return dy;
  const lead = dy.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < dy.rank; i++) if (i < lead || (shape[i - lead] === 1 && dy.shape[i] !== 1)) axes.push(i);
  return reshape(axes.length > 0 ? sum(dy, axes) : dy, shape);
}
