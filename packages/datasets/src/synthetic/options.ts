/** Options shared by the synthetic 2-D sets, their validation, and the noise-then-shuffle step that finishes each set. */
import { type ArrayDataset, checkOptionNames, optionNames } from '@backprop/core';
import { permutation, type Rng } from '../random.js';
import { fail, nonNegative, positiveInt, seedOf } from '../validate.js';

/** Options every synthetic set accepts. */
export interface SyntheticOptions {
  /** Number of points N, a positive integer. */
  n?: number;
  /** Standard deviation of Gaussian noise added to each coordinate (≥ 0; 0 gives exact geometry). */
  noise?: number;
  /** Seed of the generator: the same seed gives the same points on every machine (default 0). */
  seed?: number;
}

/** Every option of {@link SyntheticOptions}. */
const SYNTHETIC_OPTIONS = optionNames<SyntheticOptions>({ n: true, noise: true, seed: true });

/** Validates the shared options of `fn` (and that it has no option outside them and `extra`), filling in defaults. */
export function checkCommon(
  fn: string,
  options: SyntheticOptions,
  defaults: { n: number; noise: number },
  extra: readonly string[] = [],
): { n: number; noise: number; seed: number } {
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object', options);
  checkOptionNames(fn, options, [...SYNTHETIC_OPTIONS, ...extra], {
    aliases: { nSamples: 'n', n_samples: 'n', samples: 'n', randomState: 'seed', random_state: 'seed' },
  });
  const { n = defaults.n, noise = defaults.noise, seed = 0 } = options;
  return {
    n: positiveInt(fn, 'n', n),
    noise: nonNegative(fn, 'noise', noise),
    seed: seedOf(fn, seed),
  };
}

/**
 * Adds N(0, noise²) to every coordinate of `points` (float64 [n, 2]), shuffles the rows with `rng`
 * and packs the result as float32 x [n, 2] and int32 labels [n].
 */
export function finishClassification(points: Float64Array, labels: Int32Array, noise: number, rng: Rng): ArrayDataset {
  const n = labels.length;
  const order = permutation(n, rng);
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = order[i];
    x[2 * i] = points[2 * r] + (noise > 0 ? noise * rng.normal() : 0);
    x[2 * i + 1] = points[2 * r + 1] + (noise > 0 ? noise * rng.normal() : 0);
    y[i] = labels[r];
  }
  return { x, xShape: [n, 2], y, yShape: [n] };
}
