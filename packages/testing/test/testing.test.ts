/** The helpers themselves: closeness rule and messages, backend hooks, seeded data, central differences. */
import { type Backend, Generator, getBackend, keyFromSeed, philoxUniform, type TypedArray } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { expectClose, numericGrad, seededStream, seededTensor, seededValues, useBackend } from '../src/index.js';

/** A backend that only stores values: enough for `tensor` and `dataSync`, with no kernels. */
function fakeBackend(name = 'fake'): Backend {
  let bytes = 0;
  return {
    name,
    kernels: {},
    write: (values: TypedArray) => {
      bytes += values.byteLength;
      return { values: values.slice() };
    },
    read: async (h: any) => h.values.slice(),
    readSync: (h: any) => h.values.slice(),
    dispose: () => {},
    memory: () => ({ bytes, handles: 0 }) as any,
  } as unknown as Backend;
}

describe('expectClose', () => {
  it('passes within atol + rtol·|expected| and on equal values', () => {
    expectClose([1 + 1e-5, 2, -3], [1, 2, -3]);
    expectClose([100.5], [100], { rtol: 0.005, atol: 0 });
    expectClose([0.5], [0], { rtol: 0, atol: 0.5 });
    expectClose([Infinity, -Infinity, -0], [Infinity, -Infinity, 0], { rtol: 0, atol: 0 });
    expectClose(new Float32Array([0.1]), [0.1], { rtol: 1e-7, atol: 0 });
  });

  it('fails beyond the tolerance, naming the first bad index, both values and the tolerance', () => {
    expect(() => expectClose([1, 2, 3.5, 9], [1, 2, 3, 4])).toThrow(/index 2: got 3\.5, expected 3/);
    expect(() => expectClose([1 + 2e-5], [1])).toThrow(/atol 0\.000001 \+ rtol 0\.00001/);
    expect(() => expectClose([1.2], [1], { rtol: 0.1, atol: 0.05 })).toThrow(
      /atol 0\.05 \+ rtol 0\.1·\|expected\| = 0\.15/,
    );
    expect(() => expectClose([Infinity], [1e308])).toThrow(/index 0/);
  });

  it('matches NaN only with NaN, in both directions', () => {
    expectClose([Number.NaN, 1], [Number.NaN, 1]);
    expect(() => expectClose([1], [Number.NaN], { atol: Infinity })).toThrow(/NaN matches only NaN/);
    expect(() => expectClose([Number.NaN], [1], { atol: Infinity })).toThrow(/index 0: got NaN, expected 1/);
  });

  it('fails on different lengths', () => {
    expect(() => expectClose([1, 2], [1, 2, 3])).toThrow(/lengths differ: got 2 values, expected 3/);
  });
});

describe('useBackend', () => {
  it('returns a hook that sets a fresh backend from create on every run', async () => {
    const made: Backend[] = [];
    const hook = useBackend(() => {
      const b = fakeBackend(`fake${made.length}`);
      made.push(b);
      return b;
    });
    expect(made).toHaveLength(0);
    await expect(hook()).resolves.toBeUndefined();
    expect(getBackend()).toBe(made[0]);
    await hook();
    expect(made).toHaveLength(2);
    expect(getBackend()).toBe(made[1]);
  });

  it('accepts a create that resolves to a backend', async () => {
    const b = fakeBackend('async');
    await useBackend(async () => b)();
    expect(getBackend()).toBe(b);
  });
});

describe('seeded data', () => {
  it('seededValues is the Philox stream of the seed scaled to [low, high)', () => {
    const u = philoxUniform(keyFromSeed(7), 0, 10);
    expect(seededValues(10, 7, { low: 0, high: 1 })).toEqual(u);
    const v = seededValues(10, 7);
    expect(v).toBeInstanceOf(Float32Array);
    expect(Array.from(v)).toEqual(Array.from(u, (x) => Math.fround(-1 + 2 * x)));
    const w = seededValues(1000, 3, { low: 2, high: 5 });
    expect(Math.min(...w)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...w)).toBeLessThan(5);
  });

  it('is reproducible, extends a shorter draw, and differs between seeds', () => {
    expect(seededValues(16, 1)).toEqual(seededValues(16, 1));
    expect(seededValues(16, 1).subarray(0, 5)).toEqual(seededValues(5, 1));
    expect(seededValues(16, 1)).not.toEqual(seededValues(16, 2));
    expect(seededValues(0, 1)).toHaveLength(0);
  });

  it('rejects bad arguments', () => {
    expect(() => seededValues(-1, 1)).toThrow(RangeError);
    expect(() => seededValues(2.5, 1)).toThrow(RangeError);
    expect(() => seededValues(3, -1)).toThrow(RangeError);
    expect(() => seededValues(3, 1, { low: 1, high: 1 })).toThrow(RangeError);
  });

  it('seededTensor holds seededValues in the shape', async () => {
    await useBackend(() => fakeBackend())();
    const t = seededTensor([2, 3], 5, { low: 0, high: 10 });
    expect(t.shape).toEqual([2, 3]);
    expect(t.dataSync()).toEqual(seededValues(6, 5, { low: 0, high: 10 }));
  });

  it('seededStream draws what a core Generator drawing one value at a time draws', () => {
    const r = seededStream(11);
    const g = new Generator(11);
    for (let i = 0; i < 20; i++) {
      const { key, offset } = g.next(1);
      expect(r()).toBe(philoxUniform(key, offset, 1)[0]);
    }
    const again = seededStream(11);
    expect(again()).toBe(seededStream(11)());
  });
});

describe('numericGrad', () => {
  it('gives the gradient of a smooth float64 function by central differences', () => {
    const x = [0.5, -1.25, 2];
    const g = numericGrad((v) => v[0] ** 2 + 3 * v[1] + v[0] * v[2], x, { eps: 1e-4, float32: false });
    expectClose(g, [2 * 0.5 + 2, 3, 0.5], { rtol: 1e-8, atol: 1e-8 });
  });

  it('divides by the step as float32 rounds it, by default', () => {
    // f sees x through float32: Σ fround(vᵢ) has slope exactly 1 against the float32 step.
    const x = [0.1, 1.7, -3.3];
    const f = (v: Float64Array) => v.reduce((s, vi) => s + Math.fround(vi), 0);
    expect(numericGrad(f, x)).toEqual([1, 1, 1]);
    expect(numericGrad(f, x, { float32: false })).not.toEqual([1, 1, 1]);
  });

  it('gives f a fresh copy with one element moved by ±eps, and defaults eps to 1e-2', () => {
    const seen: number[][] = [];
    numericGrad(
      (v) => {
        seen.push(Array.from(v));
        v[0] = 99;
        return 0;
      },
      [1, 2],
    );
    expect(seen).toEqual([
      [1.01, 2],
      [0.99, 2],
      [1, 2.01],
      [1, 1.99],
    ]);
    expect(() => numericGrad(() => 0, [1], { eps: 0 })).toThrow(RangeError);
  });
});
