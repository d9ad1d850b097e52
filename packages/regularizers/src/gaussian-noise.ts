/** GaussianNoise: adds N(0, std²) noise to its input in training only. */
import { add, Generator, Module, mul, randomNormal, type Tensor } from '@backprop/core';
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
 */
export class GaussianNoise extends Module {
  readonly std: number;
  readonly #generator: Generator | undefined;

  constructor({ std, seed }: GaussianNoiseOptions) {
    super();
    this.std = nonNegative('gaussianNoise', 'std', std);
    const s = seedOf('gaussianNoise', seed);
    this.#generator = s === undefined ? undefined : this.generator('generator', new Generator(s));
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.std === 0) return x;
    return add(x, mul(randomNormal(x.shape, { generator: this.#generator }), this.std));
  }
}

/** A Gaussian-noise layer: `gaussianNoise({ std: 0.1 })`. */
export const gaussianNoise = (options: GaussianNoiseOptions): GaussianNoise =>
  new GaussianNoise(options ?? ({} as GaussianNoiseOptions));
