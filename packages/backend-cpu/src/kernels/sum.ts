/** The sum kernel: addition over a set of axes. */
import type { Kernel } from '@backprop/core';
import { reduce } from './helpers/reduce.js';

const addFloat = (acc: number, v: number) => acc + v;
/** int32 sums wrap at every addition, so they are exact modulo 2³² however many terms there are (a float64 running sum loses low bits past 2⁵³). */
const addInt32 = (acc: number, v: number) => (acc + v) | 0;

/** y = Σ x over `axes`, float32 accumulated in float64; an empty axis sums to 0; int32 wraps modulo 2³². */
export const sum: Kernel<'sum'> = ([x], { axes }, out) =>
  reduce(x, axes, out, 0, out.dtype === 'int32' ? addInt32 : addFloat);
