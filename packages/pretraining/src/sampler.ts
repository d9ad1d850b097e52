/** Samplers: where the RBM and corruption code take their random draws, so tests can replay fixed draws. */
import {
  formatShape,
  formatValue,
  Generator,
  randomNormal,
  randomUniform,
  type Tensor,
  tensor,
  ValueError,
} from '@backprop/core';

/**
 * A source of random tensors. Every random choice in this package (Gibbs sampling, persistent
 * chains, corruption) draws through a Sampler, in a documented order, so a test can feed the
 * same uniforms another library used (see {@link replaySampler}).
 */
export interface Sampler {
  /** Uniform floats in [0, 1) of `shape`. */
  uniform(shape: readonly number[]): Tensor;
  /** Standard normal floats of `shape`. */
  normal(shape: readonly number[]): Tensor;
}

/** @internal Throws ValueError unless `sampler` is undefined or has `uniform` and `normal` functions. */
export function checkSampler(op: string, sampler: unknown): void {
  if (sampler === undefined) return;
  const s = sampler as Partial<Sampler> | null;
  if (typeof s?.uniform !== 'function' || typeof s?.normal !== 'function')
    throw new ValueError(
      `${op}: sampler must be a Sampler { uniform(shape), normal(shape) } such as philoxSampler(0), got ${formatValue(sampler)}`,
    );
}

/**
 * A sampler on core's Philox generator: without a seed it draws from the global generator
 * (`manualSeed` controls it); with a seed it owns a core `Generator`, so a seeded sampler repeats
 * itself exactly and leaves the global generator alone.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend } from '@backprop/core';
 * import { philoxSampler } from '@backprop/pretraining';
 *
 * await setBackend(cpu());
 * const sampler = philoxSampler(42); // its own generator: the same draws every run
 * const u = sampler.uniform([2, 3]);
 * const z = sampler.normal([4]);
 * ```
 */
export function philoxSampler(seed?: number): Sampler {
  if (seed !== undefined && (!Number.isSafeInteger(seed) || seed < 0)) {
    throw new ValueError(`philoxSampler: seed must be a non-negative integer, got ${formatValue(seed)}`);
  }
  const generator = seed === undefined ? undefined : new Generator(seed);
  return {
    uniform: (shape) => randomUniform(shape, { generator }),
    normal: (shape) => randomNormal(shape, { generator }),
  };
}

/**
 * Replays recorded draws in order: each `uniform` / `normal` call takes the next array, which
 * must have exactly as many values as the requested shape. Used to reproduce scikit-learn's
 * `RandomState` draws bit for bit in the golden tests.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend } from '@backprop/core';
 * import { replaySampler } from '@backprop/pretraining';
 *
 * await setBackend(cpu());
 * const sampler = replaySampler([[0.1, 0.9], [0.5]]); // hands out these draws in order (to match another implementation)
 * console.log(await sampler.uniform([2]).data(), sampler.remaining); // Float32Array [0.1, 0.9] 1
 * ```
 */
export function replaySampler(draws: readonly ArrayLike<number>[]): Sampler & { readonly remaining: number } {
  let i = 0;
  const take = (op: string, shape: readonly number[]): Tensor => {
    const d = draws[i];
    const n = shape.reduce((a, b) => a * b, 1);
    if (!d)
      throw new ValueError(
        `replaySampler.${op}: ran out of recorded draws after ${i}, asked for ${formatShape(shape)}`,
      );
    if (d.length !== n)
      throw new ValueError(
        `replaySampler.${op}: draw ${i} has ${d.length} values, got a request for ${formatShape(shape)}`,
      );
    i++;
    return tensor(Float32Array.from(d), shape, 'float32');
  };
  return {
    uniform: (shape) => take('uniform', shape),
    normal: (shape) => take('normal', shape),
    get remaining() {
      return draws.length - i;
    },
  };
}
