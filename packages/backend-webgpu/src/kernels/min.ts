/** The min kernel: the smallest value over a set of axes. */
import { reduceKernel } from './helpers/reduce.js';

/** y = min x over `axes`; NaN if any value is NaN (checked on the bits); an empty axis gives +∞ (0 for int32). */
export const min = reduceKernel(
  'min',
  { init: { f32: 'inf()', i32: '2147483647i' }, combine: { f32: 'fmin(p, q)', i32: 'min(p, q)' } },
  { f32: 'inf()', i32: '0i' },
);
