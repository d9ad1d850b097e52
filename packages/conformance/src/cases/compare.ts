/** Comparisons (bool results, NaN never equal), `where` with broadcasting, isFinite / isNaN, and cast between dtypes. */

import type { KernelName, Tensor, TensorLike } from '@backprop/core';
import * as core from '@backprop/core';
import type { ConformanceCase } from '../case.js';
import { valueCase } from '../check/evaluate.js';
import { broadcastHost, host, toTensor, uniform } from '../check/host.js';

const NAN = Number.NaN;
const INF = Number.POSITIVE_INFINITY;

const COMPARE: Record<string, [(a: TensorLike, b: TensorLike) => Tensor, (a: number, b: number) => boolean]> = {
  equal: [core.equal, (a, b) => a === b],
  notEqual: [core.notEqual, (a, b) => a !== b],
  greater: [core.greater, (a, b) => a > b],
  greaterEqual: [core.greaterEqual, (a, b) => a >= b],
  less: [core.less, (a, b) => a < b],
  lessEqual: [core.lessEqual, (a, b) => a <= b],
};

const A = [1, 2, 3, NAN, NAN, INF, -INF, 0];
const B = [1, 3, 2, 1, NAN, INF, 5, -0];
const bool = (xs: number[], shape = [xs.length]) => host(xs, shape, 'bool');

function casesFor(
  name: string,
  op: (a: TensorLike, b: TensorLike) => Tensor,
  ref: (a: number, b: number) => boolean,
): ConformanceCase[] {
  const kernels = [name as KernelName];
  const r = (a: number, b: number) => (ref(a, b) ? 1 : 0);
  const a = uniform(300, [2, 3], -2, 2);
  const row = host([a.values[0], 0, a.values[5]], [3]);
  const column = uniform(301, [96, 1], -2, 2);
  const line = host([...column.values.slice(0, 48), ...uniform(302, [48], -2, 2).values], [1, 96]);
  return [
    valueCase({
      id: `${name}/values`,
      kernels,
      f: () => op(core.tensor(A), core.tensor(B)),
      expected: { ...broadcastHost([host(A), host(B)], r), dtype: 'bool' },
    }),
    valueCase({
      id: `${name}/broadcast`,
      kernels,
      f: () => op(toTensor(a), toTensor(row)),
      expected: { ...broadcastHost([a, row], r), dtype: 'bool' },
    }),
    valueCase({
      // As many values on each side, broadcast to 96×96.
      id: `${name}/broadcast/outer`,
      kernels,
      f: () => op(toTensor(column), toTensor(line)),
      expected: { ...broadcastHost([column, line], r), dtype: 'bool' },
    }),
    valueCase({
      id: `${name}/int32`,
      kernels,
      f: () => op(core.tensor(Int32Array.from([-5, 0, 7, 2147483647])), 0),
      expected: { ...broadcastHost([host([-5, 0, 7, 2147483647]), host([0], [])], r), dtype: 'bool' },
    }),
    valueCase({ id: `${name}/empty`, kernels, f: () => op(core.zeros([0, 2]), 1), expected: bool([], [0, 2]) }),
  ];
}

const b = (xs: boolean[]) => core.tensor(xs);

/** The comparison, where and cast cases. */
export const compareCases: ConformanceCase[] = [
  ...Object.entries(COMPARE).flatMap(([name, [op, ref]]) => casesFor(name, op, ref)),
  valueCase({
    id: 'equal/bool',
    kernels: ['equal', 'notEqual'],
    f: () => [
      core.equal(b([true, false, true]), b([true, true, false])),
      core.notEqual(b([true, false, false]), b([true, true, false])),
    ],
    expected: [bool([1, 0, 0]), bool([0, 1, 0])],
  }),
  valueCase({
    id: 'where/values',
    kernels: ['where'],
    f: () => core.where(b([true, false, true, false]), core.tensor([1, 2, 3, 4]), core.tensor([-1, -2, -3, -4])),
    expected: host([1, -2, 3, -4]),
  }),
  valueCase({
    id: 'where/broadcast',
    kernels: ['where'],
    f: () => core.where(core.tensor([[true], [false]]), core.tensor([1, 2, 3]), 0),
    expected: host([1, 2, 3, 0, 0, 0], [2, 3]),
  }),
  valueCase({
    id: 'where/broadcast/all-three',
    kernels: ['where'],
    f: () => core.where(core.tensor([true, false, true]), core.tensor([[1], [2]]), core.tensor([[[10, 20, 30]]])),
    expected: host([1, 20, 1, 2, 20, 2], [1, 2, 3]),
  }),
  valueCase({
    id: 'where/int32',
    kernels: ['where'],
    f: () =>
      core.where(
        b([false, true]),
        core.tensor(Int32Array.from([1, 2])),
        core.tensor(Int32Array.from([-2147483648, 9])),
      ),
    expected: host([-2147483648, 2], [2], 'int32'),
  }),
  valueCase({
    id: 'where/bool',
    kernels: ['where'],
    f: () => core.where(b([false, true, true]), b([true, false, true]), b([false, true, true])),
    expected: bool([0, 0, 1]),
  }),
  valueCase({
    id: 'where/nan',
    kernels: ['where'],
    f: () => core.where(b([true, false]), core.tensor([NAN, NAN]), core.tensor([INF, 1])),
    expected: host([NAN, 1]),
  }),
  valueCase({
    id: 'isFinite/values',
    kernels: ['abs', 'less', 'notEqual'],
    f: () => [core.isFinite(core.tensor([1, NAN, INF, -INF, 0])), core.isNaN(core.tensor([1, NAN, INF, -INF, 0]))],
    expected: [bool([1, 0, 0, 0, 1]), bool([0, 1, 0, 0, 0])],
  }),
  valueCase({
    id: 'cast/float32-int32/truncate',
    kernels: ['cast'],
    f: () => core.cast(core.tensor([2.7, -2.7, 0.5, -0.5, 3, -3, 1e6 + 0.5]), 'int32'),
    expected: host([2, -2, 0, 0, 3, -3, 1000000], [7], 'int32'),
  }),
  valueCase({
    id: 'cast/to-bool',
    kernels: ['cast'],
    f: () => [
      core.cast(core.tensor([0, -0, 2.5, NAN, -INF]), 'bool'),
      core.cast(core.tensor(Int32Array.from([0, 7, -1])), 'bool'),
    ],
    expected: [bool([0, 0, 1, 1, 1]), bool([0, 1, 1])],
  }),
  valueCase({
    id: 'cast/from-bool',
    kernels: ['cast'],
    f: () => [core.cast(b([true, false, true]), 'float32'), core.cast(b([true, false, true]), 'int32')],
    expected: [host([1, 0, 1]), host([1, 0, 1], [3], 'int32')],
  }),
  valueCase({
    id: 'cast/int32-float32',
    kernels: ['cast'],
    f: () => core.cast(core.tensor(Int32Array.from([-2147483648, -1, 0, 16777217])), 'float32'),
    expected: host([-2147483648, -1, 0, 16777216]),
  }),
  valueCase({
    id: 'cast/empty',
    kernels: ['cast'],
    f: () => core.cast(core.zeros([0, 4]), 'int32'),
    expected: host([], [0, 4], 'int32'),
  }),
];
