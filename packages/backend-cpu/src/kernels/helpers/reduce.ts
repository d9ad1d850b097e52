/** Reductions over a set of axes, and arg-reductions along one axis. */
import { type OutputInfo, sizeOf, stridesOf, type TensorInfo } from '@backprop/core';
import type { CpuHandle } from '../../handle.js';
import { valuesOf } from '../../handle.js';
import { forEachRow, innerStride } from './iterate.js';
import { allocateOut, output } from './output.js';

/** Folds one value into an accumulator. */
export type Combine = (acc: number, x: number) => number;

/**
 * Reduces x over `axes` (removed from out.shape) starting from `init` in float64
 * accumulators, then stores them as out.dtype. An empty reduced axis leaves `init`.
 * x is walked in memory order, so every reduction reads x contiguously.
 */
export function reduce(
  x: TensorInfo,
  axes: readonly number[],
  out: OutputInfo,
  init: number,
  combine: Combine,
): CpuHandle {
  const xv = valuesOf(x);
  const acc = new Float64Array(sizeOf(out.shape)).fill(init);
  const reduced = new Set(axes);
  const outStrides = new Array<number>(x.shape.length).fill(0);
  let s = 1;
  for (let d = x.shape.length - 1; d >= 0; d--) {
    if (reduced.has(d)) continue;
    outStrides[d] = s;
    s *= x.shape[d];
  }
  const xStrides = stridesOf(x.shape);
  const io = innerStride(outStrides);
  forEachRow(x.shape, [xStrides, outStrides], ([p, o], n) => {
    if (io === 0) {
      let a = acc[o];
      for (let j = 0; j < n; j++) a = combine(a, xv[p + j]);
      acc[o] = a;
    } else {
      for (let j = 0; j < n; j++, o += io) acc[o] = combine(acc[o], xv[p + j]);
    }
  });
  const y = allocateOut(out);
  y.set(acc);
  return output(y);
}

/** True when `x` should replace the current best `best` (x is strictly better, or the first NaN). */
export type Better = (x: number, best: number) => boolean;

/**
 * Index (int32) of the first best element along `axis`; once a NaN is seen it is kept.
 * An empty axis gives −1.
 */
export function argReduce(x: TensorInfo, axis: number, out: OutputInfo, better: Better): CpuHandle {
  const xv = valuesOf(x);
  const y = allocateOut(out);
  const n = x.shape[axis];
  let inner = 1;
  for (let d = axis + 1; d < x.shape.length; d++) inner *= x.shape[d];
  const outer = inner === 0 ? 0 : y.length / inner;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let best = xv[base];
      let at = n === 0 ? -1 : 0;
      for (let k = 1; k < n && !Number.isNaN(best); k++) {
        const v = xv[base + k * inner];
        if (better(v, best)) {
          best = v;
          at = k;
        }
      }
      y[o * inner + i] = at;
    }
  }
  return output(y);
}
