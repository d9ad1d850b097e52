/** The sum kernel: addition over a set of axes. */
import { reduceKernel } from './helpers/reduce.js';

/** y = Σ x over `axes`, accumulated in f32 (backend-cpu uses float64); an empty axis sums to 0; int32 wraps. */
export const sum = reduceKernel(
  'sum',
  { init: { f32: '0.0', i32: '0i' }, combine: { f32: 'p + q', i32: 'p + q' } },
  { f32: '0.0', i32: '0i' },
);
