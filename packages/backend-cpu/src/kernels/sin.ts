/** The sin kernel: the sine elementwise. */
import type { Kernel } from '@backprop/core';
import { mapUnary } from './helpers/elementwise.js';

/** yᵢ = sin xᵢ */
export const sin: Kernel<'sin'> = ([x], _attrs, out) => mapUnary(x, out, Math.sin);
