/** The max kernel: the largest value over a set of axes. */
import type { Kernel } from '@backprop/core';
import { reduce } from './helpers/reduce.js';

/** y = max x over `axes`; NaN if any value is NaN; an empty axis gives −∞ (0 for int32). */
export const max: Kernel<'max'> = ([x], { axes }, out) => reduce(x, axes, out, Number.NEGATIVE_INFINITY, Math.max);
