/** Elementwise unary kernels, and cast: yᵢ = f(xᵢ), one loop each. */
import type { Handle, Kernel, OutputInfo, TensorInfo } from '@backprop/core';
import { ArrayHandle, allocateOutput, valuesOf } from '../handle.js';

/** A kernel computing f on every element; the output's typed array (by out.dtype) rounds or wraps the result. */
const map =
  (f: (v: number) => number) =>
  ([x]: readonly [TensorInfo], _attrs: unknown, out: OutputInfo): Handle => {
    const xs = valuesOf(x);
    const ys = allocateOutput(out);
    for (let i = 0; i < ys.length; i++) ys[i] = f(xs[i]);
    return new ArrayHandle(ys);
  };

export const neg = map((v) => -v); // int32: −(−2³¹) wraps to −2³¹ when stored
export const abs = map(Math.abs);
export const exp = map(Math.exp);
export const log = map(Math.log);
export const log1p = map(Math.log1p);
export const sqrt = map(Math.sqrt);
export const reciprocal = map((v) => 1 / v);
export const tanh = map(Math.tanh);
export const sin = map(Math.sin);
export const cos = map(Math.cos);
export const floor = map(Math.floor);

/** 1 / (1 + e⁻ˣ); for x < 0 the equal eˣ / (1 + eˣ), so that e⁻ˣ never overflows. */
export const sigmoid = map((v) => {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
});

/** Float → int32 truncates toward zero (NaN → 0, clamped to the int32 range); → bool is x ≠ 0 (NaN → true). */
const toInt32 = map((v) => (Number.isNaN(v) ? 0 : Math.min(2147483647, Math.max(-2147483648, Math.trunc(v)))));
const toBool = map((v) => (v !== 0 ? 1 : 0));
const same = map((v) => v); // bool → number is 0 or 1; int32 → float32 rounds when stored

export const cast: Kernel<'cast'> = (inputs, attrs, out) =>
  (out.dtype === 'int32' ? toInt32 : out.dtype === 'bool' ? toBool : same)(inputs, attrs, out);
