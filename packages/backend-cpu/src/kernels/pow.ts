/** The pow kernel: the power with broadcasting. */
import type { Kernel } from '@backprop/core';
import { mapBinary } from './helpers/elementwise.js';

/**
 * aᵇ in int32 arithmetic, wrapping modulo 2³² as PyTorch and NumPy do (3⁴⁰ = 689956897): square
 * and multiply with Math.imul, since Math.pow in float64 loses the low bits past 2⁵³. 0⁰ = 1. A
 * negative exponent (which core's op refuses wherever it can read it) gives 1 for base 1, ±1 by
 * parity for base −1 and 0 otherwise, as backend-webgpu's pow_i.
 */
function powInt32(a: number, b: number): number {
  if (b < 0) return a === 1 ? 1 : a === -1 ? (b & 1 ? -1 : 1) : 0;
  let r = 1;
  let base = a | 0;
  for (let e = b >>> 0; e !== 0; e >>>= 1) {
    if (e & 1) r = Math.imul(r, base);
    base = Math.imul(base, base);
  }
  return r;
}

/**
 * yᵢ = aᵢ^{bᵢ}. float32: Math.pow (0⁰ = 1, a negative base with a fractional exponent gives
 * NaN). int32: exact and wrapping, see {@link powInt32}.
 */
export const pow: Kernel<'pow'> = ([a, b], _attrs, out) =>
  mapBinary(a, b, out, out.dtype === 'int32' ? powInt32 : Math.pow);
