/** The cos kernel: the cosine elementwise. */
import type { Kernel } from '@backprop/core';
import { mapUnary } from './helpers/elementwise.js';

/** yᵢ = cos xᵢ */
export const cos: Kernel<'cos'> = ([x], _attrs, out) => mapUnary(x, out, Math.cos);
