/** A deterministic, seeded train/test split of an ArrayDataset. */
import type { ArrayDataset } from '@backprop/core';
import { createRng, permutation } from './random.js';
import { gatherRows, rowCount } from './subset.js';
import { fail, seedOf } from './validate.js';

/**
 * Splits `ds` into disjoint `train` and `test` sets after a seeded shuffle of its rows.
 * `test` gets `round(N · testFraction)` rows, `train` the rest; both must be non-empty.
 * The same dataset, fraction and seed give the same split on every machine.
 *
 * @example
 * ```ts
 * import { moons, split } from '@backprop/datasets';
 *
 * const { train, test } = split(moons({ n: 500 }), 0.2, 1);
 * console.log(train.xShape, test.xShape); // [400, 2] [100, 2]
 * ```
 * @param testFraction - the share of rows held out for `test`, in (0, 1).
 * @param seed - any safe integer (default 0).
 * @throws ValueError when the fraction is outside (0, 1) or leaves one side empty.
 * @throws ShapeError when a shape is not a list of non-negative integers, or the dataset's arrays
 *   disagree with its shapes.
 */
export function split(ds: ArrayDataset, testFraction: number, seed = 0): { train: ArrayDataset; test: ArrayDataset } {
  const n = rowCount('split', ds);
  if (typeof testFraction !== 'number' || !(testFraction > 0 && testFraction < 1)) {
    fail('split', 'testFraction', 'a number in (0, 1)', testFraction);
  }
  seedOf('split', seed);
  const nTest = Math.round(n * testFraction);
  if (nTest < 1 || nTest > n - 1) {
    fail('split', 'testFraction', `a fraction leaving both sides non-empty for ${n} rows`, testFraction);
  }
  const order = permutation(n, createRng(seed));
  return { train: gatherRows(ds, order.subarray(nTest)), test: gatherRows(ds, order.subarray(0, nTest)) };
}
