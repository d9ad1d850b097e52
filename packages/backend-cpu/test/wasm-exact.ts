/** Helpers of the bit-exact tests of the compiled kernels (wasm-updates, wasm-compare). */
import { expect } from 'vitest';

/** A seeded uniform generator on [0, 1) (mulberry32). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fails at the first differing index unless every element is the same value (Object.is: NaN = NaN, +0 ≠ −0). */
export function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  expect(actual.length, label).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i]))
      expect.fail(`${label}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

/** [0, n) split at the cut points, as threads would split it. */
export function ranges(n: number, cuts: number[]): [number, number][] {
  const points = [0, ...cuts.filter((c) => c > 0 && c < n), n];
  return points.slice(1).map((end, k) => [points[k], end]);
}
