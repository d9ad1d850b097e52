/** The add kernel: addition with broadcasting. */
import type { Kernel } from '@backprop/core';
import { mapBinary } from './helpers/elementwise.js';

/** yᵢ = aᵢ + bᵢ (int32 wraps on overflow) */
export const add: Kernel<'add'> = ([a, b], _attrs, out) => mapBinary(a, b, out, (x, y) => x + y);
