/** Elementwise helpers: unary maps, and binary maps with broadcasting over out.shape. */
import type { OutputInfo, TensorInfo } from '@backprop/core';
import type { CpuHandle } from '../../handle.js';
import { valuesOf } from '../../handle.js';
import { broadcastStrides, forEachRow, innerStride } from './iterate.js';
import { allocateOut, output } from './output.js';

/** A scalar function of one value; the result is stored into out's typed array (which rounds or wraps it). */
export type UnaryFn = (x: number) => number;
/** A scalar function of two values. */
export type BinaryFn = (a: number, b: number) => number;

/** yᵢ = f(xᵢ), stored as out.dtype. */
export function mapUnary(x: TensorInfo, out: OutputInfo, f: UnaryFn): CpuHandle {
  const xs = valuesOf(x);
  const y = allocateOut(out, false);
  for (let i = 0; i < y.length; i++) y[i] = f(xs[i]);
  return output(y);
}

/**
 * yᵢ = f(aᵢ, bᵢ) with NumPy broadcasting of a and b to out.shape. Fast paths when both
 * already have out's size and when either side is a single value.
 */
export function mapBinary(a: TensorInfo, b: TensorInfo, out: OutputInfo, f: BinaryFn): CpuHandle {
  const av = valuesOf(a);
  const bv = valuesOf(b);
  const y = allocateOut(out, false);
  const size = y.length;
  if (size === 0) return output(y);
  if (av.length === size && bv.length === size) {
    for (let i = 0; i < size; i++) y[i] = f(av[i], bv[i]);
  } else if (bv.length === 1 && av.length === size) {
    const s = bv[0];
    for (let i = 0; i < size; i++) y[i] = f(av[i], s);
  } else if (av.length === 1 && bv.length === size) {
    const s = av[0];
    for (let i = 0; i < size; i++) y[i] = f(s, bv[i]);
  } else {
    const sa = broadcastStrides(a.shape, out.shape);
    const sb = broadcastStrides(b.shape, out.shape);
    const ia = innerStride(sa);
    const ib = innerStride(sb);
    let o = 0;
    forEachRow(out.shape, [sa, sb], ([pa, pb], n) => {
      for (let j = 0; j < n; j++, pa += ia, pb += ib) y[o++] = f(av[pa], bv[pb]);
    });
  }
  return output(y);
}
