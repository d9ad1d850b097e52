/** Tests of the synthetic sets: shapes, dtypes, geometry without noise, determinism and argument errors. */
import type { ArrayDataset } from '@backprop/core';
import { ValueError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { circles, moons, regressionCurve, spirals, xor } from '../src/index.js';

function expectClassification(ds: ArrayDataset, n: number, classes: number): void {
  expect(ds.x).toBeInstanceOf(Float32Array);
  expect(ds.y).toBeInstanceOf(Int32Array);
  expect(ds.xShape).toEqual([n, 2]);
  expect(ds.yShape).toEqual([n]);
  expect(ds.x.length).toBe(2 * n);
  const counts = new Array(classes).fill(0);
  for (const label of ds.y) counts[label]++;
  expect(counts.reduce((a, b) => a + b, 0)).toBe(n);
  for (const c of counts) expect(Math.abs(c - n / classes)).toBeLessThanOrEqual(1);
}

const radius = (ds: ArrayDataset, i: number): number => Math.hypot(ds.x[2 * i], ds.x[2 * i + 1]);

const generators = {
  xor: (o: { n?: number; noise?: number; seed?: number }) => xor(o),
  circles: (o: { n?: number; noise?: number; seed?: number }) => circles(o),
  moons: (o: { n?: number; noise?: number; seed?: number }) => moons(o),
  spirals: (o: { n?: number; noise?: number; seed?: number }) => spirals(o),
  regressionCurve: (o: { n?: number; noise?: number; seed?: number }) => regressionCurve(o),
};

describe('xor', () => {
  it('labels points by the sign rule when noise is 0', () => {
    const ds = xor({ n: 400, noise: 0, seed: 1 });
    expect(ds.xShape).toEqual([400, 2]);
    expect(ds.y).toBeInstanceOf(Int32Array);
    for (let i = 0; i < 400; i++) {
      const [a, b] = [ds.x[2 * i], ds.x[2 * i + 1]];
      expect(Math.abs(a)).toBeLessThanOrEqual(1);
      expect(Math.abs(b)).toBeLessThanOrEqual(1);
      expect(ds.y[i]).toBe(a > 0 !== b > 0 ? 1 : 0);
    }
    const ones = Array.from(ds.y).reduce((s, v) => s + v, 0);
    expect(ones).toBeGreaterThan(150);
    expect(ones).toBeLessThan(250);
  });
});

describe('circles', () => {
  it('puts label 0 on the unit circle and label 1 on the circle of radius factor', () => {
    const ds = circles({ n: 301, factor: 0.3, seed: 2 });
    expectClassification(ds, 301, 2);
    for (let i = 0; i < 301; i++) expect(radius(ds, i)).toBeCloseTo(ds.y[i] === 0 ? 1 : 0.3, 5);
  });

  it('keeps the mean radius near factor with noise', () => {
    const ds = circles({ n: 2000, factor: 0.5, noise: 0.05, seed: 3 });
    let inner = 0;
    let count = 0;
    for (let i = 0; i < 2000; i++) {
      if (ds.y[i] === 1) {
        inner += radius(ds, i);
        count++;
      }
    }
    expect(inner / count).toBeCloseTo(0.5, 1);
  });

  it('rejects factor outside [0, 1)', () => {
    expect(() => circles({ factor: 1 })).toThrow(/circles: factor must be a number in \[0, 1\), got 1/);
    expect(() => circles({ factor: -0.1 })).toThrow(ValueError);
  });
});

describe('moons', () => {
  it('places each moon on its half circle when noise is 0', () => {
    const ds = moons({ n: 200, seed: 4 });
    expectClassification(ds, 200, 2);
    for (let i = 0; i < 200; i++) {
      const [a, b] = [ds.x[2 * i], ds.x[2 * i + 1]];
      if (ds.y[i] === 0) {
        expect(Math.hypot(a, b)).toBeCloseTo(1, 5);
        expect(b).toBeGreaterThanOrEqual(-1e-6);
      } else {
        expect(Math.hypot(a - 1, b - 0.5)).toBeCloseTo(1, 5);
        expect(b).toBeLessThanOrEqual(0.5 + 1e-6);
      }
    }
  });
});

describe('spirals', () => {
  it('puts arm k at angle 2πk/classes + 2π·r when noise is 0', () => {
    const classes = 3;
    const ds = spirals({ n: 301, classes, seed: 5 });
    expectClassification(ds, 301, classes);
    for (let i = 0; i < 301; i++) {
      const r = radius(ds, i);
      expect(r).toBeGreaterThan(0);
      expect(r).toBeLessThan(1);
      const offset = Math.atan2(ds.x[2 * i + 1], ds.x[2 * i]) - 2 * Math.PI * r - (2 * Math.PI * ds.y[i]) / classes;
      // The offset is a multiple of 2π.
      expect(Math.abs(Math.sin(offset / 2))).toBeLessThan(1e-5);
    }
  });

  it('rejects fewer than two classes or fewer points than classes', () => {
    expect(() => spirals({ classes: 1 })).toThrow(/spirals: classes must be an integer ≥ 2, got 1/);
    expect(() => spirals({ n: 2, classes: 3 })).toThrow(/spirals: n must be at least classes \(3\), got 2/);
    expect(() => spirals({ turns: 0 })).toThrow(ValueError);
  });
});

describe('regressionCurve', () => {
  it('gives x [N,1] in [0,1) and y = sin(2πx) without noise', () => {
    const ds = regressionCurve({ n: 100, noise: 0, seed: 6 });
    expect(ds.xShape).toEqual([100, 1]);
    expect(ds.yShape).toEqual([100, 1]);
    expect(ds.y).toBeInstanceOf(Float32Array);
    for (let i = 0; i < 100; i++) {
      expect(ds.x[i]).toBeGreaterThanOrEqual(0);
      expect(ds.x[i]).toBeLessThan(1);
      expect(ds.y[i]).toBeCloseTo(Math.sin(2 * Math.PI * ds.x[i]), 5);
    }
  });

  it('uses a custom fn and adds noise of the requested size', () => {
    const ds = regressionCurve({ n: 4000, noise: 0.2, seed: 7, fn: (x) => 3 * x });
    let sq = 0;
    for (let i = 0; i < 4000; i++) sq += (ds.y[i] - 3 * ds.x[i]) ** 2;
    expect(Math.sqrt(sq / 4000)).toBeCloseTo(0.2, 1);
  });

  it('rejects a fn that returns a non-finite value', () => {
    expect(() => regressionCurve({ fn: () => Number.NaN })).toThrow(/regressionCurve: fn must return a finite number/);
    expect(() => regressionCurve({ fn: 3 as unknown as (x: number) => number })).toThrow(ValueError);
  });
});

describe.each(Object.entries(generators))('%s', (name, make) => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = make({ n: 50, noise: 0.1, seed: 11 });
    const b = make({ n: 50, noise: 0.1, seed: 11 });
    const c = make({ n: 50, noise: 0.1, seed: 12 });
    expect(a.x).toEqual(b.x);
    expect(a.y).toEqual(b.y);
    expect(a.x).not.toEqual(c.x);
  });

  it('has finite values and works for n = 1 or 2', () => {
    for (const n of [name === 'spirals' ? 2 : 1, 2, 7]) {
      const ds = make({ n, noise: 0.1, seed: 0 });
      expect(ds.xShape[0]).toBe(n);
      expect(ds.x.every(Number.isFinite)).toBe(true);
      expect(ds.y.every(Number.isFinite)).toBe(true);
    }
  });

  it('rejects bad n, noise and seed with ValueError naming the function', () => {
    for (const bad of [0, -3, 2.5, Number.NaN]) {
      expect(() => make({ n: bad })).toThrow(ValueError);
      expect(() => make({ n: bad })).toThrow(new RegExp(`^${name}: n must be a positive integer, got`));
    }
    expect(() => make({ noise: -0.1 })).toThrow(new RegExp(`^${name}: noise must be a finite number ≥ 0, got -0.1`));
    expect(() => make({ noise: Number.POSITIVE_INFINITY })).toThrow(ValueError);
    expect(() => make({ seed: 0.5 })).toThrow(new RegExp(`^${name}: seed must be a safe integer, got 0.5`));
  });
});

describe('unknown options', () => {
  it("the generators refuse options they do not have (scikit-learn's n_samples, random_state named)", () => {
    expect(() => moons({ n_samples: 100 } as never)).toThrow(
      /^moons: unknown option 'n_samples' \(did you mean n\?\); the options are n, noise, seed$/,
    );
    expect(() => circles({ random_state: 1 } as never)).toThrow(
      /^circles: unknown option 'random_state' \(did you mean seed\?\)/,
    );
    expect(() => spirals({ arms: 3 } as never)).toThrow(
      /^spirals: unknown option 'arms'; the options are n, noise, seed, classes, turns$/,
    );
    expect(circles({ n: 10, factor: 0.3 }).xShape).toEqual([10, 2]);
  });
});
