/** Kernel tests of gather, scatterAdd, slice, concat, transpose, broadcastTo, pad, cast and fill. */
import { describe, expect, it } from 'vitest';
import { backend, free, run, t } from './util.js';

describe('indexing kernels', () => {
  it('gather along axis 0 and 1, with index shapes and bool data', () => {
    const x = t([0, 1, 2, 3, 4, 5], [3, 2]);
    const i = t([2, 0, 2, 1], [2, 2], 'int32');
    expect(run('gather', [x, i], { axis: 0 }, [2, 2, 2])).toEqual([4, 5, 0, 1, 4, 5, 2, 3]);
    const j = t([1, 1, 0], [3], 'int32');
    expect(run('gather', [x, j], { axis: 1 }, [3, 3])).toEqual([1, 1, 0, 3, 3, 2, 5, 5, 4]);
    const m = t([1, 0, 1], [3], 'bool');
    const k = t([1], [], 'int32');
    expect(run('gather', [m, k], { axis: 0 }, [], 'bool')).toEqual([0]);
    const bad = t([-1, 3], [2], 'int32');
    expect(run('gather', [x, bad], { axis: 0 }, [2, 2])).toEqual([0, 0, 0, 0]);
    free(x, i, j, m, k, bad);
  });

  it('scatterAdd is the adjoint of gather and adds repeated indices', () => {
    const u = t([1, 2, 3, 4, 5, 6], [3, 2]);
    const i = t([2, 0, 2], [3], 'int32');
    expect(run('scatterAdd', [u, i], { axis: 0 }, [4, 2])).toEqual([3, 4, 0, 0, 6, 8, 0, 0]);
    const v = t([1, 2, 3, 4], [2, 2]);
    const j = t([0, 0], [2], 'int32');
    expect(run('scatterAdd', [v, j], { axis: 1 }, [2, 3])).toEqual([3, 0, 0, 7, 0, 0]);
    const ui = t([5, 6], [2], 'int32');
    const l = t([1, 1], [2], 'int32');
    expect(run('scatterAdd', [ui, l], { axis: 0 }, [3], 'int32')).toEqual([0, 11, 0]);
    free(u, i, v, j, ui, l);
  });
});

describe('layout kernels', () => {
  const x = () => t([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [2, 3, 2]);

  it('slice a box, an empty box and a scalar', () => {
    const a = x();
    expect(run('slice', [a], { begin: [1, 1, 0] }, [1, 2, 2])).toEqual([8, 9, 10, 11]);
    expect(run('slice', [a], { begin: [0, 0, 1] }, [2, 3, 1])).toEqual([1, 3, 5, 7, 9, 11]);
    expect(run('slice', [a], { begin: [0, 2, 0] }, [2, 0, 2])).toEqual([]);
    const s = t([4], []);
    expect(run('slice', [s], { begin: [] }, [])).toEqual([4]);
    free(a, s);
  });

  it('concat along the first, middle and last axis, with empty inputs', () => {
    const a = t([1, 2, 3, 4], [2, 2]);
    const b = t([5, 6], [1, 2]);
    const c = t([7, 8], [2, 1]);
    const e = t([], [2, 0]);
    expect(run('concat', [a, b], { axis: 0 }, [3, 2])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(run('concat', [a, e, c], { axis: 1 }, [2, 3])).toEqual([1, 2, 7, 3, 4, 8]);
    const m = t([1, 0], [2], 'bool');
    expect(run('concat', [m, m], { axis: 0 }, [4], 'bool')).toEqual([1, 0, 1, 0]);
    free(a, b, c, e, m);
  });

  it('transpose by any permutation', () => {
    const a = x();
    expect(run('transpose', [a], { perm: [2, 0, 1] }, [2, 2, 3])).toEqual([0, 2, 4, 6, 8, 10, 1, 3, 5, 7, 9, 11]);
    expect(run('transpose', [a], { perm: [1, 0, 2] }, [3, 2, 2])).toEqual([0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11]);
    const s = t([3], []);
    expect(run('transpose', [s], { perm: [] }, [])).toEqual([3]);
    free(a, s);
  });

  it('broadcastTo stretches size-1 and missing axes', () => {
    const a = t([1, 2], [2, 1]);
    expect(run('broadcastTo', [a], {}, [3, 2, 2])).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2]);
    const s = t([7], [], 'int32');
    expect(run('broadcastTo', [s], {}, [3], 'int32')).toEqual([7, 7, 7]);
    expect(run('broadcastTo', [s], {}, [0, 2], 'int32')).toEqual([]);
    free(a, s);
  });

  it('pad with a value on each side', () => {
    const a = t([1, 2, 3, 4], [2, 2]);
    expect(
      run(
        'pad',
        [a],
        {
          paddings: [
            [1, 0],
            [0, 2],
          ],
          value: -1,
        },
        [3, 4],
      ),
    ).toEqual([-1, -1, -1, -1, 1, 2, -1, -1, 3, 4, -1, -1]);
    const e = t([], [0]);
    expect(run('pad', [e], { paddings: [[1, 1]], value: 5 }, [2])).toEqual([5, 5]);
    const m = t([1], [1], 'bool');
    expect(run('pad', [m], { paddings: [[0, 1]], value: 0 }, [2], 'bool')).toEqual([1, 0]);
    free(a, e, m);
  });
});

describe('cast and fill', () => {
  it('cast truncates toward zero, maps NaN to 0 and x ≠ 0 to true', () => {
    const a = t([1.9, -1.9, Number.NaN, 0, -0.5, 3e9, Number.NEGATIVE_INFINITY]);
    expect(run('cast', [a], {}, [7], 'int32')).toEqual([1, -1, 0, 0, 0, 2147483647, -2147483648]);
    expect(run('cast', [a], {}, [7], 'bool')).toEqual([1, 1, 1, 0, 1, 1, 1]);
    const m = t([1, 0], [2], 'bool');
    expect(run('cast', [m], {}, [2], 'float32')).toEqual([1, 0]);
    expect(run('cast', [m], {}, [2], 'int32')).toEqual([1, 0]);
    const i = t([-3, 16777217], [2], 'int32');
    expect(run('cast', [i], {}, [2], 'float32')).toEqual([-3, 16777216]);
    expect(run('cast', [i], {}, [2], 'bool')).toEqual([1, 1]);
    free(a, m, i);
  });

  it('fill any dtype and shape', () => {
    expect(run('fill', [], { value: 2.5 }, [2, 2])).toEqual([2.5, 2.5, 2.5, 2.5]);
    expect(run('fill', [], { value: -2.5 }, [2], 'int32')).toEqual([-2, -2]);
    expect(run('fill', [], { value: 3 }, [], 'bool')).toEqual([1]);
    expect(run('fill', [], { value: 1 }, [0, 3])).toEqual([]);
  });

  it('leaves no handles behind', () => {
    expect(backend.memory().handles).toBe(0);
  });
});
