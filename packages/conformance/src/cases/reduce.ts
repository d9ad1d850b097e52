/** Reductions: sum, mean, max, min over axes with keepDims, argmax / argmin, logSumExp; odd and empty sizes, NaN and ±Inf. */

import type { Axes, KernelName, Tensor } from '@backprop/core';
import * as core from '@backprop/core';
import type { ConformanceCase } from '../case.js';
import { valueCase } from '../check/evaluate.js';
import { type Host, host, toTensor, uniform } from '../check/host.js';
import { argHost, maxStep, minStep, reduceHost } from '../check/reduce-host.js';

type ReduceOp = (x: Tensor, axes?: Axes, keepDims?: boolean) => Tensor;

const REDUCE: Record<
  string,
  { op: ReduceOp; kernels: KernelName[]; ref: (x: Host, axes: number[], keep: boolean) => Host }
> = {
  sum: { op: core.sum, kernels: ['sum'], ref: (x, ax, k) => reduceHost(x, ax, (a, v) => a + v, 0, k) },
  mean: {
    op: core.mean,
    kernels: ['sum', 'div'],
    ref: (x, ax, k) =>
      reduceHost(
        x,
        ax,
        (a, v) => a + v,
        0,
        k,
        (a, n) => a / n,
      ),
  },
  max: { op: core.max, kernels: ['max'], ref: (x, ax, k) => reduceHost(x, ax, maxStep, -Infinity, k) },
  min: { op: core.min, kernels: ['min'], ref: (x, ax, k) => reduceHost(x, ax, minStep, Infinity, k) },
  logSumExp: {
    op: core.logSumExp,
    kernels: ['max', 'exp', 'sum', 'log'],
    ref: (x, ax, k) =>
      reduceHost(
        x,
        ax,
        (a, v) => a + Math.exp(v),
        0,
        k,
        (a) => Math.log(a),
      ),
  },
};

/** Axis patterns over a [3, 4, 5] input. */
const AXES: Record<string, [number[] | undefined, number[], boolean]> = {
  all: [undefined, [0, 1, 2], false],
  axis0: [[0], [0], false],
  axis1: [[1], [1], false],
  last: [[-1], [2], false],
  'axes0-2': [[0, 2], [0, 2], false],
  keepDims: [[1], [1], true],
  'keepDims/all': [undefined, [0, 1, 2], true],
};

const NAN = Number.NaN;
const INF = Number.POSITIVE_INFINITY;

function casesFor(name: string, { op, kernels, ref }: (typeof REDUCE)[string]): ConformanceCase[] {
  const x = uniform(400, [3, 4, 5], -3, 3);
  const cases = Object.entries(AXES).map(([variant, [axes, resolved, keep]]) =>
    valueCase({
      id: `${name}/${variant}`,
      kernels,
      f: () => op(toTensor(x), axes, keep),
      expected: ref(x, resolved, keep),
      tol: { rtol: 1e-5, atol: 1e-5 },
    }),
  );
  const odd = [1, 7, 33, 129, 1000].map((n, i) => uniform(410 + i, [3, n], -3, 3));
  cases.push(
    valueCase({
      id: `${name}/odd`,
      kernels,
      f: () => odd.flatMap((h) => [op(toTensor(h), 1), op(toTensor(h), 0)]),
      expected: odd.flatMap((h) => [ref(h, [1], false), ref(h, [0], false)]),
      tol: { rtol: 2e-5, atol: 2e-5 },
    }),
    valueCase({
      id: `${name}/scalar`,
      // Reducing a scalar over no axes is metadata-only in core: no reduction kernel runs.
      kernels: [],
      f: () => op(core.scalar(2.5)),
      expected: ref(host([2.5], []), [], false),
    }),
  );
  return cases;
}

const special = host([1, NAN, 3, -INF, 2, 1, INF, 0, -INF, -INF, 5, 5], [4, 3]);

/** The reduction cases. */
export const reduceCases: ConformanceCase[] = [
  ...Object.entries(REDUCE).flatMap(([name, spec]) => casesFor(name, spec)),
  valueCase({
    id: 'max/nan',
    kernels: ['max', 'min'],
    f: () => [core.max(toTensor(special), 1), core.min(toTensor(special), 1), core.max(toTensor(special), 0)],
    expected: [
      reduceHost(special, [1], maxStep, -INF),
      reduceHost(special, [1], minStep, INF),
      reduceHost(special, [0], maxStep, -INF),
    ],
  }),
  valueCase({
    id: 'sum/nan',
    kernels: ['sum'],
    f: () => core.sum(toTensor(special), 1),
    expected: host([NAN, -INF, NAN, -INF]),
  }),
  valueCase({
    id: 'logSumExp/extreme',
    kernels: ['max', 'exp', 'sum', 'log'],
    f: () =>
      core.logSumExp(
        core.tensor([
          [1000, 1000],
          [-1000, -1000],
          [-INF, -INF],
          [INF, 1],
          [0, -INF],
        ]),
        1,
      ),
    expected: host([1000 + Math.LN2, -1000 + Math.LN2, -INF, INF, 0]),
  }),
  valueCase({
    id: 'sum/empty',
    kernels: ['sum'],
    f: () => [core.sum(core.zeros([3, 0]), 1), core.sum(core.zeros([0, 3]), 1), core.sum(core.zeros([0]))],
    expected: [host([0, 0, 0], [3]), host([], [0]), host([0], [])],
  }),
  valueCase({
    id: 'sum/int32',
    kernels: ['sum', 'max', 'min'],
    f: () => {
      const x = core.tensor(Int32Array.from([1, -2, 300000, 7, 2147483647, -2147483648]), [2, 3]);
      return [core.sum(x, 1), core.max(x, 0), core.min(x)];
    },
    expected: [
      host([299999, 6], [2], 'int32'),
      host([7, 2147483647, 300000], [3], 'int32'),
      host([-2147483648], [], 'int32'),
    ],
  }),
  ...(['argmax', 'argmin'] as const).flatMap((name) => {
    const op = name === 'argmax' ? core.argmax : core.argmin;
    const kind = name === 'argmax' ? 'max' : 'min';
    const x = uniform(430, [3, 4, 5], -3, 3);
    const ties = host([1, 3, 3, 0, 2, 2, 2, 2, -1, -1, 5, -1], [3, 4]);
    const odd = uniform(431, [5, 129]);
    return [
      valueCase({
        id: `${name}/values`,
        kernels: [name],
        f: () => [0, 1, 2].map((a) => op(toTensor(x), a)),
        expected: [0, 1, 2].map((a) => argHost(x, a, kind)),
      }),
      valueCase({
        id: `${name}/ties`,
        kernels: [name],
        f: () => [op(toTensor(ties), 1), op(toTensor(ties), 0)],
        expected: [argHost(ties, 1, kind), argHost(ties, 0, kind)],
      }),
      valueCase({
        id: `${name}/nan`,
        kernels: [name],
        f: () => [op(toTensor(special), 1), op(toTensor(special), 0)],
        expected: [argHost(special, 1, kind), argHost(special, 0, kind)],
      }),
      valueCase({
        id: `${name}/odd`,
        kernels: [name],
        f: () => [op(toTensor(odd), 1), op(toTensor(odd), 0)],
        expected: [argHost(odd, 1, kind), argHost(odd, 0, kind)],
      }),
      valueCase({
        id: `${name}/int32`,
        kernels: [name],
        f: () => op(core.tensor(Int32Array.from([3, -7, 9, 9, -7, 0]), [2, 3]), 1),
        expected: name === 'argmax' ? host([2, 0], [2], 'int32') : host([1, 1], [2], 'int32'),
      }),
    ];
  }),
];
