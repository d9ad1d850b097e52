/** Elementwise binary kernels with broadcasting, comparisons (→ bool) and where. */
import { type Handle, type Kernel, type OutputInfo, powInt32, type TensorInfo } from '@backprop/core';
import { ArrayHandle, allocateOutput, valuesOf } from '../handle.js';
import { broadcastIndex } from './indexing.js';

/**
 * A kernel computing f(aᵢ, bᵢ) over out.shape. Core has already broadcast the shapes, so each
 * input is read through `broadcastIndex`. int32 results wrap when stored in the Int32Array.
 */
const zip =
  (f: (a: number, b: number, int: boolean) => number) =>
  ([a, b]: readonly [TensorInfo, TensorInfo], _attrs: unknown, out: OutputInfo): Handle => {
    const as = valuesOf(a);
    const bs = valuesOf(b);
    const ys = allocateOutput(out);
    const ia = broadcastIndex(a.shape, out.shape);
    const ib = broadcastIndex(b.shape, out.shape);
    const int = a.dtype === 'int32';
    for (let i = 0; i < ys.length; i++) ys[i] = f(as[ia(i)], bs[ib(i)], int);
    return new ArrayHandle(ys);
  };

export const add = zip((a, b) => a + b);
export const sub = zip((a, b) => a - b);
/** int32 uses Math.imul: the exact product can exceed 2⁵³ and lose the low bits. */
export const mul = zip((a, b, int) => (int ? Math.imul(a, b) : a * b));
/** int32 truncates toward zero (−7 / 2 = −3). */
export const div = zip((a, b, int) => (int ? Math.trunc(a / b) : a / b));
/** int32 uses core's powInt32: exact and wrapping, where `**` loses the low bits past 2⁵³. */
export const pow = zip((a, b, int) => (int ? powInt32(a, b) : a ** b));
export const maximum = zip((a, b) => Math.max(a, b)); // Math.max and Math.min propagate NaN
export const minimum = zip((a, b) => Math.min(a, b));

// Comparisons: the output is bool, stored as 0 or 1. Any comparison with NaN is false, except ≠.
export const equal = zip((a, b) => (a === b ? 1 : 0));
export const notEqual = zip((a, b) => (a !== b ? 1 : 0));
export const greater = zip((a, b) => (a > b ? 1 : 0));
export const greaterEqual = zip((a, b) => (a >= b ? 1 : 0));
export const less = zip((a, b) => (a < b ? 1 : 0));
export const lessEqual = zip((a, b) => (a <= b ? 1 : 0));

/** condᵢ ? aᵢ : bᵢ, all three broadcast to out.shape. */
export const where: Kernel<'where'> = ([cond, a, b], _attrs, out) => {
  const [cs, as, bs] = [valuesOf(cond), valuesOf(a), valuesOf(b)];
  const [ic, ia, ib] = [cond, a, b].map((t) => broadcastIndex(t.shape, out.shape));
  const ys = allocateOutput(out);
  for (let i = 0; i < ys.length; i++) ys[i] = cs[ic(i)] ? as[ia(i)] : bs[ib(i)];
  return new ArrayHandle(ys);
};
