/**
 * Seeded random tensors from the Philox-4x32-10 stream (random/philox.ts). The global
 * generator advances its counter by the blocks each draw uses; an explicit `seed` draws
 * from the start of that seed's stream and leaves the global generator alone.
 */
import type { DType } from '../dtype.js';
import { runKernel } from '../engine.js';
import { ValueError } from '../errors.js';
import { tidy } from '../memory.js';
import { defaultGenerator, type Generator, type GeneratorState } from '../random/generator.js';
import { keyFromSeed } from '../random/philox.js';
import { checkShape, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkOptionNames, formatValue, optionNames } from '../validate.js';
import { add, mul, sub } from './binary.js';
import { cast } from './cast.js';
import { less } from './compare.js';
import { checkDType } from './operand.js';
import { reshape } from './reshape.js';
import { slice } from './slice.js';
import { cos, log, sqrt } from './unary.js';

/**
 * Resets the global generator to the start of `seed`'s stream.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { manualSeed, randomUniform, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * manualSeed(42);
 * const a = await randomUniform([3]).data();
 * manualSeed(42);
 * const b = await randomUniform([3]).data(); // the same three numbers as a
 * ```
 */
export function manualSeed(seed: number): void {
  defaultGenerator.manualSeed(seed);
}

/**
 * The global generator's state, for checkpoints.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { getRandomState, randomNormal, setBackend, setRandomState } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const saved = getRandomState();
 * const a = randomNormal([2]);
 * setRandomState(saved);
 * const b = randomNormal([2]); // equal to a
 * ```
 */
export function getRandomState(): GeneratorState {
  return defaultGenerator.getState();
}

/**
 * Restores the global generator's state.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { bernoulli, getRandomState, setBackend, setRandomState } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const saved = getRandomState();
 * const first = bernoulli([4], 0.5);
 * setRandomState(saved); // rewinds the global generator
 * const again = bernoulli([4], 0.5); // the same draws as first
 * ```
 */
export function setRandomState(state: GeneratorState): void {
  defaultGenerator.setState({ key: [state.key[0], state.key[1]], offset: state.offset });
}

/** Options every random op takes. */
export interface RandomOptions {
  /** Draw from the start of this seed's stream (leaves every generator alone). */
  seed?: number;
  /** Draw from this generator, advancing it (default: the global generator). */
  generator?: Generator;
}

/** Every option of {@link RandomOptions}. */
const RANDOM_OPTIONS = optionNames<RandomOptions>({ seed: true, generator: true });

function uniformBits(op: string, shape: readonly number[], { seed, generator }: RandomOptions): Tensor {
  checkShape(op, shape);
  if (seed !== undefined && generator !== undefined)
    throw new ValueError(`${op}: pass a seed or a generator, not both`);
  let draw: { key: [number, number]; offset: number };
  if (seed === undefined) draw = (generator ?? defaultGenerator).next(sizeOf(shape));
  else {
    if (!Number.isSafeInteger(seed) || seed < 0)
      throw new ValueError(`${op}: seed must be a non-negative integer, got ${formatValue(seed)}`);
    draw = { key: keyFromSeed(seed), offset: 0 };
  }
  return runKernel('randomUniform', [], draw, { shape, dtype: 'float32' });
}

/**
 * Uniform floats in [low, high).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { manualSeed, randomUniform, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * manualSeed(0);
 * const u = randomUniform([2, 3], { low: -1, high: 1 }); // float32 [2, 3] in [-1, 1)
 * ```
 */
export function randomUniform(
  shape: readonly number[],
  { low = 0, high = 1, ...from }: RandomOptions & { low?: number; high?: number } = {},
): Tensor {
  checkOptionNames('randomUniform', from, ['low', 'high', ...RANDOM_OPTIONS], {
    aliases: { minval: 'low', maxval: 'high', min: 'low', max: 'high', a: 'low', b: 'high' },
  });
  if (!(high >= low) || !Number.isFinite(low) || !Number.isFinite(high)) {
    throw new ValueError(`randomUniform: need finite low ≤ high, got low ${low}, high ${high}`);
  }
  return tidy(() => {
    const u = uniformBits('randomUniform', shape, from);
    return low === 0 && high === 1 ? u : add(mul(u, high - low), low);
  });
}

/**
 * Normal floats with mean and standard deviation `std` (Box–Muller on two uniform draws).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { randomNormal, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const z = randomNormal([1000], { mean: 5, std: 2 }); // mean ≈ 5, std ≈ 2
 * ```
 */
export function randomNormal(
  shape: readonly number[],
  { mean = 0, std = 1, ...from }: RandomOptions & { mean?: number; std?: number } = {},
): Tensor {
  checkOptionNames('randomNormal', from, ['mean', 'std', ...RANDOM_OPTIONS], {
    aliases: { stddev: 'std', stdDev: 'std', sigma: 'std', scale: 'std', mu: 'mean', loc: 'mean' },
  });
  if (!(std >= 0) || !Number.isFinite(mean))
    throw new ValueError(`randomNormal: need std ≥ 0 and a finite mean, got mean ${mean}, std ${std}`);
  checkShape('randomNormal', shape);
  const n = sizeOf(shape);
  return tidy(() => {
    const u = uniformBits('randomNormal', [2, n], from);
    const u1 = slice(u, [0, 0], [1, n]);
    const u2 = slice(u, [1, 0], [1, n]);
    const radius = sqrt(mul(log(sub(1, u1)), -2));
    const z = reshape(mul(radius, cos(mul(u2, 2 * Math.PI))), shape);
    return std === 1 && mean === 0 ? z : add(mul(z, std), mean);
  });
}

/**
 * Bernoulli draws: 1 with probability `p`, else 0 (float32 by default, or bool).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { bernoulli, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const mask = bernoulli([2, 4], 0.25, { dtype: 'bool' }); // true with probability 0.25
 * ```
 */
export function bernoulli(
  shape: readonly number[],
  p: number,
  { dtype = 'float32', ...from }: RandomOptions & { dtype?: DType } = {},
): Tensor {
  checkOptionNames('bernoulli', from, ['dtype', ...RANDOM_OPTIONS]);
  checkDType('bernoulli', dtype);
  if (!(p >= 0 && p <= 1)) throw new ValueError(`bernoulli: p must be in [0, 1], got ${formatValue(p)}`);
  return tidy(() => {
    const mask = less(uniformBits('bernoulli', shape, from), p);
    return dtype === 'bool' ? mask : cast(mask, dtype);
  });
}
