/** The tanh kernel: the hyperbolic tangent elementwise. */
import type { Kernel } from '@backprop/core';
import { mapUnary } from './helpers/elementwise.js';

/** yᵢ = tanh xᵢ */
export const tanh: Kernel<'tanh'> = ([x], _attrs, out) => mapUnary(x, out, Math.tanh);
