/**
 * The one indexing helper every layout kernel uses: a strided walk. Element i of a row-major
 * tensor of `shape` sits at coordinates (c₀, …, cₙ₋₁); `strided` maps it to base + Σ c_d · strides[d].
 * With an input's own strides that is a copy; with 0 on an axis, the axis is repeated (broadcast);
 * with permuted strides, a transpose; with an offset base, a slice or a padded placement.
 */
import { type Shape, shapesEqual, stridesOf } from '@backprop/core';

/** Maps a flat index over `shape` to base + Σ coordinate_d · strides[d]. */
export function strided(shape: Shape, strides: readonly number[], base = 0): (i: number) => number {
  return (i) => {
    let at = base;
    for (let d = shape.length - 1; d >= 0; d--) {
      const n = shape[d];
      at += (i % n) * strides[d];
      i = Math.floor(i / n);
    }
    return at;
  };
}

/**
 * Maps a flat index over `outShape` to the flat index in an input of `shape` broadcast to it:
 * shapes are right-aligned, and missing or size-1 axes of the input repeat (stride 0).
 */
export function broadcastIndex(shape: Shape, outShape: Shape): (i: number) => number {
  if (shapesEqual(shape, outShape)) return (i) => i;
  const own = stridesOf(shape);
  const lead = outShape.length - shape.length;
  const strides = outShape.map((_, d) => (d < lead || shape[d - lead] === 1 ? 0 : own[d - lead]));
  return strided(outShape, strides);
}

/** Splits `shape` at `axis` into the product of the axes before it, its length, and the product after it. */
export function splitAt(shape: Shape, axis: number): { outer: number; n: number; inner: number } {
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  return { outer, n: shape[axis], inner };
}
