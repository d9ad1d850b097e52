/** The XOR problem: points uniform in the square [-1, 1]², labelled 1 where the two coordinates differ in sign. */
import type { ArrayDataset } from '@backprop/core';
import { createRng } from '../random.js';
import { checkCommon, finishClassification, type SyntheticOptions } from './options.js';

/**
 * Points drawn uniformly from [-1, 1]², labelled `1` when exactly one coordinate is positive
 * (`(x₀ > 0) ≠ (x₁ > 0)`) and `0` otherwise; Gaussian `noise` is added after labelling.
 * Returns x float32 [n, 2] and labels int32 [n]. Not linearly separable: a single-layer model fails,
 * one hidden layer succeeds.
 *
 * @example
 * ```ts
 * import { xor } from '@backprop/datasets';
 *
 * const data = xor({ n: 100, noise: 0.1 });
 * console.log(data.xShape); // [100, 2]
 * ```
 * @param options - `n` (default 200), `noise` (default 0), `seed` (default 0).
 * @throws ValueError when `n` is not a positive integer, `noise` < 0 or the seed is not a safe integer.
 */
export function xor(options: SyntheticOptions = {}): ArrayDataset {
  const { n, noise, seed } = checkCommon('xor', options, { n: 200, noise: 0 });
  const rng = createRng(seed);
  const points = new Float64Array(n * 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = 2 * rng.uniform() - 1;
    const b = 2 * rng.uniform() - 1;
    points[2 * i] = a;
    points[2 * i + 1] = b;
    labels[i] = a > 0 !== b > 0 ? 1 : 0;
  }
  return finishClassification(points, labels, noise, rng);
}
