/** Shared test setup: the CPU backend and small helpers. */

import { cpu } from '@backprop/backend-cpu';
import { Generator, philoxUniform, setBackend } from '@backprop/core';

/** Installs the CPU backend (call from beforeAll). */
export async function useCpu(): Promise<void> {
  await setBackend(cpu());
}

/** Largest absolute difference between two flat arrays. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return a.length === b.length ? m : Number.POSITIVE_INFINITY;
}

/** A seeded generator of uniform numbers in [0, 1) for test data: core's Philox {@link Generator}, one value per call. */
export function rng(seed: number): () => number {
  const generator = new Generator(seed);
  return () => {
    const { key, offset } = generator.next(1);
    return philoxUniform(key, offset, 1)[0];
  };
}
