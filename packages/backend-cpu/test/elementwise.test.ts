/** Kernel tests of the unary, binary, comparison and where kernels, with broadcasting and dtypes. */
import { describe, expect, it } from 'vitest';
import { backend, f32, free, run, t } from './util.js';

describe('unary kernels', () => {
  it('compute the documented functions', () => {
    const x = t([-1.5, 0, 2]);
    expect(run('neg', [x], {}, [3])).toEqual([1.5, -0, -2]);
    expect(run('abs', [x], {}, [3])).toEqual([1.5, 0, 2]);
    expect(run('exp', [x], {}, [3])).toEqual(f32([Math.exp(-1.5), 1, Math.exp(2)]));
    expect(run('floor', [x], {}, [3])).toEqual([-2, 0, 2]);
    expect(run('reciprocal', [x], {}, [3])).toEqual(f32([-1 / 1.5, Number.POSITIVE_INFINITY, 0.5]));
    expect(run('tanh', [x], {}, [3])).toEqual(f32([Math.tanh(-1.5), 0, Math.tanh(2)]));
    expect(run('sin', [x], {}, [3])).toEqual(f32([Math.sin(-1.5), 0, Math.sin(2)]));
    expect(run('cos', [x], {}, [3])).toEqual(f32([Math.cos(-1.5), 1, Math.cos(2)]));
    expect(run('sqrt', [x], {}, [3])).toEqual([Number.NaN, 0, Math.fround(Math.SQRT2)]);
    expect(run('log', [x], {}, [3])).toEqual([Number.NaN, Number.NEGATIVE_INFINITY, Math.fround(Math.LN2)]);
    free(x);
  });

  it('log1p is accurate near 0 and sigmoid never overflows', () => {
    const x = t([1e-10, -1000, 1000, 0]);
    expect(run('log1p', [x], {}, [4])[0]).toBe(Math.fround(1e-10));
    expect(run('sigmoid', [x], {}, [4])).toEqual([Math.fround(0.5 + 2.5e-11), 0, 1, 0.5]);
    const y = t([-100]);
    expect(run('sigmoid', [y], {}, [1])[0]).toBeGreaterThan(0);
    free(x, y);
  });

  it('handles int32, scalars, empty tensors and NaN', () => {
    const i = t([-2147483648, 5], [2], 'int32');
    expect(run('neg', [i], {}, [2], 'int32')).toEqual([-2147483648, -5]);
    const s = t([4], []);
    expect(run('sqrt', [s], {}, [])).toEqual([2]);
    const e = t([], [3, 0]);
    expect(run('exp', [e], {}, [3, 0])).toEqual([]);
    const n = t([Number.NaN]);
    expect(run('exp', [n], {}, [1])).toEqual([Number.NaN]);
    free(i, s, e, n);
  });
});

describe('binary kernels', () => {
  it('broadcast [2,3] with [3], [2,1] with [1,3] and scalars', () => {
    const a = t([1, 2, 3, 4, 5, 6], [2, 3]);
    const row = t([10, 20, 30], [3]);
    expect(run('add', [a, row], {}, [2, 3])).toEqual([11, 22, 33, 14, 25, 36]);
    expect(run('sub', [row, a], {}, [2, 3])).toEqual([9, 18, 27, 6, 15, 24]);
    const col = t([1, 2], [2, 1]);
    const line = t([1, 10, 100], [1, 3]);
    expect(run('mul', [col, line], {}, [2, 3])).toEqual([1, 10, 100, 2, 20, 200]);
    const s = t([2], []);
    expect(run('pow', [a, s], {}, [2, 3])).toEqual([1, 4, 9, 16, 25, 36]);
    expect(run('div', [s, a], {}, [2, 3])).toEqual(f32([2, 1, 2 / 3, 0.5, 0.4, 1 / 3]));
    expect(run('add', [s, s], {}, [])).toEqual([4]);
    free(a, row, col, line, s);
  });

  it('broadcasts across middle axes ([2,1,3] with [4,1])', () => {
    const a = t([0, 1, 2, 3, 4, 5], [2, 1, 3]);
    const b = t([0, 10, 20, 30], [4, 1]);
    const expected: number[] = [];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 4; j++) for (let k = 0; k < 3; k++) expected.push(i * 3 + k + j * 10);
    expect(run('add', [a, b], {}, [2, 4, 3])).toEqual(expected);
    const e = t([], [0, 1]);
    expect(run('add', [e, b], {}, [0, 1])).toEqual([]);
    free(a, b, e);
  });

  it('int32 wraps, truncates toward zero and divides by zero to 0', () => {
    const a = t([2147483647, -7, 7, 65536, 5], [5], 'int32');
    const b = t([1, 2, -2, 65536, 0], [5], 'int32');
    expect(run('add', [a, b], {}, [5], 'int32')).toEqual([-2147483648, -5, 5, 131072, 5]);
    expect(run('mul', [a, b], {}, [5], 'int32')).toEqual([2147483647, -14, -14, 0, 0]);
    expect(run('div', [a, b], {}, [5], 'int32')).toEqual([2147483647, -3, -3, 1, 0]);
    free(a, b);
  });

  it('int32 pow is exact and wraps, as PyTorch and NumPy', () => {
    // 3⁴⁰ mod 2³² = 689956897, whose low bits float64 Math.pow (3⁴⁰ > 2⁵³) loses; 2 to 2³⁰ is 0,
    // which needs bit 30 of the exponent.
    const bases = [3, -3, 2, 7, 0, 1, -1, 46341, 3, 2, -2, 0, 5, 7, 2, -2, 3];
    // 1073741827 = 2³⁰ + 3, 1073741824 = 2³⁰, 2147483647 = 2³¹ − 1.
    const exps = [
      40, 39, 31, 20, 0, 1000001, 1000001, 2, 1073741827, 30, 31, 5, 0, 11, 1073741824, 1073741825, 2147483647,
    ];
    const a = t(bases, [17], 'int32');
    const b = t(exps, [17], 'int32');
    // torch.tensor(bases, dtype=torch.int32) ** torch.tensor(exps, dtype=torch.int32)
    expect(run('pow', [a, b], {}, [17], 'int32')).toEqual([
      689956897, 1201670133, -2147483648, -1199696159, 1, 1, -1, -2147479015, 27, 1073741824, -2147483648, 0, 1,
      1977326743, 0, 0, -1431655765,
    ]);
    // A negative exponent (refused by core's op where it can read it): 1, ±1 by parity for −1, else 0.
    const c = t([1, -1, -1, 2, 0, -3], [6], 'int32');
    const d = t([-5, -3, -4, -1, -1, -2147483648], [6], 'int32');
    expect(run('pow', [c, d], {}, [6], 'int32')).toEqual([1, -1, 1, 0, 0, 0]);
    free(a, b, c, d);
  });

  it('maximum and minimum propagate NaN', () => {
    const a = t([Number.NaN, 1, 3]);
    const b = t([0, Number.NaN, 2]);
    expect(run('maximum', [a, b], {}, [3])).toEqual([Number.NaN, Number.NaN, 3]);
    expect(run('minimum', [a, b], {}, [3])).toEqual([Number.NaN, Number.NaN, 2]);
    free(a, b);
  });
});

describe('comparisons and where', () => {
  it('return bool 0/1 and treat NaN as unordered', () => {
    const a = t([1, 2, Number.NaN]);
    const b = t([2], []);
    const out = (name: 'equal' | 'notEqual' | 'greater' | 'greaterEqual' | 'less' | 'lessEqual') =>
      run(name, [a, b], {}, [3], 'bool');
    expect(out('equal')).toEqual([0, 1, 0]);
    expect(out('notEqual')).toEqual([1, 0, 1]);
    expect(out('greater')).toEqual([0, 0, 0]);
    expect(out('greaterEqual')).toEqual([0, 1, 0]);
    expect(out('less')).toEqual([1, 0, 0]);
    expect(out('lessEqual')).toEqual([1, 1, 0]);
    const m = t([1, 0, 1], [3], 'bool');
    const n = t([1], [], 'bool');
    expect(run('equal', [m, n], {}, [3], 'bool')).toEqual([1, 0, 1]);
    free(a, b, m, n);
  });

  it('where broadcasts cond, a and b', () => {
    const cond = t([1, 0], [2, 1], 'bool');
    const a = t([1, 2, 3], [3]);
    const b = t([-1], []);
    expect(run('where', [cond, a, b], {}, [2, 3])).toEqual([1, 2, 3, -1, -1, -1]);
    const ai = t([7], [], 'int32');
    const bi = t([8, 9], [1, 2], 'int32');
    expect(run('where', [cond, ai, bi], {}, [2, 2], 'int32')).toEqual([7, 7, 8, 9]);
    free(cond, a, b, ai, bi);
  });

  it('leaves no handles behind', () => {
    expect(backend.memory().handles).toBe(0);
  });
});
