/** The optional relu kernel: ReLU as one select pass. */
import type { Kernel } from '@backprop/core';
import { mapUnary } from './helpers/elementwise.js';

/**
 * yᵢ = 0 where xᵢ ≤ 0, else xᵢ: NaN stays NaN and −0 gives +0, the values of core's
 * `where(x ≤ 0, 0, x)` (and of `Math.max(x, 0)`, which orders −0 below +0 and keeps NaN).
 */
export const relu: Kernel<'relu'> = ([x], _attrs, out) => mapUnary(x, out, (v) => Math.max(v, 0));
