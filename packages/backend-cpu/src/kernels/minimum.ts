/** The minimum kernel: the smaller value with broadcasting. */
import type { Kernel } from '@backprop/core';
import { mapBinary } from './helpers/elementwise.js';

/** yᵢ = min(aᵢ, bᵢ); NaN if either is NaN */
export const minimum: Kernel<'minimum'> = ([a, b], _attrs, out) => mapBinary(a, b, out, Math.min);
