/** The abs kernel: absolute value elementwise. */
import type { Kernel } from '@backprop/core';
import { mapUnary } from './helpers/elementwise.js';

/** yᵢ = |xᵢ| (int32 wraps: |−2³¹| = −2³¹) */
export const abs: Kernel<'abs'> = ([x], _attrs, out) => mapUnary(x, out, Math.abs);
