/** The argmin kernel: the position of the smallest value along one axis. */
import type { Kernel } from '@backprop/core';
import { argReduce } from './helpers/reduce.js';

/** y = index of the first minimum of x along `axis` (int32); the first NaN counts as the minimum. */
export const argmin: Kernel<'argmin'> = ([x], { axis }, out) =>
  argReduce(x, axis, out, (v, best) => v < best || Number.isNaN(v));
