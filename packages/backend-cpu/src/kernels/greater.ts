/** The greater kernel: comparison with broadcasting. */
import type { Kernel } from '@backprop/core';
import { mapBinary } from './helpers/elementwise.js';

/** yᵢ = aᵢ > bᵢ as bool (false when either is NaN) */
export const greater: Kernel<'greater'> = ([a, b], _attrs, out) => mapBinary(a, b, out, (x, y) => (x > y ? 1 : 0));
