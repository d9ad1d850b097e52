/** Indexing and filling kernels: gather, scatterAdd, broadcastTo, fill, creation ops, and the metadata-only reshapes. */
import * as core from '@backprop/core';
import type { ConformanceCase } from '../case.js';
import { valueCase } from '../check/evaluate.js';
import { type Host, host, toTensor, uniform } from '../check/host.js';
import { broadcastToHost, gatherHost } from '../check/layout-host.js';
import { x2, x345, xi } from './layout.js';

const int = (xs: number[], shape = [xs.length]) => host(xs, shape, 'int32');
const idx = int([2, 0, 2, 1, 3]);
const idx2d = int([0, 2, 1, 1, 0, 0], [2, 3]);

/** The indexing cases. */
export const indexingCases: ConformanceCase[] = [
  valueCase({
    id: 'gather/axis0',
    kernels: ['gather'],
    f: () => core.gather(toTensor(x2), toTensor(idx), 0),
    expected: gatherHost(x2, idx, 0),
  }),
  valueCase({
    id: 'gather/axis1',
    kernels: ['gather'],
    f: () => core.gather(toTensor(x345), toTensor(idx), 1),
    expected: gatherHost(x345, idx, 1),
  }),
  valueCase({
    id: 'gather/2d-indices',
    kernels: ['gather'],
    f: () => core.gather(toTensor(x345), toTensor(idx2d), 2),
    expected: gatherHost(x345, idx2d, 2),
  }),
  valueCase({
    id: 'gather/int32',
    kernels: ['gather'],
    f: () => core.gather(toTensor(xi), toTensor(int([2, 2])), 0),
    expected: gatherHost(xi, int([2, 2]), 0),
  }),
  valueCase({
    id: 'gather/empty',
    kernels: ['gather'],
    f: () => core.gather(toTensor(x2), toTensor(int([])), 0),
    expected: host([], [0, 13]),
  }),
  valueCase({
    id: 'scatterAdd/repeated',
    kernels: ['scatterAdd'],
    f: () =>
      core.scatterAdd(
        core.tensor([
          [1, 2],
          [3, 4],
          [5, 6],
          [7, 8],
        ]),
        toTensor(int([2, 0, 2, 2])),
        0,
        [3, 2],
      ),
    expected: host([3, 4, 0, 0, 13, 16], [3, 2]),
  }),
  valueCase({
    id: 'scatterAdd/axis1',
    kernels: ['scatterAdd'],
    f: () =>
      core.scatterAdd(
        core.tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
        toTensor(int([1, 1, 3])),
        1,
        [2, 4],
      ),
    expected: host([0, 3, 0, 3, 0, 9, 0, 6], [2, 4]),
  }),
  valueCase({
    id: 'scatterAdd/empty-indices',
    kernels: ['scatterAdd'],
    f: () => [
      core.scatterAdd(core.zeros([0, 2]), toTensor(int([])), 0, [3, 2]),
      core.scatterAdd(core.zeros([1, 4, 0, 4]), toTensor(int([], [4, 0])), 1, [1, 3, 4]),
      core.scatterAdd(core.zeros([0], 'int32'), toTensor(int([])), 0, [2]),
    ],
    expected: [host(new Array(6).fill(0), [3, 2]), host(new Array(12).fill(0), [1, 3, 4]), int([0, 0])],
  }),
  valueCase({
    id: 'scatterAdd/empty-indices/gather-gradient',
    kernels: ['gather', 'scatterAdd'],
    f: () => core.grad((x: core.Tensor) => core.sum(core.gather(x, toTensor(int([])), 0)))(core.ones([3, 2])),
    expected: host(new Array(6).fill(0), [3, 2]),
  }),
  ...(
    [
      ['scalar', host([2.5], []), [2, 3]],
      ['row', uniform(630, [3]), [4, 3]],
      ['column', uniform(631, [3, 1]), [2, 3, 4]],
      ['odd', uniform(632, [1, 33]), [13, 33]],
      ['int32', int([4, -5]), [3, 2]],
      ['bool', host([1, 0], [2, 1], 'bool'), [2, 3]],
      ['empty', uniform(633, [1, 3]), [0, 3]],
    ] as [string, Host, number[]][]
  ).map(([name, x, shape]) =>
    valueCase({
      id: `broadcastTo/${name}`,
      kernels: ['broadcastTo'],
      f: () => core.broadcastTo(toTensor(x), shape),
      expected: broadcastToHost(x, shape),
    }),
  ),
  valueCase({
    id: 'fill/dtypes',
    kernels: ['fill'],
    f: () => [
      core.full([2, 3], -1.25),
      core.full([3], 7, 'int32'),
      core.full([2], 1, 'bool'),
      core.zeros([0, 5]),
      core.full([], Number.NaN),
      core.ones([129]),
    ],
    expected: [
      host([-1.25, -1.25, -1.25, -1.25, -1.25, -1.25], [2, 3]),
      int([7, 7, 7]),
      host([1, 1], [2], 'bool'),
      host([], [0, 5]),
      host([Number.NaN], []),
      host(new Array(129).fill(1)),
    ],
  }),
  valueCase({
    id: 'creation/values',
    kernels: ['cast', 'equal'],
    f: () => [
      core.arange(5),
      core.arange(1, 2, 0.25),
      core.arange(0, 6, 2, 'int32'),
      core.eye(2, 3),
      core.oneHot(core.tensor(Int32Array.from([2, 0, 1])), 3),
    ],
    expected: [
      host([0, 1, 2, 3, 4]),
      host([1, 1.25, 1.5, 1.75]),
      int([0, 2, 4]),
      host([1, 0, 0, 0, 1, 0], [2, 3]),
      host([0, 0, 1, 1, 0, 0, 0, 1, 0], [3, 3]),
    ],
  }),
  valueCase({
    id: 'reshape/values',
    kernels: [],
    f: () => {
      const x = toTensor(x345);
      return [
        core.reshape(x, [4, -1]),
        core.flatten(x),
        core.expandDims(x, 1),
        core.squeeze(core.reshape(x, [1, 3, 1, 20])),
      ];
    },
    expected: [
      host(x345.values, [4, 15]),
      host(x345.values, [3, 20]),
      host(x345.values, [3, 1, 4, 5]),
      host(x345.values, [3, 20]),
    ],
  }),
];
