/** The maximum kernel: the larger value with broadcasting. */
import type { Kernel } from '@backprop/core';
import { mapBinary } from './helpers/elementwise.js';

/** yᵢ = max(aᵢ, bᵢ); NaN if either is NaN */
export const maximum: Kernel<'maximum'> = ([a, b], _attrs, out) => mapBinary(a, b, out, Math.max);
