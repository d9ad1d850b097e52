/** Tests of split and subset: sizes, determinism, disjointness, dtype preservation and errors. */
import type { ArrayDataset } from '@backprop/core';
import { ShapeError, ValueError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { split, subset } from '../src/index.js';

/** Row i has x = [i, -i, 0.5 i] and y = i, so every row is identifiable. */
function indexed(n: number, yFloat = false): ArrayDataset {
  const x = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) x.set([i, -i, 0.5 * i], 3 * i);
  const y = yFloat ? Float32Array.from({ length: 2 * n }, (_, k) => k) : Int32Array.from({ length: n }, (_, i) => i);
  return { x, xShape: [n, 3], y, yShape: yFloat ? [n, 2] : [n] };
}

describe('subset', () => {
  it('copies the chosen rows in order, keeping dtypes and trailing shapes', () => {
    const ds = indexed(10, true);
    const s = subset(ds, [7, 2, 7]);
    expect(s.xShape).toEqual([3, 3]);
    expect(s.yShape).toEqual([3, 2]);
    expect(s.y).toBeInstanceOf(Float32Array);
    expect(Array.from(s.x)).toEqual([7, -7, 3.5, 2, -2, 1, 7, -7, 3.5]);
    expect(Array.from(s.y)).toEqual([14, 15, 4, 5, 14, 15]);
    s.x[0] = 99;
    expect(ds.x[21]).toBe(7);
    expect(subset(ds, new Int32Array(0)).xShape).toEqual([0, 3]);
  });

  it('rejects out-of-range indices and inconsistent datasets', () => {
    const ds = indexed(4);
    expect(() => subset(ds, [4])).toThrow(/subset: indices\[0\] must be an integer in \[0, 4\), got 4/);
    expect(() => subset(ds, [0, 1.5])).toThrow(ValueError);
    expect(() => subset({ ...ds, yShape: [5] }, [0])).toThrow(ShapeError);
    expect(() => subset({ ...ds, xShape: [4, 2] }, [0])).toThrow(ShapeError);
  });
});

describe('shape checks of subset and split', () => {
  it('refuse a dataset without xShape, or with shapes that are not lists of non-negative integers (TypeError, or rows of garbage, before)', () => {
    const ds = indexed(4);
    const noShape = { x: ds.x, y: ds.y, yShape: ds.yShape } as unknown as ArrayDataset;
    expect(() => subset(noShape, [0])).toThrow(ShapeError);
    expect(() => subset(noShape, [0])).toThrow(
      /^subset: ds\.xShape must be a list of non-negative integers, got undefined$/,
    );
    expect(() => split(noShape, 0.5)).toThrow(
      /^split: ds\.xShape must be a list of non-negative integers, got undefined$/,
    );
    // xShape [2.5, 2] fills 5 values: index 2 passed "< 2.5" and copied rows that do not exist.
    const half = { x: new Float32Array(5), xShape: [2.5, 2], y: new Float32Array(5), yShape: [2.5, 2] };
    expect(() => subset(half, [0, 1, 2])).toThrow(
      /^subset: ds\.xShape must be a list of non-negative integers, got \[2\.5,2\]$/,
    );
    expect(() => split({ ...ds, yShape: [4, -1] }, 0.5)).toThrow(
      /^split: ds\.yShape must be a list of non-negative integers, got \[4,-1\]$/,
    );
    expect(() => subset({ ...ds, yShape: '4' as never }, [0])).toThrow(
      /ds\.yShape must be a list of non-negative integers, got "4"/,
    );
    // A dataset that is not one is named briefly, never printed whole.
    expect(() => split({ ...ds, x: Array.from(ds.x) as never }, 0.5)).toThrow(
      /^split: ds must be an ArrayDataset with a Float32Array x, got x: an Array of 12$/,
    );
    expect(() => subset({ ...ds, y: Array.from(ds.y) as never }, [0])).toThrow(
      /^subset: ds\.y must be a Float32Array or Int32Array, got an Array of 4$/,
    );
  });
});

describe('split', () => {
  it('gives disjoint sets covering every row once, with the test share rounded', () => {
    const { train, test } = split(indexed(101), 0.2, 5);
    expect(test.xShape).toEqual([20, 3]);
    expect(train.xShape).toEqual([81, 3]);
    expect(train.y).toBeInstanceOf(Int32Array);
    const all = [...train.y, ...test.y].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 101 }, (_, i) => i));
    for (let i = 0; i < 20; i++) expect(test.x[3 * i]).toBe(test.y[i]);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const ds = indexed(50);
    expect(split(ds, 0.3, 1).test.y).toEqual(split(ds, 0.3, 1).test.y);
    expect(split(ds, 0.3, 1).test.y).not.toEqual(split(ds, 0.3, 2).test.y);
    expect(split(ds, 0.3).test.y).toEqual(split(ds, 0.3, 0).test.y);
  });

  it('negative and large seeds give splits of their own (−1 gave seed 0’s, 2³² seed 1’s), and seeds in [0, 2³²) keep theirs', () => {
    const ds = indexed(50);
    const testRows = (seed: number) => Array.from(split(ds, 0.2, seed).test.y).join(',');
    const seeds = [
      0,
      1,
      2,
      -1,
      -2,
      2 ** 32,
      2 ** 32 + 1,
      2 ** 40 + 5,
      Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER,
    ];
    const rows = seeds.map(testRows);
    expect(new Set(rows).size).toBe(seeds.length);
    // Unchanged where the seed fits 32 bits (splits and experiments recorded with them still hold).
    expect(rows[0]).toBe('45,48,1,11,46,28,41,33,31,8');
    expect(rows[1]).toBe('49,9,37,44,13,33,17,23,36,28');
    expect(testRows(4294967295)).toBe('12,42,22,26,0,5,39,20,14,23');
  });

  it('rejects fractions outside (0, 1) or leaving a side empty', () => {
    const ds = indexed(10);
    expect(() => split(ds, 0)).toThrow(/split: testFraction must be a number in \(0, 1\), got 0/);
    expect(() => split(ds, 1)).toThrow(ValueError);
    expect(() => split(ds, 0.01)).toThrow(/leaving both sides non-empty for 10 rows, got 0.01/);
    expect(() => split(ds, 0.5, 1.5)).toThrow(/split: seed must be a safe integer, got 1.5/);
  });
});
