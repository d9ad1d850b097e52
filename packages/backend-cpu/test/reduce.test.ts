/** Kernel tests of sum, max, min, argmax and argmin. */
import { describe, expect, it } from 'vitest';
import { backend, free, run, t } from './util.js';

describe('reductions', () => {
  const x = () => t([1, 5, 2, 7, 3, 4], [2, 3]);

  it('sum over each axis, all axes and none', () => {
    const a = x();
    expect(run('sum', [a], { axes: [0] }, [3])).toEqual([8, 8, 6]);
    expect(run('sum', [a], { axes: [1] }, [2])).toEqual([8, 14]);
    expect(run('sum', [a], { axes: [0, 1] }, [])).toEqual([22]);
    expect(run('sum', [a], { axes: [] }, [2, 3])).toEqual([1, 5, 2, 7, 3, 4]);
    free(a);
  });

  it('sum over the middle axis of a rank-3 tensor, and int32', () => {
    const a = t([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [2, 3, 2]);
    expect(run('sum', [a], { axes: [1] }, [2, 2])).toEqual([6, 9, 24, 27]);
    expect(run('max', [a], { axes: [0, 2] }, [3])).toEqual([7, 9, 11]);
    const i = t([2147483647, 1, 1], [3], 'int32');
    expect(run('sum', [i], { axes: [0] }, [], 'int32')).toEqual([-2147483647]);
    free(a, i);
  });

  it('int32 sums are exact modulo 2³² past 2⁵³ (a float64 running sum lost the low bits)', () => {
    // 4,200,001 terms of 2³¹ − 1 then one 1: the running sum passes 2⁵³ before the 1 arrives.
    const n = 4_200_002;
    const values = new Array<number>(n).fill(2147483647);
    values[n - 1] = 1;
    const i = t(values, [n], 'int32');
    const exact = Number(BigInt.asIntN(32, BigInt(n - 1) * 2147483647n + 1n));
    expect(run('sum', [i], { axes: [0] }, [], 'int32')).toEqual([exact]);
    free(i);
  });

  it('empty axes give the identity; scalars reduce to themselves', () => {
    const e = t([], [2, 0]);
    expect(run('sum', [e], { axes: [1] }, [2])).toEqual([0, 0]);
    expect(run('max', [e], { axes: [1] }, [2])).toEqual([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(run('min', [e], { axes: [1] }, [2])).toEqual([Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY]);
    expect(run('sum', [e], { axes: [0] }, [0])).toEqual([]);
    const s = t([3], []);
    expect(run('sum', [s], { axes: [] }, [])).toEqual([3]);
    free(e, s);
  });

  it('max and min propagate NaN', () => {
    const a = t([1, Number.NaN, 3, 4], [2, 2]);
    expect(run('max', [a], { axes: [1] }, [2])).toEqual([Number.NaN, 4]);
    expect(run('min', [a], { axes: [0] }, [2])).toEqual([1, Number.NaN]);
    free(a);
  });

  it('argmax and argmin give the first extreme, NaN first of all', () => {
    const a = t([1, 7, 7, 0, 0, 1, 2, Number.NaN, 5, Number.NaN, 0, 9], [3, 4]);
    expect(run('argmax', [a], { axis: 1 }, [3], 'int32')).toEqual([1, 3, 1]);
    expect(run('argmin', [a], { axis: 1 }, [3], 'int32')).toEqual([3, 3, 1]);
    expect(run('argmax', [a], { axis: 0 }, [4], 'int32')).toEqual([2, 2, 0, 1]);
    const s = t([5], [1]);
    expect(run('argmin', [s], { axis: 0 }, [], 'int32')).toEqual([0]);
    free(a, s);
  });

  it('leaves no handles behind', () => {
    expect(backend.memory().handles).toBe(0);
  });
});
