/** The min kernel: the smallest value over a set of axes. */
import type { Kernel } from '@backprop/core';
import { reduce } from './helpers/reduce.js';

/** y = min x over `axes`; NaN if any value is NaN; an empty axis gives +∞ (0 for int32). */
export const min: Kernel<'min'> = ([x], { axes }, out) => reduce(x, axes, out, Number.POSITIVE_INFINITY, Math.min);
