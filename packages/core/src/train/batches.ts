/** Host-side dataset handling for the training loop: checks, splits, shuffles and minibatches. */
import { formatShape, IndexError, ShapeError, ValueError } from '../errors.js';
import { keyFromSeed, philoxUniform } from '../random/philox.js';
import { sizeOf } from '../shape.js';
import { formatValue } from '../validate.js';
import type { ArrayDataset } from './dataset.js';

/**
 * Throws unless `ds` is an ArrayDataset whose arrays fill their shapes and agree on N.
 *
 * @example
 * ```ts
 * import { checkDataset } from '@backprop/core';
 *
 * const n = checkDataset('myLoop', { x: new Float32Array(6), xShape: [3, 2], y: new Int32Array(3), yShape: [3] }); // 3
 * ```
 */
export function checkDataset(op: string, ds: ArrayDataset): number {
  if (!ds || !(ds.x instanceof Float32Array) || !(ds.y instanceof Float32Array || ds.y instanceof Int32Array)) {
    throw new ValueError(
      `${op}: expected a dataset { x: Float32Array, xShape, y: Float32Array | Int32Array, yShape } or { x: Tensor, y: Tensor }`,
    );
  }
  if (sizeOf(ds.xShape) !== ds.x.length || sizeOf(ds.yShape) !== ds.y.length) {
    throw new ShapeError(
      `${op}: arrays do not fill their shapes (x ${ds.x.length} vs ${formatShape(ds.xShape)}, y ${ds.y.length} vs ${formatShape(ds.yShape)})`,
    );
  }
  if (ds.xShape[0] !== ds.yShape[0]) {
    throw new ShapeError(`${op}: x has ${ds.xShape[0]} examples but y has ${ds.yShape[0]}`);
  }
  return ds.xShape[0];
}

/**
 * Copies rows `indices` of `ds` into a new dataset. Every index must be an integer in [0, N):
 * one outside (a negative, a fraction, past the last row) raises an `IndexError` naming it and its
 * position, instead of a row of zeros or of another example.
 *
 * @example
 * ```ts
 * import { takeRows } from '@backprop/core';
 *
 * const ds = { x: Float32Array.of(1, 2, 3, 4, 5, 6), xShape: [3, 2], y: Int32Array.of(0, 1, 2), yShape: [3] };
 * console.log(takeRows(ds, [2, 0]).x); // Float32Array [5, 6, 1, 2]
 * ```
 */
export function takeRows(ds: ArrayDataset, indices: ArrayLike<number>): ArrayDataset {
  const n = ds.xShape[0];
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    if (!(Number.isInteger(r) && r >= 0 && r < n)) throw new IndexError('takeRows', r, i, n);
  }
  const xRow = sizeOf(ds.xShape.slice(1));
  const yRow = sizeOf(ds.yShape.slice(1));
  const x = new Float32Array(indices.length * xRow);
  const y =
    ds.y instanceof Int32Array ? new Int32Array(indices.length * yRow) : new Float32Array(indices.length * yRow);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    x.set(ds.x.subarray(r * xRow, (r + 1) * xRow), i * xRow);
    y.set(ds.y.subarray(r * yRow, (r + 1) * yRow), i * yRow);
  }
  return { x, xShape: [indices.length, ...ds.xShape.slice(1)], y, yShape: [indices.length, ...ds.yShape.slice(1)] };
}

/**
 * Rows [start, end) as a dataset sharing memory with `ds`; `start` and `end` must be integers with
 * 0 ≤ start ≤ end ≤ N (a `ValueError` otherwise, not a shorter batch).
 *
 * @example
 * ```ts
 * import { sliceRows } from '@backprop/core';
 *
 * const ds = { x: Float32Array.of(1, 2, 3, 4, 5, 6), xShape: [3, 2], y: Int32Array.of(0, 1, 2), yShape: [3] };
 * console.log(sliceRows(ds, 1, 3).y); // Int32Array [1, 2], sharing memory with ds
 * ```
 */
export function sliceRows(ds: ArrayDataset, start: number, end: number): ArrayDataset {
  const n = ds.xShape[0];
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= n))
    throw new ValueError(
      `sliceRows: rows [${formatValue(start)}, ${formatValue(end)}) must be integers with 0 ≤ start ≤ end ≤ ${n}`,
    );
  const xRow = sizeOf(ds.xShape.slice(1));
  const yRow = sizeOf(ds.yShape.slice(1));
  return {
    x: ds.x.subarray(start * xRow, end * xRow),
    xShape: [end - start, ...ds.xShape.slice(1)],
    y: ds.y.subarray(start * yRow, end * yRow),
    yShape: [end - start, ...ds.yShape.slice(1)],
  };
}

/**
 * A permutation of 0..n−1 from Philox under `seed`, stream `epoch` (Fisher–Yates). `n`, `seed`
 * and `epoch` must be non-negative integers (a `ValueError` otherwise).
 *
 * @example
 * ```ts
 * import { permutation } from '@backprop/core';
 *
 * console.log(permutation(5, 0, 1)); // the shuffle fit uses for seed 0, epoch 1: a permutation of 0..4
 * ```
 */
export function permutation(n: number, seed: number, epoch: number): Int32Array {
  for (const [name, v] of [
    ['n', n],
    ['seed', seed],
    ['epoch', epoch],
  ] as const)
    if (!(Number.isSafeInteger(v) && v >= 0))
      throw new ValueError(`permutation: ${name} must be a non-negative integer, got ${formatValue(v)}`);
  const u = philoxUniform(keyFromSeed(seed), epoch * 2 ** 24, n);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u[i] * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
