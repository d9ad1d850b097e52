/** broadcastTo: repeats a tensor along stretched axes. */
import { record } from '../autograd/tape.js';
import { runKernel } from '../engine.js';
import { formatShape, ShapeError } from '../errors.js';
import { broadcastShapes, checkShape, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { operand } from './operand.js';
import { unbroadcast } from './unbroadcast.js';

/**
 * Repeats `x` to `shape` by NumPy broadcasting rules.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { broadcastTo, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await broadcastTo(tensor([1, 2]), [2, 2]).data()); // Float32Array [1, 2, 1, 2]
 * ```
 */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  const t = operand('broadcastTo', x);
  checkShape('broadcastTo', shape);
  if (!shapesEqual(broadcastShapes('broadcastTo', t.shape, shape), shape)) {
    throw new ShapeError(`broadcastTo: cannot broadcast ${formatShape(t.shape)} to ${formatShape(shape)}`);
  }
  if (shapesEqual(t.shape, shape)) return t;
  const y = runKernel('broadcastTo', [t], {}, { shape, dtype: t.dtype });
  return record('broadcastTo', y, [t], (dy) => [unbroadcast(dy, t.shape)]);
}
