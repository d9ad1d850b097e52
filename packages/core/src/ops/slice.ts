/** slice and pad, each the other's gradient. */
import { record } from '../autograd/tape.js';
import { runKernel } from '../engine.js';
import { formatShape, ShapeError, ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { operand } from './operand.js';

/**
 * The box starting at `begin` with extent `size` (−1: to the end).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, slice, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await slice(tensor([[1, 2, 3], [4, 5, 6]]), [0, 1], [2, 2]).data()); // Float32Array [2, 3, 5, 6]
 * ```
 */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  const t = operand('slice', x);
  if (begin.length !== t.rank || (size && size.length !== t.rank)) {
    throw new ShapeError(
      `slice: begin and size need ${t.rank} entries for ${formatShape(t.shape)}, got begin [${begin}] size [${size ?? ''}]`,
    );
  }
  const extent = t.shape.map((d, i) => (size === undefined || size[i] === -1 ? d - begin[i] : size[i]));
  t.shape.forEach((d, i) => {
    if (!Number.isInteger(begin[i]) || begin[i] < 0 || extent[i] < 0 || begin[i] + extent[i] > d) {
      throw new ShapeError(
        `slice: box begin [${begin}] size [${extent}] does not fit in ${formatShape(t.shape)} (axis ${i})`,
      );
    }
  });
  const y = runKernel('slice', [t], { begin }, { shape: extent, dtype: t.dtype });
  return record('slice', y, [t], (dy) => [
    pad(
      dy,
      t.shape.map((d, i) => [begin[i], d - begin[i] - extent[i]] as const),
    ),
  ]);
}

/**
 * Pads each axis by [before, after] elements of `value` (default 0).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { pad, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await pad(tensor([1, 2]), [[1, 2]]).data()); // Float32Array [0, 1, 2, 0, 0]
 * ```
 */
export function pad(x: Tensor, paddings: readonly (readonly [number, number])[], value = 0): Tensor {
  const t = operand('pad', x);
  if (
    paddings.length !== t.rank ||
    paddings.some((p) => p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 0))
  ) {
    throw new ValueError(`pad: need ${t.rank} pairs of non-negative integers, got ${JSON.stringify(paddings)}`);
  }
  const shape = t.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const y = runKernel('pad', [t], { paddings, value }, { shape, dtype: t.dtype });
  return record('pad', y, [t], (dy) => [
    slice(
      dy,
      paddings.map((p) => p[0]),
      t.shape,
    ),
  ]);
}
