/** The lessEqual kernel: comparison with broadcasting. */
import type { Kernel } from '@backprop/core';
import { mapBinary } from './helpers/elementwise.js';

/** yᵢ = aᵢ ≤ bᵢ as bool (false when either is NaN) */
export const lessEqual: Kernel<'lessEqual'> = ([a, b], _attrs, out) => mapBinary(a, b, out, (x, y) => (x <= y ? 1 : 0));
