/** The floor kernel: rounding down elementwise. */
import type { Kernel } from '@backprop/core';
import { mapUnary } from './helpers/elementwise.js';

/** yᵢ = ⌊xᵢ⌋ */
export const floor: Kernel<'floor'> = ([x], _attrs, out) => mapUnary(x, out, Math.floor);
