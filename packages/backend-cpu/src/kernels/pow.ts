/** The pow kernel: the power with broadcasting. */
import { type Kernel, powInt32 } from '@backprop/core';
import { mapBinary } from './helpers/elementwise.js';

/**
 * yᵢ = aᵢ^{bᵢ}. float32: Math.pow (0⁰ = 1, a negative base with a fractional exponent gives
 * NaN). int32: core's `powInt32`, exact and wrapping modulo 2³² as in PyTorch.
 */
export const pow: Kernel<'pow'> = ([a, b], _attrs, out) =>
  mapBinary(a, b, out, out.dtype === 'int32' ? powInt32 : Math.pow);
