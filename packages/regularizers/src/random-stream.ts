/** RandomStream: a layer's own Philox stream (a seed's key and an advancing counter), so seeded layers draw fresh masks each call. */
import {
  blocksFor,
  cos,
  getRandomState,
  keyFromSeed,
  log,
  mul,
  randomNormal,
  randomUniform,
  reshape,
  runKernel,
  slice,
  sqrt,
  sub,
  type Tensor,
} from '@backprop/core';

/**
 * Uniform and normal draws from Philox-4x32-10 under `seed`, continuing where the previous draw
 * stopped (as core's global generator does). Without a seed it defers to the global generator
 * (`manualSeed`). Either way the values are core's Philox stream, which every backend reproduces bit
 * for bit, so masks are identical across backends.
 */
export class RandomStream {
  readonly #key: [number, number] | undefined;
  #offset = 0;

  constructor(seed?: number) {
    this.#key = seed === undefined ? undefined : keyFromSeed(seed);
  }

  /** U[0, 1) of `shape`. */
  uniform(shape: readonly number[]): Tensor {
    if (!this.#key) return randomUniform(shape);
    const n = shape.reduce((a, b) => a * b, 1);
    const offset = this.#offset;
    this.#offset += blocksFor(n);
    return runKernel('randomUniform', [], { key: this.#key, offset }, { shape: [...shape], dtype: 'float32' });
  }

  /** N(0, 1) of `shape`, by the same Box–Muller transform as core's `randomNormal`. */
  normal(shape: readonly number[]): Tensor {
    if (!this.#key) return randomNormal(shape);
    const n = shape.reduce((a, b) => a * b, 1);
    const u = this.uniform([2, n]);
    const u1 = slice(u, [0, 0], [1, n]);
    const u2 = slice(u, [1, 0], [1, n]);
    return reshape(mul(sqrt(mul(log(sub(1, u1)), -2)), cos(mul(u2, 2 * Math.PI))), shape);
  }

  /** Position in the stream (blocks of four draws used), for tests and checkpoints. */
  get offset(): number {
    return this.#key ? this.#offset : getRandomState().offset;
  }
}
