/** The sigmoid kernel: the logistic function elementwise, in the overflow-free two-branch form. */
import type { Kernel } from '@backprop/core';
import { mapUnary } from './helpers/elementwise.js';

/**
 * yᵢ = 1 / (1 + e^{−xᵢ}). NOTE: for x < 0 it computes eˣ / (1 + eˣ) instead, so e^{−x}
 * never overflows and large negative inputs give tiny positive values rather than 0/NaN.
 */
export const sigmoid: Kernel<'sigmoid'> = ([x], _attrs, out) =>
  mapUnary(x, out, (v) => {
    if (v >= 0) return 1 / (1 + Math.exp(-v));
    const e = Math.exp(v);
    return e / (1 + e);
  });
