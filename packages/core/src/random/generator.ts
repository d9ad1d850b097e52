/**
 * Generator: a Philox key and a counter that advances with every draw (as `torch.Generator`).
 * The global generator is one; a layer or sampler can own another, so its draws are
 * reproducible from its seed and independent of everything else.
 */
import { ValueError } from '../errors.js';
import { formatValue } from '../validate.js';
import { blocksFor, keyFromSeed } from './philox.js';

/** A generator's state: its key and the next block of its stream. */
export interface GeneratorState {
  key: [number, number];
  offset: number;
}

/**
 * A seeded Philox-4x32-10 stream whose draws continue where the previous draw stopped.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { Generator, randomUniform, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const generator = new Generator(7); // its own stream; the global one is untouched
 * const a = randomUniform([2], { generator });
 * generator.manualSeed(7);
 * const b = randomUniform([2], { generator }); // the same values as a
 * ```
 */
export class Generator {
  #key: [number, number];
  #offset = 0;

  constructor(seed = 0) {
    this.#key = keyFromSeed(checkSeed('Generator', seed));
  }

  /** Restarts the stream of `seed`. */
  manualSeed(seed: number): this {
    this.#key = keyFromSeed(checkSeed('Generator.manualSeed', seed));
    this.#offset = 0;
    return this;
  }

  /** Reserves the blocks for `count` values; returns the key and the offset to draw them from. */
  next(count: number): { key: [number, number]; offset: number } {
    const offset = this.#offset;
    this.#offset += blocksFor(count);
    return { key: [...this.#key], offset };
  }

  /** The state, for checkpoints. */
  getState(): GeneratorState {
    return { key: [...this.#key], offset: this.#offset };
  }

  /** Restores a state from `getState`. */
  setState(state: GeneratorState): void {
    if (
      !Array.isArray(state?.key) ||
      state.key.length !== 2 ||
      !Number.isSafeInteger(state.offset) ||
      state.offset < 0
    ) {
      throw new ValueError(`Generator.setState: expected { key: [k0, k1], offset }, got ${JSON.stringify(state)}`);
    }
    this.#key = [state.key[0] >>> 0, state.key[1] >>> 0];
    this.#offset = state.offset;
  }
}

function checkSeed(op: string, seed: number): number {
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new ValueError(`${op}: seed must be a non-negative integer, got ${formatValue(seed)}`);
  return seed;
}

/** The global generator: random ops draw from it unless given a `seed` or a `generator`. */
export const defaultGenerator = new Generator(0);
