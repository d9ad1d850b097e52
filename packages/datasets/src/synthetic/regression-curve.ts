/** A noisy 1-D regression curve, by default y = sin(2πx) + noise on x uniform in [0, 1]. */
import type { ArrayDataset } from '@backprop/core';
import { ValueError } from '@backprop/core';
import { createRng } from '../random.js';
import { fail } from '../validate.js';
import { checkCommon, type SyntheticOptions } from './options.js';

/** Options of {@link regressionCurve}. */
export interface RegressionCurveOptions extends SyntheticOptions {
  /** The noiseless curve, called on each x in [0, 1) (default `x => Math.sin(2 * Math.PI * x)`). */
  fn?: (x: number) => number;
}

/**
 * The default curve: one period of a sine over [0, 1].
 *
 * @example
 * ```ts
 * import { regressionCurve, sineCurve } from '@backprop/datasets';
 *
 * console.log(sineCurve(0.25)); // 1
 * const data = regressionCurve({ fn: sineCurve }); // the default curve
 * ```
 */
export const sineCurve = (x: number): number => Math.sin(2 * Math.PI * x);

/**
 * A regression set: inputs x drawn uniformly from [0, 1) (float32 [n, 1]) and targets
 * `fn(x) + N(0, noise²)` (float32 [n, 1]).
 *
 * @example
 * ```ts
 * import { regressionCurve } from '@backprop/datasets';
 *
 * const data = regressionCurve({ n: 50, noise: 0.1, fn: (x) => x * x });
 * console.log(data.xShape, data.yShape); // [50, 1] [50, 1]
 * ```
 * @param options - `n` (default 100), `noise` (default 0.1), `seed` (default 0), `fn` (default {@link sineCurve}).
 * @throws ValueError when `n` is not a positive integer, `noise` < 0, the seed is not a safe integer,
 *   `fn` is not a function or returns a non-finite value.
 */
export function regressionCurve(options: RegressionCurveOptions = {}): ArrayDataset {
  const { n, noise, seed } = checkCommon('regressionCurve', options, { n: 100, noise: 0.1 }, ['fn']);
  const fn = options.fn ?? sineCurve;
  if (typeof fn !== 'function') fail('regressionCurve', 'fn', 'a function of one number', fn);
  const rng = createRng(seed);
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const xi = rng.uniform();
    const fx = fn(xi);
    if (typeof fx !== 'number' || !Number.isFinite(fx)) {
      throw new ValueError(`regressionCurve: fn must return a finite number, got ${fx} at x = ${xi}`);
    }
    x[i] = xi;
    y[i] = fx + (noise > 0 ? noise * rng.normal() : 0);
  }
  return { x, xShape: [n, 1], y, yShape: [n, 1] };
}
