/** Shared test setup: the CPU backend and small helpers. */

import { cpu } from '@backprop/backend-cpu';
import { setBackend } from '@backprop/core';

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

/** A seeded generator of uniform numbers in [0, 1) (mulberry32) for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
