/** Shared test helper: the largest difference between two arrays (backend setup and seeded data come from @backprop/testing). */

/** Largest absolute difference between two flat arrays (infinite when the lengths differ). */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return a.length === b.length ? m : Number.POSITIVE_INFINITY;
}
