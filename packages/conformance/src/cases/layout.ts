/** Layout kernels: slice, pad, transpose and concat, at odd and empty sizes and in every dtype. */
import * as core from '@backprop/core';
import type { ConformanceCase } from '../case.js';
import { valueCase } from '../check/evaluate.js';
import { type Host, host, toTensor, uniform } from '../check/host.js';
import { concatHost, padHost, sliceHost, transposeHost } from '../check/layout-host.js';

/** Shared float inputs. */
export const x345 = uniform(600, [3, 4, 5]);
export const x2 = uniform(601, [7, 13]);
const ints = uniform(602, [3, 4], -100, 100);
/** An int32 input. */
export const xi: Host = host(ints.values.map(Math.trunc), [3, 4], 'int32');
const xb: Host = host([1, 0, 0, 1, 1, 0], [2, 3], 'bool');

const SLICES: [string, Host, number[], number[]][] = [
  ['values', x345, [1, 0, 2], [2, 3, 3]],
  ['full', x345, [0, 0, 0], [3, 4, 5]],
  ['empty', x345, [1, 2, 3], [0, 2, 2]],
  ['odd', x2, [3, 5], [4, 7]],
  ['int32', xi, [1, 1], [2, 3]],
  ['bool', xb, [0, 1], [2, 2]],
];

const PADS: [string, Host, [number, number][], number][] = [
  [
    'values',
    x345,
    [
      [1, 0],
      [0, 2],
      [1, 1],
    ],
    0,
  ],
  [
    'value',
    x2,
    [
      [2, 1],
      [0, 3],
    ],
    -1.5,
  ],
  [
    'none',
    x2,
    [
      [0, 0],
      [0, 0],
    ],
    0,
  ],
  [
    'empty',
    host([], [0, 2]),
    [
      [1, 1],
      [0, 1],
    ],
    7,
  ],
  [
    'int32',
    xi,
    [
      [1, 0],
      [0, 1],
    ],
    3,
  ],
  [
    'nan',
    x2,
    [
      [1, 0],
      [0, 0],
    ],
    Number.NaN,
  ],
];

const PERMS: [string, Host, number[]][] = [
  ['2d', x2, [1, 0]],
  ['3d', x345, [2, 0, 1]],
  ['3d/swap-last', x345, [0, 2, 1]],
  ['4d', uniform(603, [2, 3, 1, 5]), [3, 1, 0, 2]],
  ['int32', xi, [1, 0]],
  ['bool', xb, [1, 0]],
  ['empty', host([], [0, 3]), [1, 0]],
];

/** The layout cases. */
export const layoutCases: ConformanceCase[] = [
  ...SLICES.map(([name, x, begin, size]) =>
    valueCase({
      id: `slice/${name}`,
      kernels: ['slice'],
      f: () => core.slice(toTensor(x), begin, size),
      expected: sliceHost(x, begin, size),
    }),
  ),
  valueCase({
    id: 'slice/to-end',
    kernels: ['slice'],
    f: () => core.slice(toTensor(x345), [1, 2, 0], [-1, -1, 3]),
    expected: sliceHost(x345, [1, 2, 0], [2, 2, 3]),
  }),
  ...PADS.map(([name, x, paddings, value]) =>
    valueCase({
      id: `pad/${name}`,
      kernels: ['pad'],
      f: () => core.pad(toTensor(x), paddings, value),
      expected: padHost(x, paddings, value),
    }),
  ),
  valueCase({
    id: 'pad/rank0',
    kernels: ['pad'],
    f: () => [
      core.pad(core.scalar(3), [], 0),
      core.pad(core.scalar(-7, 'int32'), [], 5),
      core.pad(core.scalar(1, 'bool'), []),
    ],
    expected: [host([3], []), host([-7], [], 'int32'), host([1], [], 'bool')],
  }),
  valueCase({
    id: 'pad/zero-dims-after-reshape',
    kernels: ['pad', 'sum'],
    f: () => [
      core.pad(
        core.reshape(core.zeros([0, 3]), [0, 0]),
        [
          [1, 0],
          [1, 0],
        ],
        -2,
      ),
      core.sum(
        core.pad(
          core.reshape(core.zeros([2, 0, 3]), [0, 1]),
          [
            [1, 0],
            [0, 0],
          ],
          1,
        ),
      ),
      core.pad(
        core.reshape(core.zeros([4, 0], 'int32'), [0, 2, 0]),
        [
          [0, 1],
          [0, 0],
          [2, 0],
        ],
        9,
      ),
    ],
    expected: [host([-2], [1, 1]), host([1], []), host([9, 9, 9, 9], [1, 2, 2], 'int32')],
  }),
  ...PERMS.map(([name, x, perm]) =>
    valueCase({
      id: `transpose/${name}`,
      kernels: ['transpose'],
      f: () => core.transpose(toTensor(x), perm),
      expected: transposeHost(x, perm),
    }),
  ),
  valueCase({
    id: 'transpose/default',
    kernels: ['transpose'],
    f: () => core.transpose(toTensor(x345)),
    expected: transposeHost(x345, [2, 1, 0]),
  }),
  ...(
    [
      ['axis0', [uniform(610, [2, 3]), uniform(611, [1, 3]), uniform(612, [4, 3])], 0],
      ['axis1', [uniform(613, [2, 3]), uniform(614, [2, 1]), uniform(615, [2, 5])], 1],
      ['last', [uniform(616, [2, 3, 1]), uniform(617, [2, 3, 7])], -1],
      ['empty-piece', [uniform(618, [2, 3]), host([], [0, 3]), uniform(619, [1, 3])], 0],
      ['odd', [uniform(620, [13, 33]), uniform(621, [13, 65])], 1],
      ['int32', [xi, xi], 1],
      ['bool', [xb, xb], 0],
    ] as [string, Host[], number][]
  ).map(([name, xs, axis]) =>
    valueCase({
      id: `concat/${name}`,
      kernels: ['concat'],
      f: () => core.concat(xs.map(toTensor), axis),
      expected: concatHost(xs, axis < 0 ? xs[0].shape.length + axis : axis),
    }),
  ),
];
