/** matmul: every transpose flag at small and odd sizes, batched with broadcast batch axes, empty, int32, NaN. */
import * as core from '@backprop/core';
import type { ConformanceCase } from '../case.js';
import { valueCase } from '../check/evaluate.js';
import { type Host, host, matmulHost, toTensor, uniform } from '../check/host.js';

const FLAGS = {
  plain: [false, false],
  transposeA: [true, false],
  transposeB: [false, true],
  transposeAB: [true, true],
} as const;

/** [m, k, n] per size name. */
const SIZES: Record<string, [number, number, number]> = {
  small: [2, 3, 4],
  one: [1, 1, 1],
  odd: [7, 13, 33],
  vector: [1, 65, 3],
  tall: [129, 5, 1],
};

/** Tolerance growing with the inner dimension (float32 accumulation in any order). */
const tolFor = (k: number) => ({ rtol: 1e-5, atol: 2e-6 * Math.max(k, 1) });

function operands(seed: number, [m, k, n]: [number, number, number], tA: boolean, tB: boolean): [Host, Host] {
  return [uniform(seed, tA ? [k, m] : [m, k]), uniform(seed + 1, tB ? [n, k] : [k, n])];
}

/** Batched reference: a [..., m, k] and b [..., k, n] with broadcast batch axes (no transposes). */
function batchedHost(a: Host, b: Host): Host {
  const batch = core.broadcastShapes('host', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const [m, k] = a.shape.slice(-2);
  const n = b.shape[b.shape.length - 1];
  const index = (shape: readonly number[], coords: number[]) => {
    const own = shape.slice(0, -2);
    let flat = 0;
    own.forEach((d, i) => {
      flat = flat * d + (d === 1 ? 0 : coords[coords.length - own.length + i]);
    });
    return flat;
  };
  const out: number[] = [];
  const total = core.sizeOf(batch);
  for (let t = 0; t < total; t++) {
    const coords: number[] = [];
    let rem = t;
    for (let i = batch.length - 1; i >= 0; i--) {
      coords.unshift(rem % batch[i]);
      rem = Math.floor(rem / batch[i]);
    }
    const ai = index(a.shape, coords);
    const bi = index(b.shape, coords);
    const am = host(a.values.slice(ai * m * k, (ai + 1) * m * k), [m, k]);
    const bm = host(b.values.slice(bi * k * n, (bi + 1) * k * n), [k, n]);
    out.push(...matmulHost(am, bm).values);
  }
  return host(out, [...batch, m, n]);
}

/** The matmul cases. */
export const matmulCases: ConformanceCase[] = [
  ...Object.entries(FLAGS).flatMap(([flag, [tA, tB]], f) =>
    Object.entries(SIZES).map(([size, mkn], s) => {
      const [a, b] = operands(500 + 10 * f + 2 * s, mkn, tA, tB);
      return valueCase({
        id: `matmul/${flag}/${size}`,
        kernels: ['matmul'],
        f: () => core.matmul(toTensor(a), toTensor(b), { transposeA: tA, transposeB: tB }),
        expected: matmulHost(a, b, tA, tB),
        tol: tolFor(mkn[1]),
      });
    }),
  ),
  ...[
    ['batched', [3, 4, 5], [3, 5, 2]],
    ['batched/broadcast', [2, 1, 3, 4], [5, 4, 2]],
    ['batched/broadcast-2d', [4, 3, 7], [7, 2]],
  ].map(([name, sa, sb], i) => {
    const a = uniform(560 + 2 * i, sa as number[]);
    const b = uniform(561 + 2 * i, sb as number[]);
    return valueCase({
      id: `matmul/${name}`,
      kernels: ['matmul'],
      f: () => core.matmul(toTensor(a), toTensor(b)),
      expected: batchedHost(a, b),
      tol: tolFor(7),
    });
  }),
  valueCase({
    id: 'matmul/batched/transposeAB',
    kernels: ['matmul'],
    f: () => {
      const a = core.transpose(toTensor(uniform(570, [2, 3, 4])), [0, 2, 1]);
      const b = core.transpose(toTensor(uniform(571, [2, 4, 5])), [0, 2, 1]);
      return core.matmul(a, b, { transposeA: true, transposeB: true });
    },
    expected: batchedHost(uniform(570, [2, 3, 4]), uniform(571, [2, 4, 5])),
    tol: tolFor(4),
  }),
  valueCase({
    id: 'matmul/empty',
    kernels: ['matmul'],
    f: () => [
      core.matmul(core.ones([2, 0]), core.ones([0, 3])),
      core.matmul(core.ones([0, 4]), core.ones([4, 3])),
      core.matmul(core.ones([2, 4]), core.ones([4, 0])),
    ],
    expected: [host([0, 0, 0, 0, 0, 0], [2, 3]), host([], [0, 3]), host([], [2, 0])],
  }),
  valueCase({
    id: 'matmul/empty/broadcast',
    kernels: ['matmul'],
    f: () => [
      core.matmul(core.zeros([2, 0]), core.zeros([3, 0, 2])),
      core.matmul(core.ones([2, 1, 2, 0]), core.ones([3, 0, 2])),
      core.matmul(core.ones([0, 2]), core.ones([3, 2, 0]), { transposeA: true, transposeB: true }),
      core.matmul(core.ones([1, 1, 1, 0], 'int32'), core.ones([1, 5, 0, 2], 'int32')),
    ],
    expected: [
      host(new Array(12).fill(0), [3, 2, 2]),
      host(new Array(24).fill(0), [2, 3, 2, 2]),
      host(new Array(12).fill(0), [3, 2, 2]),
      host(new Array(10).fill(0), [1, 5, 1, 2], 'int32'),
    ],
  }),
  valueCase({
    id: 'matmul/int32',
    kernels: ['matmul'],
    f: () =>
      core.matmul(
        core.tensor(Int32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]),
        core.tensor(Int32Array.from([7, 8, 9, 10, 11, 12]), [3, 2]),
      ),
    expected: host([58, 64, 139, 154], [2, 2], 'int32'),
  }),
  valueCase({
    id: 'matmul/nan',
    kernels: ['matmul'],
    f: () =>
      core.matmul(
        core.tensor([
          [1, Number.NaN],
          [1, 1],
        ]),
        core.tensor([
          [1, 0],
          [0, Number.POSITIVE_INFINITY],
        ]),
      ),
    expected: host([Number.NaN, Number.NaN, 1, Number.POSITIVE_INFINITY], [2, 2]),
  }),
];
