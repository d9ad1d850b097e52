/** Value comparison with tolerances: NaN matches NaN, infinities match exactly, integers and bools match exactly. */

/** A tolerance: |actual − expected| ≤ atol + rtol·|expected|. */
export interface Tolerance {
  rtol?: number;
  atol?: number;
}

/** The default float32 tolerance of the suite. */
export const DEFAULT_TOLERANCE: Required<Tolerance> = { rtol: 1e-5, atol: 1e-6 };

/** Exact comparison (integers, bools, the random stream). */
export const EXACT: Required<Tolerance> = { rtol: 0, atol: 0 };

/** Throws an Error naming `label` and the first mismatches unless `actual` matches `expected`. */
export function assertClose(
  label: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance = {},
): void {
  const { rtol, atol } = { ...DEFAULT_TOLERANCE, ...tol };
  if (actual.length !== expected.length) {
    throw new Error(`${label}: expected ${expected.length} values, got ${actual.length}`);
  }
  const bad: string[] = [];
  let count = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    let ok: boolean;
    if (Number.isNaN(e)) ok = Number.isNaN(a);
    else if (!Number.isFinite(e)) ok = a === e;
    else ok = Number.isFinite(a) && Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!ok) {
      count++;
      if (bad.length < 5) bad.push(`[${i}] got ${a}, expected ${e}`);
    }
  }
  if (count > 0) {
    throw new Error(
      `${label}: ${count} of ${actual.length} values differ (rtol ${rtol}, atol ${atol}): ${bad.join('; ')}`,
    );
  }
}

/** Throws unless two shapes are equal. */
export function assertShape(label: string, actual: readonly number[], expected: readonly number[]): void {
  if (actual.length !== expected.length || actual.some((d, i) => d !== expected[i])) {
    throw new Error(`${label}: expected shape [${expected.join(',')}], got [${actual.join(',')}]`);
  }
}

/** Throws `message` unless `condition` holds. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
