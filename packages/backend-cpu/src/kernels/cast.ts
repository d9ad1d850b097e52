/** The cast kernel: converts values to another dtype. */
import type { Kernel } from '@backprop/core';
import { mapUnary } from './helpers/elementwise.js';

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

/**
 * NOTE: float → int32 truncates toward zero, NaN gives 0, and values beyond the int32 range
 * saturate (±∞ → ±(2³¹ − 1)) as WGSL does, rather than wrapping as an Int32Array store would.
 */
const toInt32 = (v: number) =>
  Number.isNaN(v) ? 0 : v >= INT32_MAX ? INT32_MAX : v <= INT32_MIN ? INT32_MIN : Math.trunc(v);
/** NOTE: → bool is x ≠ 0, so NaN gives true. */
const toBool = (v: number) => (v !== 0 ? 1 : 0);
const same = (v: number) => v;

/** yᵢ = xᵢ as out.dtype: float → int32 truncates toward zero (NaN → 0); → bool is xᵢ ≠ 0; bool → number is 0 or 1. */
export const cast: Kernel<'cast'> = ([x], _attrs, out) =>
  mapUnary(x, out, out.dtype === 'bool' ? toBool : out.dtype === 'int32' ? toInt32 : same);
