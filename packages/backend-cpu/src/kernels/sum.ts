/** The sum kernel: addition over a set of axes. */
import type { Kernel } from '@backprop/core';
import { reduce } from './helpers/reduce.js';

/** y = Σ x over `axes`, accumulated in float64; an empty axis sums to 0; int32 wraps. */
export const sum: Kernel<'sum'> = ([x], { axes }, out) => reduce(x, axes, out, 0, (acc, v) => acc + v);
