/** slice and pad, each the other's gradient. */
import { record } from '../autograd/tape.js';
import { runKernel } from '../engine.js';
import { formatShape, ShapeError, ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { formatValue } from '../validate.js';
import { checkNumberFits, describeValue, operand } from './operand.js';

/**
 * The box starting at `begin` with extent `size` (−1: to the end; all of them by default), one
 * entry per axis. Every entry must be an integer and the box must lie inside `x` (a ShapeError
 * otherwise: a fractional size would make a shape that is no shape); a negative begin is outside
 * it too (it does not count from the end).
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
  if (
    !Array.isArray(begin) ||
    begin.length !== t.rank ||
    (size !== undefined && (!Array.isArray(size) || size.length !== t.rank))
  ) {
    throw new ShapeError(
      `slice: begin and size must be lists of ${t.rank} integers for ${formatShape(t.shape)}, got begin ${describeValue(begin)} size ${describeValue(size)}`,
    );
  }
  const bad = [...begin, ...(size ?? [])].find((v) => !Number.isInteger(v));
  if (bad !== undefined)
    throw new ShapeError(
      `slice: begin and size must be integers (a size of -1 runs to the end), got ${formatValue(bad)} in begin ${formatValue(begin)} size ${formatValue(size)}`,
    );
  const extent = t.shape.map((d, i) => (size === undefined || size[i] === -1 ? d - begin[i] : size[i]));
  t.shape.forEach((d, i) => {
    if (begin[i] < 0 || extent[i] < 0 || begin[i] + extent[i] > d) {
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
 * Pads each axis by [before, after] elements of `value` (default 0): one pair of non-negative
 * integers per axis (a ValueError otherwise). `value` must be exactly a value of `x`'s dtype,
 * as any number used with a tensor (see `TensorLike`): padding an int32 tensor with 0.5
 * or a bool one with 2 is a DTypeError, not a pad of 0 or of a byte that is neither true nor
 * false.
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
    !Array.isArray(paddings) ||
    paddings.length !== t.rank ||
    paddings.some((p) => !Array.isArray(p) || p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 0))
  ) {
    throw new ValueError(`pad: need ${t.rank} pairs of non-negative integers, got ${describeValue(paddings)}`);
  }
  if (typeof value !== 'number') throw new ValueError(`pad: value must be a number, got ${formatValue(value)}`);
  checkNumberFits('pad', value, t.dtype, 'the value');
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
