/** Interleaved spiral arms, one per class, growing from the origin. */
import type { ArrayDataset } from '@backprop/core';
import { createRng } from '../random.js';
import { fail, positiveInt } from '../validate.js';
import { checkCommon, finishClassification, type SyntheticOptions } from './options.js';

/** Options of {@link spirals}. */
export interface SpiralsOptions extends SyntheticOptions {
  /** Number of arms, one class each, an integer ≥ 2 (default 2). */
  classes?: number;
  /** Full turns each arm makes from the centre to radius 1 (default 1). */
  turns?: number;
}

/**
 * `classes` spiral arms (Archimedean): point j of arm k sits at radius `r = (j + 0.5) / m`
 * and angle `2πk / classes + 2π · turns · r`, where m is the arm's size; n is shared as evenly as
 * possible between the arms (the first n mod classes arms get one more). Rows are shuffled and
 * Gaussian `noise` is added to every coordinate. Returns x float32 [n, 2] and labels int32 [n] in
 * 0 … classes−1.
 *
 * @example
 * ```ts
 * import { spirals } from '@backprop/datasets';
 *
 * const data = spirals({ n: 300, classes: 3, turns: 1.5 });
 * console.log(data.xShape, new Set(data.y).size); // [300, 2] 3
 * ```
 * @param options - `n` (default 300), `classes` (default 2), `noise` (default 0), `turns` (default 1), `seed` (default 0).
 * @throws ValueError when `n` or `classes` is not a positive integer (classes ≥ 2, n ≥ classes),
 *   `noise` < 0, `turns` is not a positive finite number or the seed is not a safe integer.
 */
export function spirals(options: SpiralsOptions = {}): ArrayDataset {
  const { n, noise, seed } = checkCommon('spirals', options, { n: 300, noise: 0 }, ['classes', 'turns']);
  const classes = positiveInt('spirals', 'classes', options.classes ?? 2);
  if (classes < 2) fail('spirals', 'classes', 'an integer ≥ 2', classes);
  if (n < classes) fail('spirals', 'n', `at least classes (${classes})`, n);
  const turns = options.turns ?? 1;
  if (typeof turns !== 'number' || !Number.isFinite(turns) || turns <= 0) {
    fail('spirals', 'turns', 'a finite number > 0', turns);
  }
  const points = new Float64Array(n * 2);
  const labels = new Int32Array(n);
  let row = 0;
  for (let k = 0; k < classes; k++) {
    const m = Math.floor(n / classes) + (k < n % classes ? 1 : 0);
    for (let j = 0; j < m; j++, row++) {
      const r = (j + 0.5) / m;
      const theta = (2 * Math.PI * k) / classes + 2 * Math.PI * turns * r;
      points[2 * row] = r * Math.cos(theta);
      points[2 * row + 1] = r * Math.sin(theta);
      labels[row] = k;
    }
  }
  return finishClassification(points, labels, noise, createRng(seed));
}
