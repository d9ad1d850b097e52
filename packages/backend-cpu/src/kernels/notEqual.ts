/** The notEqual kernel: inequality with broadcasting. */
import type { Kernel } from '@backprop/core';
import { mapBinary } from './helpers/elementwise.js';

/** yᵢ = aᵢ ≠ bᵢ as bool (NaN differs from everything) */
export const notEqual: Kernel<'notEqual'> = ([a, b], _attrs, out) => mapBinary(a, b, out, (x, y) => (x !== y ? 1 : 0));
