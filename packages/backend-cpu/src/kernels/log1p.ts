/** The log1p kernel: ln(1 + x) elementwise. */
import type { Kernel } from '@backprop/core';
import { mapUnary } from './helpers/elementwise.js';

/** yᵢ = ln(1 + xᵢ), accurate for xᵢ near 0 (Math.log1p) */
export const log1p: Kernel<'log1p'> = ([x], _attrs, out) => mapUnary(x, out, Math.log1p);
