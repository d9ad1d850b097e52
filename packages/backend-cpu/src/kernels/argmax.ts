/** The argmax kernel: the position of the largest value along one axis. */
import type { Kernel } from '@backprop/core';
import { argReduce } from './helpers/reduce.js';

/** y = index of the first maximum of x along `axis` (int32); the first NaN counts as the maximum. */
export const argmax: Kernel<'argmax'> = ([x], { axis }, out) =>
  argReduce(x, axis, out, (v, best) => v > best || Number.isNaN(v));
