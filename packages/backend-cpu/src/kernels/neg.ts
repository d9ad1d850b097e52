/** The neg kernel: negation elementwise. */
import type { Kernel } from '@backprop/core';
import { mapUnary } from './helpers/elementwise.js';

/** yᵢ = −xᵢ (int32 wraps: −(−2³¹) = −2³¹) */
export const neg: Kernel<'neg'> = ([x], _attrs, out) => mapUnary(x, out, (v) => -v);
