/** GaussianNoise: adds N(0, std²) noise to its input in training only. */
import { add, checkOptionNames, Generator, Module, mul, optionNames, randomNormal, type Tensor } from '@backprop/core';
import { nonNegative, seedOf } from './check.js';

/** Options of {@link gaussianNoise}. */
export interface GaussianNoiseOptions {
  /** Standard deviation of the noise (required, ≥ 0). */
  std: number;
  /** Seed of this layer's own generator (default: core's global generator). */
  seed?: number;
}

/**
 * Additive zero-mean Gaussian noise, `y = x + std·z` with z ~ N(0, 1), in training; the identity
 * in evaluation. Same as Keras' `GaussianNoise(stddev)`; a regularizer akin to data augmentation.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, zeros } from '@backprop/core';
 * import { GaussianNoise } from '@backprop/regularizers';
 *
 * await setBackend(cpu());
 * const noisy = new GaussianNoise({ std: 0.5 }).forward(zeros([3])); // N(0, 0.25) draws in training mode
 * ```
 */
export class GaussianNoise extends Module {
  readonly std: number;
  readonly #generator: Generator | undefined;

  constructor(options: GaussianNoiseOptions) {
    super();
    checkOptionNames('gaussianNoise', options, optionNames<GaussianNoiseOptions>({ std: true, seed: true }), {
      aliases: { stddev: 'std' },
    });
    const { std, seed } = options;
    this.std = nonNegative('gaussianNoise', 'std', std);
    const s = seedOf('gaussianNoise', seed);
    this.#generator = s === undefined ? undefined : this.generator('generator', new Generator(s));
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.std === 0) return x;
    return add(x, mul(randomNormal(x.shape, { generator: this.#generator }), this.std));
  }
}

/**
 * A Gaussian-noise layer: `gaussianNoise({ std: 0.1 })`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 * import { gaussianNoise } from '@backprop/regularizers';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(gaussianNoise({ std: 0.1, seed: 0 }), nn.dense(2, 16), nn.relu(), nn.dense(16, 2));
 * ```
 */
export const gaussianNoise = (options: GaussianNoiseOptions): GaussianNoise =>
  new GaussianNoise(options ?? ({} as GaussianNoiseOptions));
