/** The equal kernel: equality with broadcasting. */
import type { Kernel } from '@backprop/core';
import { mapBinary } from './helpers/elementwise.js';

/** yᵢ = aᵢ = bᵢ as bool (NaN equals nothing) */
export const equal: Kernel<'equal'> = ([a, b], _attrs, out) => mapBinary(a, b, out, (x, y) => (x === y ? 1 : 0));
