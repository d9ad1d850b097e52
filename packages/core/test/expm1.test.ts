/** expm1: eˣ − 1 accurate near 0 (Kahan's trick), its gradient eˣ, and typed errors for what it cannot take. */
import { DTypeError, expm1, grad, liveTensorCount, sum, tensor, ValueError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { useCpu } from './setup.js';

useCpu();

describe('expm1', () => {
  it('matches Math.expm1 to float32 accuracy, near 0 and far from it', async () => {
    // 85 to 88.7: (eˣ − 1)·x overflowed float32 there (∞, and NaN from 88.8 and at +∞).
    const xs = [
      -100,
      -20,
      -1,
      -0.5,
      -1e-4,
      -1e-6,
      -1e-8,
      0,
      1e-8,
      1e-6,
      1e-3,
      0.3,
      0.69,
      0.7,
      1,
      1.1,
      10,
      85,
      86,
      88,
      88.7,
      88.8,
      100,
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
    ];
    const got = await expm1(tensor(xs)).data();
    xs.forEach((x, i) => {
      const want = Math.fround(Math.expm1(Math.fround(x)));
      if (want === 0 || !Number.isFinite(want)) expect(got[i]).toBe(want);
      else expect(Math.abs(got[i] - want) / Math.abs(want)).toBeLessThan(3e-7);
    });
    expect(Number.isNaN((await expm1(tensor([Number.NaN])).data())[0])).toBe(true);
  });

  it('has the gradient eˣ', async () => {
    const xs = [-2, -1e-6, 0, 0.5];
    const [g] = grad((x) => sum(expm1(x)))(tensor(xs));
    const got = await g.data();
    xs.forEach((x, i) => expect(got[i]).toBeCloseTo(Math.exp(x), 6));
  });

  it('refuses int32 and non-tensors with typed errors naming expm1, leaking nothing', () => {
    const before = liveTensorCount();
    const ints = tensor([1, 2], [2], 'int32');
    expect(() => expm1(ints)).toThrow(DTypeError);
    expect(() => expm1(ints)).toThrow(/expm1/);
    expect(() => expm1('x' as never)).toThrow(ValueError);
    ints.dispose();
    expect(liveTensorCount()).toBe(before);
  });
});
