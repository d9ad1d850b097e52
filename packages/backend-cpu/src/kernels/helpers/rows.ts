/** Row helpers for the kernels that work along the last axis (softmax and friends). */
import type { OutputInfo, TensorInfo, TypedArray } from '@backprop/core';
import type { CpuHandle } from '../../handle.js';
import { valuesOf } from '../../handle.js';
import { allocateOut, output } from './output.js';

/** Calls `row(x, y, start, n)` for each row of n = x.shape[-1] values of x (a scalar is one row of 1). */
export function forEachLastAxisRow(
  x: TensorInfo,
  out: OutputInfo,
  row: (xv: TypedArray, y: TypedArray, start: number, n: number) => void,
): CpuHandle {
  const xv = valuesOf(x);
  const y = allocateOut(out);
  const n = x.shape.length === 0 ? 1 : x.shape[x.shape.length - 1];
  if (n > 0) for (let start = 0; start < y.length; start += n) row(xv, y, start, n);
  return output(y);
}

/** m + ln Σⱼ e^{xⱼ − m} over xv[start, start + n), m the maximum (−∞ for an empty row; NaN if any is NaN). */
export function logSumExp(xv: TypedArray, start: number, n: number): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < n; j++) m = Math.max(m, xv[start + j]);
  if (m === Number.NEGATIVE_INFINITY || m === Number.POSITIVE_INFINITY) return m;
  let total = 0;
  for (let j = 0; j < n; j++) total += Math.exp(xv[start + j] - m);
  return m + Math.log(total);
}
