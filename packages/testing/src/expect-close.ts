/** `expectClose`: elementwise closeness of two arrays within a relative and an absolute tolerance. */
import { expect } from 'vitest';

/** Tolerances of {@link expectClose}. */
export interface CloseOptions {
  /** Relative tolerance, scaled by |expected|. Default 1e-5. */
  rtol?: number;
  /** Absolute tolerance. Default 1e-6. */
  atol?: number;
}

/**
 * Expects `actual` to match `expected` elementwise: the lengths are equal, and for every index
 * |a − e| ≤ atol + rtol·|e| (numpy's `allclose` rule, asymmetric in `expected`). NaN matches only
 * NaN; equal values (infinities included) always match.
 *
 * On failure the message names the first bad index, both values, the difference and the
 * tolerance, with the values around it:
 *
 * ```ts
 * expectClose(y.dataSync(), [0.5, 1, 2], { rtol: 1e-4, atol: 1e-6 });
 * ```
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  { rtol = 1e-5, atol = 1e-6 }: CloseOptions = {},
): void {
  if (actual.length !== expected.length) {
    expect.fail(`expectClose: lengths differ: got ${actual.length} values, expected ${expected.length}`);
  }
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (a === e) continue;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) && Number.isNaN(a)) continue;
      expect.fail(
        `expectClose: index ${i}: got ${a}, expected ${e} (NaN matches only NaN)${context(actual, expected, i)}`,
      );
    }
    const diff = Math.abs(a - e);
    const tol = atol + rtol * Math.abs(e);
    if (!(diff <= tol)) {
      expect.fail(
        `expectClose: index ${i}: got ${a}, expected ${e}: |diff| ${diff} > atol ${atol} + rtol ${rtol}·|expected| = ${tol}${context(actual, expected, i)}`,
      );
    }
  }
}

/** The values around index `i` of both arrays, for a failure message of a longer array. */
function context(actual: ArrayLike<number>, expected: ArrayLike<number>, i: number): string {
  if (expected.length <= 1) return '';
  const lo = Math.max(0, i - 2);
  const near = (x: ArrayLike<number>) =>
    Array.from(x)
      .slice(lo, i + 3)
      .join(', ');
  return `; from index ${lo}: got [${near(actual)}], expected [${near(expected)}]`;
}
