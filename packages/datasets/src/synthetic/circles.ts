/** Two concentric circles, like scikit-learn's make_circles. */
import type { ArrayDataset } from '@backprop/core';
import { createRng } from '../random.js';
import { fail } from '../validate.js';
import { checkCommon, finishClassification, type SyntheticOptions } from './options.js';

/** Options of {@link circles}. */
export interface CirclesOptions extends SyntheticOptions {
  /** Radius of the inner circle relative to the outer one (radius 1), in [0, 1) (default 0.5). */
  factor?: number;
}

/**
 * A large circle of radius 1 (label 0, ⌊n/2⌋ points) around a small one of radius `factor`
 * (label 1, the other ⌈n/2⌉ points), each with evenly spaced angles as in scikit-learn's
 * `make_circles`; rows are shuffled and Gaussian `noise` is added to every coordinate.
 * Returns x float32 [n, 2] and labels int32 [n].
 *
 * @example
 * ```ts
 * import { circles } from '@backprop/datasets';
 *
 * const data = circles({ n: 300, factor: 0.5, noise: 0.05 });
 * console.log(data.xShape); // [300, 2]; labels 0 (outer) and 1 (inner)
 * ```
 * @param options - `n` (default 200), `noise` (default 0), `factor` (default 0.5), `seed` (default 0).
 * @throws ValueError when `n` is not a positive integer, `noise` < 0, `factor` is outside [0, 1)
 *   or the seed is not a safe integer.
 */
export function circles(options: CirclesOptions = {}): ArrayDataset {
  const { n, noise, seed } = checkCommon('circles', options, { n: 200, noise: 0 }, ['factor']);
  const factor = options.factor ?? 0.5;
  if (typeof factor !== 'number' || !(factor >= 0 && factor < 1))
    fail('circles', 'factor', 'a number in [0, 1)', factor);
  const nOut = Math.floor(n / 2);
  const nIn = n - nOut;
  const points = new Float64Array(n * 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < nOut; i++) {
    const t = (2 * Math.PI * i) / nOut;
    points[2 * i] = Math.cos(t);
    points[2 * i + 1] = Math.sin(t);
  }
  for (let i = 0; i < nIn; i++) {
    const t = (2 * Math.PI * i) / nIn;
    const r = nOut + i;
    points[2 * r] = factor * Math.cos(t);
    points[2 * r + 1] = factor * Math.sin(t);
    labels[r] = 1;
  }
  return finishClassification(points, labels, noise, createRng(seed));
}
