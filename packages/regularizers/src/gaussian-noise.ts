/** GaussianNoise: adds N(0, std²) noise to its input in training only. */
import { add, Module, mul, type Tensor } from '@backprop/core';
import { nonNegative, seedOf } from './check.js';
import { RandomStream } from './random-stream.js';

/** Options of {@link gaussianNoise}. */
export interface GaussianNoiseOptions {
  /** Standard deviation of the noise (required, ≥ 0). */
  std: number;
  /** This layer's own Philox stream (default: core's global generator). */
  seed?: number;
}

/**
 * Additive zero-mean Gaussian noise, `y = x + std·z` with z ~ N(0, 1), in training; the identity
 * in evaluation. Same as Keras' `GaussianNoise(stddev)`; a regularizer akin to data augmentation.
 */
export class GaussianNoise extends Module {
  readonly std: number;
  readonly #stream: RandomStream;

  constructor({ std, seed }: GaussianNoiseOptions) {
    super();
    this.std = nonNegative('gaussianNoise', 'std', std);
    this.#stream = new RandomStream(seedOf('gaussianNoise', seed));
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.std === 0) return x;
    return add(x, mul(this.#stream.normal(x.shape), this.std));
  }
}

/** A Gaussian-noise layer: `gaussianNoise({ std: 0.1 })`. */
export const gaussianNoise = (options: GaussianNoiseOptions): GaussianNoise =>
  new GaussianNoise(options ?? ({} as GaussianNoiseOptions));
