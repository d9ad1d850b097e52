/** Two interleaving half circles, like scikit-learn's make_moons. */
import type { ArrayDataset } from '@backprop/core';
import { createRng } from '../random.js';
import { checkCommon, finishClassification, type SyntheticOptions } from './options.js';

/**
 * Two interleaving half circles of radius 1 as in scikit-learn's `make_moons`: the upper moon
 * `(cos t, sin t)` (label 0, ⌊n/2⌋ points) and the lower moon `(1 − cos t, 0.5 − sin t)`
 * (label 1, ⌈n/2⌉ points), with t evenly spaced over [0, π]; rows are shuffled and Gaussian
 * `noise` is added to every coordinate. Returns x float32 [n, 2] and labels int32 [n].
 *
 * @example
 * ```ts
 * import { moons } from '@backprop/datasets';
 *
 * const data = moons({ n: 200, noise: 0.1, seed: 1 });
 * console.log(data.xShape, data.yShape); // [200, 2] [200]
 * ```
 * @param options - `n` (default 200), `noise` (default 0), `seed` (default 0).
 * @throws ValueError when `n` is not a positive integer, `noise` < 0 or the seed is not a safe integer.
 */
export function moons(options: SyntheticOptions = {}): ArrayDataset {
  const { n, noise, seed } = checkCommon('moons', options, { n: 200, noise: 0 });
  const nOut = Math.floor(n / 2);
  const nIn = n - nOut;
  const points = new Float64Array(n * 2);
  const labels = new Int32Array(n);
  // Angles as numpy's linspace(0, π, m): endpoints included, a single point at 0.
  const angle = (i: number, m: number): number => (m > 1 ? (Math.PI * i) / (m - 1) : 0);
  for (let i = 0; i < nOut; i++) {
    const t = angle(i, nOut);
    points[2 * i] = Math.cos(t);
    points[2 * i + 1] = Math.sin(t);
  }
  for (let i = 0; i < nIn; i++) {
    const t = angle(i, nIn);
    const r = nOut + i;
    points[2 * r] = 1 - Math.cos(t);
    points[2 * r + 1] = 0.5 - Math.sin(t);
    labels[r] = 1;
  }
  return finishClassification(points, labels, noise, createRng(seed));
}
