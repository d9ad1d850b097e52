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

  it('rejects fractions outside (0, 1) or leaving a side empty', () => {
    const ds = indexed(10);
    expect(() => split(ds, 0)).toThrow(/split: testFraction must be a number in \(0, 1\), got 0/);
    expect(() => split(ds, 1)).toThrow(ValueError);
    expect(() => split(ds, 0.01)).toThrow(/leaving both sides non-empty for 10 rows, got 0.01/);
    expect(() => split(ds, 0.5, 1.5)).toThrow(/split: seed must be a safe integer, got 1.5/);
  });
});
