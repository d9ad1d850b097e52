/** Selecting rows of an ArrayDataset by index, with the shape checks shared by split. */
import type { ArrayDataset } from '@backprop/core';
import { formatValue, ShapeError, ValueError } from '@backprop/core';
import { fail } from './validate.js';

/** What a value is, briefly (a dataset's arrays can be large: never their contents). */
const kind = (v: unknown): string =>
  v === null || typeof v !== 'object'
    ? formatValue(v)
    : Array.isArray(v)
      ? `an Array of ${v.length}`
      : `a ${(v as object).constructor?.name ?? 'object'}`;

const shapeText = (s: readonly number[]): string => `[${s.join(',')}]`;
const product = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/**
 * Checks the dataset's arrays agree with its shapes (lists of non-negative integers) and returns
 * its row count N: a ValueError when `ds` is not an ArrayDataset, a ShapeError for a bad shape.
 */
export function rowCount(fn: string, ds: ArrayDataset): number {
  if (ds === null || typeof ds !== 'object' || !(ds.x instanceof Float32Array)) {
    throw new ValueError(
      `${fn}: ds must be an ArrayDataset with a Float32Array x, got ${ds === null || typeof ds !== 'object' ? formatValue(ds) : `x: ${kind(ds.x)}`}`,
    );
  }
  if (!(ds.y instanceof Float32Array) && !(ds.y instanceof Int32Array)) {
    throw new ValueError(`${fn}: ds.y must be a Float32Array or Int32Array, got ${kind(ds.y)}`);
  }
  const { x, xShape, y, yShape } = ds;
  for (const [name, shape] of [
    ['xShape', xShape],
    ['yShape', yShape],
  ] as const) {
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new ShapeError(
        `${fn}: ds.${name} must be a list of non-negative integers, got ${Array.isArray(shape) ? formatValue(shape) : kind(shape)}`,
      );
    }
  }
  if (xShape.length < 1 || yShape.length < 1 || xShape[0] !== yShape[0]) {
    throw new ShapeError(
      `${fn}: xShape and yShape must share the leading row count, got ${shapeText(xShape)} and ${shapeText(yShape)}`,
    );
  }
  if (x.length !== product(xShape) || y.length !== product(yShape)) {
    throw new ShapeError(
      `${fn}: array lengths must match their shapes, got x.length ${x.length} for ${shapeText(xShape)} and y.length ${y.length} for ${shapeText(yShape)}`,
    );
  }
  return xShape[0];
}

/** Copies the rows `indices` of `ds` without validating them (callers check). */
export function gatherRows(ds: ArrayDataset, indices: ArrayLike<number>): ArrayDataset {
  const n = indices.length;
  const dx = ds.xShape[0] === 0 ? 0 : ds.x.length / ds.xShape[0];
  const dy = ds.yShape[0] === 0 ? 0 : ds.y.length / ds.yShape[0];
  const x = new Float32Array(n * dx);
  const y = ds.y instanceof Int32Array ? new Int32Array(n * dy) : new Float32Array(n * dy);
  for (let i = 0; i < n; i++) {
    const r = indices[i];
    x.set(ds.x.subarray(r * dx, (r + 1) * dx), i * dx);
    y.set(ds.y.subarray(r * dy, (r + 1) * dy), i * dy);
  }
  return { x, xShape: [n, ...ds.xShape.slice(1)], y, yShape: [n, ...ds.yShape.slice(1)] };
}

/**
 * A new dataset holding copies of the rows `indices` of `ds`, in that order (repeats allowed).
 * The label dtype and the trailing shapes are kept.
 *
 * @example
 * ```ts
 * import { moons, subset } from '@backprop/datasets';
 *
 * const first10 = subset(moons({ n: 500 }), Array.from({ length: 10 }, (_, i) => i));
 * console.log(first10.xShape); // [10, 2]
 * ```
 * @throws ValueError when an index is not an integer in [0, N).
 * @throws ShapeError when a shape is not a list of non-negative integers, or the dataset's arrays
 *   disagree with its shapes.
 */
export function subset(ds: ArrayDataset, indices: ArrayLike<number>): ArrayDataset {
  const n = rowCount('subset', ds);
  if (indices === null || typeof indices !== 'object' || typeof indices.length !== 'number') {
    fail('subset', 'indices', 'an array of row indices', indices);
  }
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    if (!Number.isInteger(r) || r < 0 || r >= n) fail('subset', `indices[${i}]`, `an integer in [0, ${n})`, r);
  }
  return gatherRows(ds, indices);
}
