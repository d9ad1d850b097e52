/** The sqrt kernel: the square root elementwise. */
import type { Kernel } from '@backprop/core';
import { mapUnary } from './helpers/elementwise.js';

/** yᵢ = √xᵢ */
export const sqrt: Kernel<'sqrt'> = ([x], _attrs, out) => mapUnary(x, out, Math.sqrt);
