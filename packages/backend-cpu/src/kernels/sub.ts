/** The sub kernel: subtraction with broadcasting. */
import type { Kernel } from '@backprop/core';
import { mapBinary } from './helpers/elementwise.js';

/** yᵢ = aᵢ − bᵢ (int32 wraps on overflow) */
export const sub: Kernel<'sub'> = ([a, b], _attrs, out) => mapBinary(a, b, out, (x, y) => x - y);
