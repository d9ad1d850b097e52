/** Kernel tests of matmul (all transpose cases, odd sizes, broadcast batches, int32) and the fused dense kernel. */
import { expectClose } from '@backprop/testing';
import { describe, expect, it } from 'vitest';
import { backend, f32, free, run, t } from './util.js';

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): number[] {
  return Array.from({ length: n }, (_, i) => (((i * 7919 + seed * 104729) % 1000) - 500) / 500);
}

/** The naive triple loop over logical A [M,K] and B [K,N] read through the transpose flags. */
function naive(a: number[], b: number[], m: number, n: number, k: number, ta: boolean, tb: boolean): number[] {
  const y: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) s += a[ta ? q * m + i : i * k + q] * b[tb ? j * k + q : q * n + j];
      y.push(s);
    }
  }
  return y;
}

describe('matmul', () => {
  const sizes: [number, number, number][] = [
    [7, 13, 5],
    [33, 65, 17],
    [1, 1, 1],
    [4, 4, 4],
    [9, 3, 40],
    // Depth past one packed block, cut into equal blocks (3 × 344), with a tail of steps that is not a multiple
    // of 4 (the transposed-B packing's 4-step transposes); full 4-row and 8-column panels.
    [37, 1031, 24],
    // Large enough to split across threads.
    [130, 600, 72],
  ];
  for (const [m, k, n] of sizes) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        it(`${m}x${k}x${n} transposeA=${ta} transposeB=${tb}`, () => {
          const av = f32(values(m * k, 1));
          const bv = f32(values(k * n, 2));
          const a = t(av, ta ? [k, m] : [m, k]);
          const b = t(bv, tb ? [n, k] : [k, n]);
          expectClose(
            run('matmul', [a, b], { transposeA: ta, transposeB: tb }, [m, n]),
            naive(av, bv, m, n, k, ta, tb),
            { atol: 1e-5 * Math.max(1, k / 64) },
          );
          free(a, b);
        });
      }
    }
  }

  it('broadcasts batch axes: a [2,1,3,4] · b [3,4,5] → [2,3,3,5]', () => {
    const av = f32(values(2 * 3 * 4, 3));
    const bv = f32(values(3 * 4 * 5, 4));
    const a = t(av, [2, 1, 3, 4]);
    const b = t(bv, [3, 4, 5]);
    const expected: number[] = [];
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++)
        expected.push(...naive(av.slice(i * 12, i * 12 + 12), bv.slice(j * 20, j * 20 + 20), 3, 5, 4, false, false));
    }
    expectClose(run('matmul', [a, b], { transposeA: false, transposeB: false }, [2, 3, 3, 5]), expected, {
      atol: 1e-5,
    });
    free(a, b);
  });

  it('batched with transposes and a shared b: a [3,5,6]ᵀ · b [7,5]ᵀ', () => {
    const av = f32(values(3 * 5 * 6, 5));
    const bv = f32(values(7 * 5, 6));
    const a = t(av, [3, 5, 6]);
    const b = t(bv, [7, 5]);
    const expected: number[] = [];
    for (let i = 0; i < 3; i++) expected.push(...naive(av.slice(i * 30, i * 30 + 30), bv, 6, 7, 5, true, true));
    expectClose(run('matmul', [a, b], { transposeA: true, transposeB: true }, [3, 6, 7]), expected, { atol: 1e-5 });
    free(a, b);
  });

  it('int32 wraps; K = 0 gives zeros; empty outputs work', () => {
    const a = t([65536, 2, 3, 4], [2, 2], 'int32');
    const b = t([65536, 0, 1, 1], [2, 2], 'int32');
    expect(run('matmul', [a, b], { transposeA: false, transposeB: false }, [2, 2], 'int32')).toEqual([2, 2, 196612, 4]);
    expect(run('matmul', [a, b], { transposeA: true, transposeB: true }, [2, 2], 'int32')).toEqual([
      0, 65539, 131072, 6,
    ]);
    const z1 = t([], [2, 0]);
    const z2 = t([], [0, 3]);
    expect(run('matmul', [z1, z2], { transposeA: false, transposeB: false }, [2, 3])).toEqual([0, 0, 0, 0, 0, 0]);
    expect(run('matmul', [z2, z1], { transposeA: true, transposeB: true }, [3, 2])).toEqual([0, 0, 0, 0, 0, 0]);
    const e = t([], [0, 2]);
    const w = t([1, 2, 3, 4], [2, 2]);
    expect(run('matmul', [e, w], { transposeA: false, transposeB: false }, [0, 2])).toEqual([]);
    free(a, b, z1, z2, e, w);
  });

  it('propagates NaN', () => {
    const a = t([Number.NaN, 1, 1, 1], [2, 2]);
    const b = t([1, 0, 0, 1], [2, 2]);
    expect(run('matmul', [a, b], { transposeA: false, transposeB: false }, [2, 2])).toEqual([
      Number.NaN,
      Number.NaN,
      1,
      1,
    ]);
    free(a, b);
  });
});

describe('dense', () => {
  it('computes x·W + b', () => {
    const [n, i, o] = [5, 6, 7];
    const xv = f32(values(n * i, 7));
    const wv = f32(values(i * o, 8));
    const bv = f32(values(o, 9));
    const x = t(xv, [n, i]);
    const w = t(wv, [i, o]);
    const b = t(bv, [o]);
    const linear = naive(xv, wv, n, o, i, false, false).map((v, j) => v + bv[j % o]);
    expectClose(run('dense', [x, w, b], {}, [n, o]), linear, { atol: 1e-5 });
    free(x, w, b);
  });

  it('leaves no handles behind', () => {
    expect(backend.memory().handles).toBe(0);
  });
});
