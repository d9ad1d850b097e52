/** The pow kernel: the power with broadcasting. */
import type { Kernel } from '@backprop/core';
import { mapBinary } from './helpers/elementwise.js';

/** yᵢ = aᵢ^{bᵢ} (Math.pow: 0⁰ = 1, a negative base with a fractional exponent gives NaN) */
export const pow: Kernel<'pow'> = ([a, b], _attrs, out) => mapBinary(a, b, out, Math.pow);
