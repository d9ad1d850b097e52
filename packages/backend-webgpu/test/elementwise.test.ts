import { UNARY_KERNELS } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { expectSame, f32, input, skipGpu } from './util.js';

const specials = [
  0,
  -0,
  1,
  -1,
  0.5,
  -2.5,
  3,
  1e-7,
  -1e-7,
  88,
  -88,
  100,
  -100,
  1e30,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
];

describe.skipIf(skipGpu)('webgpu elementwise kernels match backend-cpu', () => {
  const unary = UNARY_KERNELS;
  for (const name of unary) {
    it(`${name} on random values and specials`, async () => {
      const x = f32([3, 67], 7, -6, 6);
      await expectSame(name, [x], {}, { shape: x.shape, dtype: 'float32' }, 2e-5, 1e-6);
      // NOTE: sin and cos reduce the angle in f32 (Cody–Waite), exact only for |x| below ~2·10⁵.
      const values = name === 'sin' || name === 'cos' ? specials.filter((v) => Math.abs(v) < 1e5) : specials;
      const s = input(values, [values.length]);
      await expectSame(name, [s], {}, { shape: s.shape, dtype: 'float32' }, 2e-5, 1e-6);
    });
  }

  it('log and log1p on positive values, sin and cos up to 1000', async () => {
    const p = f32([1000], 3, 0, 50);
    await expectSame('log', [p], {}, { shape: [1000], dtype: 'float32' }, 2e-6, 0);
    const q = f32([1000], 4, -0.999, 0.01);
    await expectSame('log1p', [q], {}, { shape: [1000], dtype: 'float32' }, 2e-6, 0);
    const big = f32([1000], 5, -1000, 1000);
    await expectSame('sin', [big], {}, { shape: [1000], dtype: 'float32' }, 0, 1e-4);
    await expectSame('cos', [big], {}, { shape: [1000], dtype: 'float32' }, 0, 1e-4);
  });

  it('int32 neg and abs wrap at −2³¹', async () => {
    const x = input([0, 5, -7, 2147483647, -2147483648], [5], 'int32');
    await expectSame('neg', [x], {}, { shape: [5], dtype: 'int32' });
    await expectSame('abs', [x], {}, { shape: [5], dtype: 'int32' });
  });

  const binary = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'] as const;
  for (const name of binary) {
    it(`${name} with broadcasting`, async () => {
      const a = f32([4, 1, 5], 11, 0.1, 4);
      const b = f32([3, 1], 12, -3, 3);
      await expectSame(name, [a, b], {}, { shape: [4, 3, 5], dtype: 'float32' }, 2e-5, 1e-6);
      const s = f32([], 13);
      await expectSame(name, [a, s], {}, { shape: [4, 1, 5], dtype: 'float32' }, 2e-5, 1e-6);
      await expectSame(name, [s, a], {}, { shape: [4, 1, 5], dtype: 'float32' }, 2e-5, 1e-6);
    });
    it(`${name} on every pair of specials`, async () => {
      const n = specials.length;
      const a = input(specials, [n, 1]);
      const b = input(specials, [1, n]);
      await expectSame(name, [a, b], {}, { shape: [n, n], dtype: 'float32' }, 2e-5, 1e-6);
    });
  }

  it('pow with negative bases and integral exponents', async () => {
    const a = input([-2, -2, -2, -0.5, -3, 2, 0, 0, -0], [9]);
    const b = input([2, 3, -3, 0.5, 5, 10, -1, 0, -3], [9]);
    await expectSame('pow', [a, b], {}, { shape: [9], dtype: 'float32' }, 1e-6, 0);
  });

  it('int32 arithmetic wraps, div truncates and gives 0 on division by zero', async () => {
    const vals = [0, 1, -1, 7, -7, 2, -2, 3, 46341, 2147483647, -2147483648];
    const n = vals.length;
    const a = input(vals, [n, 1], 'int32');
    const b = input(vals, [1, n], 'int32');
    for (const name of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const) {
      await expectSame(name, [a, b], {}, { shape: [n, n], dtype: 'int32' });
    }
    const small = input([2, -3, 5, 0, 1, -1], [6, 1], 'int32');
    const exps = input([0, 1, 2, 5, -1, -2], [1, 6], 'int32');
    await expectSame('pow', [small, exps], {}, { shape: [6, 6], dtype: 'int32' });
  });

  const compares = ['equal', 'notEqual', 'greater', 'greaterEqual', 'less', 'lessEqual'] as const;
  for (const name of compares) {
    it(`${name} on floats with NaN, ints and bools`, async () => {
      const n = specials.length;
      await expectSame(name, [input(specials, [n, 1]), input(specials, [1, n])], {}, { shape: [n, n], dtype: 'bool' });
      await expectSame(
        name,
        [input([1, 2, 3], [3], 'int32'), input([2], [1], 'int32')],
        {},
        { shape: [3], dtype: 'bool' },
      );
      await expectSame(
        name,
        [input([0, 1, 0, 1], [4], 'bool'), input([0, 0, 1, 1], [4], 'bool')],
        {},
        { shape: [4], dtype: 'bool' },
      );
    });
  }

  it('where broadcasts all three operands, for every dtype', async () => {
    const c = input([1, 0, 1], [3, 1], 'bool');
    await expectSame('where', [c, f32([1, 4], 1), f32([3, 4], 2)], {}, { shape: [3, 4], dtype: 'float32' });
    await expectSame(
      'where',
      [c, input([5], [], 'int32'), input([1, 2], [1, 2], 'int32')],
      {},
      { shape: [3, 2], dtype: 'int32' },
    );
    await expectSame(
      'where',
      [c, input([1], [1], 'bool'), input([0], [1], 'bool')],
      {},
      { shape: [3, 1], dtype: 'bool' },
    );
  });

  it('cast between every pair of dtypes, saturating floats', async () => {
    const floats = input(
      [0, -0, 1.7, -1.7, 2.5e9, -2.5e9, 2147483520, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
      [10],
    );
    const ints = input([0, 1, -5, 16777217, -2147483648], [5], 'int32');
    const bools = input([0, 1, 1, 0], [4], 'bool');
    for (const to of ['float32', 'int32', 'bool'] as const) {
      for (const x of [floats, ints, bools]) await expectSame('cast', [x], {}, { shape: x.shape, dtype: to });
    }
  });

  it('fill for every dtype, and empty outputs', async () => {
    await expectSame('fill', [], { value: -2.7 }, { shape: [3, 5], dtype: 'float32' });
    await expectSame('fill', [], { value: -2.7 }, { shape: [7], dtype: 'int32' });
    await expectSame('fill', [], { value: 3 }, { shape: [2], dtype: 'bool' });
    await expectSame('fill', [], { value: Number.NaN }, { shape: [], dtype: 'float32' });
    await expectSame('exp', [f32([0, 3], 1)], {}, { shape: [0, 3], dtype: 'float32' });
  });

  it('large tensors use a 2-D grid', async () => {
    const x = f32([70000 * 256 + 3], 9);
    await expectSame('neg', [x], {}, { shape: x.shape, dtype: 'float32' });
    expect(x.values.length).toBeGreaterThan(65535 * 256);
  });
});
