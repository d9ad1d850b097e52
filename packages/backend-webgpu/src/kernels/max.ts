/** The max kernel: the largest value over a set of axes. */
import { reduceKernel } from './helpers/reduce.js';

/** y = max x over `axes`; NaN if any value is NaN (checked on the bits); an empty axis gives −∞ (0 for int32). */
export const max = reduceKernel(
  'max',
  { init: { f32: '-inf()', i32: 'bitcast<i32>(0x80000000u)' }, combine: { f32: 'fmax(p, q)', i32: 'max(p, q)' } },
  { f32: '-inf()', i32: '0i' },
);
