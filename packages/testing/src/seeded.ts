/** Seeded test data from core's Philox-4x32-10 stream, the same on every machine. */
import { keyFromSeed, philoxUniform, type Tensor, tensor } from '@backprop/core';

/** The interval of {@link seededValues} and {@link seededTensor}. */
export interface SeededRange {
  /** Lower bound (included). Default −1. */
  low?: number;
  /** Upper bound (excluded, up to float32 rounding). Default 1. */
  high?: number;
}

/**
 * `n` float32 values uniform in [`low`, `high`): the first `n` values of core's Philox stream for
 * `seed` (`philoxUniform(keyFromSeed(seed), 0, n)`), scaled. The same seed gives the same values
 * everywhere, and a longer draw extends a shorter one.
 *
 * ```ts
 * const x = seededValues(12, 7);                        // in [-1, 1)
 * const p = seededValues(12, 7, { low: 0, high: 1 });   // in [0, 1)
 * ```
 */
export function seededValues(n: number, seed: number, { low = -1, high = 1 }: SeededRange = {}): Float32Array {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`seededValues: n must be a non-negative integer, got ${n}`);
  if (!(low < high)) throw new RangeError(`seededValues: expected low < high, got [${low}, ${high})`);
  const out = philoxUniform(keyFromSeed(seed), 0, n);
  for (let i = 0; i < n; i++) out[i] = low + out[i] * (high - low);
  return out;
}

/**
 * A float32 tensor of `shape` holding {@link seededValues} for `seed` in row-major order. Needs a
 * backend to be set (see `useBackend`).
 */
export function seededTensor(shape: readonly number[], seed: number, range?: SeededRange): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(seededValues(n, seed, range), shape);
}

/**
 * A seeded stream of numbers uniform in [0, 1), one per call: call k returns word 0 of Philox block
 * k for `seed`. These are the values of `new Generator(seed)` drawing one value at a time
 * (`philoxUniform(key, generator.next(1).offset, 1)[0]`), for tests that draw data as they go.
 *
 * ```ts
 * const r = seededStream(3);
 * const bits = Array.from({ length: 16 }, () => (r() < 0.5 ? 1 : 0));
 * ```
 */
export function seededStream(seed: number): () => number {
  const key = keyFromSeed(seed);
  const out = new Float32Array(1);
  let block = 0;
  return () => philoxUniform(key, block++, 1, out)[0];
}
