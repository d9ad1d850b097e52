/** The exp kernel: the exponential elementwise. */
import type { Kernel } from '@backprop/core';
import { mapUnary } from './helpers/elementwise.js';

/** yᵢ = e^{xᵢ} */
export const exp: Kernel<'exp'> = ([x], _attrs, out) => mapUnary(x, out, Math.exp);
