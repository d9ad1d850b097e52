/** The reciprocal kernel: the reciprocal elementwise. */
import type { Kernel } from '@backprop/core';
import { mapUnary } from './helpers/elementwise.js';

/** yᵢ = 1 / xᵢ (1/0 = +∞; int32 truncates toward zero, 1/0 → 0) */
export const reciprocal: Kernel<'reciprocal'> = ([x], _attrs, out) => mapUnary(x, out, (v) => 1 / v);
