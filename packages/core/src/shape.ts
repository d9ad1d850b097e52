/** Shape arithmetic: sizes, strides, broadcasting and axis normalization. */
import { formatShape, ShapeError, ValueError } from './errors.js';
import { formatValue } from './validate.js';

/** A tensor's shape: one non-negative integer per axis; `[]` is a scalar. */
export type Shape = readonly number[];

/**
 * Number of elements of a shape (1 for a scalar).
 *
 * @example
 * ```ts
 * import { sizeOf } from '@backprop/core';
 *
 * console.log(sizeOf([2, 3, 4]), sizeOf([])); // 24 1
 * ```
 */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Row-major strides of a shape.
 *
 * @example
 * ```ts
 * import { stridesOf } from '@backprop/core';
 *
 * console.log(stridesOf([2, 3, 4])); // [12, 4, 1] (row-major)
 * ```
 */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/**
 * Throws unless every entry of `shape` is a non-negative integer.
 *
 * @example
 * ```ts
 * import { checkShape } from '@backprop/core';
 *
 * checkShape('myOp', [2, 3]); // fine; [2, -1] or [1.5] throw a ShapeError naming myOp
 * ```
 */
export function checkShape(op: string, shape: Shape): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError(`${op}: a shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  }
}

/**
 * NumPy broadcasting of two shapes; throws a ShapeError naming `op` when they do not broadcast.
 *
 * @example
 * ```ts
 * import { broadcastShapes } from '@backprop/core';
 *
 * console.log(broadcastShapes('myOp', [4, 1, 3], [2, 1])); // [4, 2, 3]
 * ```
 */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${op}: shapes ${formatShape(a)} and ${formatShape(b)} do not broadcast (axis ${i}: ${da} vs ${db})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Resolves a possibly negative axis against `rank`; throws a ValueError naming `op` unless it is
 * an integer in [−rank, rank). A scalar (rank 0) has no axes, so every axis is an error there
 * (reductions, which accept 0 and −1 on a scalar as PyTorch does, go through
 * {@link normalizeAxes}).
 *
 * @example
 * ```ts
 * import { normalizeAxis } from '@backprop/core';
 *
 * console.log(normalizeAxis('myOp', -1, 3)); // 2
 * ```
 */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (rank === 0)
    throw new ValueError(
      `${op}: axis ${formatValue(axis)} does not exist: the tensor is a scalar (rank 0), which has no axes; reshape it to [1] first if you need one`,
    );
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ValueError(`${op}: axis must be an integer in [${-rank}, ${rank}), got ${formatValue(axis)}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * Resolves `axes` (undefined = all; an axis; or a list of axes) into sorted, non-negative axes.
 * Anything else (`null`, a string) is a ValueError naming `op`, and so is an axis named twice
 * (`[0, 0]`, or `[0, -2]` on a matrix), as in PyTorch ("dim 0 appears multiple times") and NumPy:
 * the list is more likely a typo than a request. On a scalar (rank 0) axis 0 and −1 are accepted
 * and mean no axis, as PyTorch's reductions accept them, so `sum(scalar, 0)` is the scalar.
 *
 * @example
 * ```ts
 * import { normalizeAxes } from '@backprop/core';
 *
 * console.log(normalizeAxes('myOp', [-1, 0], 3), normalizeAxes('myOp', undefined, 2)); // [0, 2] [0, 1]
 * ```
 */
export function normalizeAxes(op: string, axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  if (typeof axes !== 'number' && !Array.isArray(axes))
    throw new ValueError(
      `${op}: axes must be an axis, a list of axes, or undefined for all of them, got ${formatValue(axes)}`,
    );
  const list: readonly number[] = typeof axes === 'number' ? [axes] : axes;
  if (rank === 0) {
    const bad = list.find((a) => a !== 0 && a !== -1);
    if (bad !== undefined)
      throw new ValueError(
        `${op}: axis must be 0 or -1 for a scalar (rank 0), which has no other, got ${formatValue(bad)}`,
      );
    if (list.length > 1) throw repeatedAxis(op, 0, list);
    return [];
  }
  const out = list.map((a) => normalizeAxis(op, a, rank)).sort((x, y) => x - y);
  for (let i = 1; i < out.length; i++) if (out[i] === out[i - 1]) throw repeatedAxis(op, out[i], list);
  return out;
}

/** The error for an axis a list names twice (after resolving negative axes). */
const repeatedAxis = (op: string, axis: number, list: readonly number[]) =>
  new ValueError(
    `${op}: axis ${axis} appears more than once in axes [${list.join(', ')}]; name each axis once (PyTorch: "dim ${axis} appears multiple times in the list of dims")`,
  );

/**
 * True when both shapes are equal.
 *
 * @example
 * ```ts
 * import { shapesEqual } from '@backprop/core';
 *
 * console.log(shapesEqual([2, 3], [2, 3]), shapesEqual([2, 3], [3, 2])); // true false
 * ```
 */
export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
