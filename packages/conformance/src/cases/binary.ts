/** Elementwise binary kernels: values, every broadcasting pattern, odd sizes, NaN and ±Inf, empty shapes. */

import type { KernelName, Tensor, TensorLike } from '@backprop/core';
import * as core from '@backprop/core';
import type { ConformanceCase } from '../case.js';
import { valueCase } from '../check/evaluate.js';
import { broadcastHost, type Host, host, toTensor, uniform } from '../check/host.js';
import { ODD_SIZES } from './unary.js';

interface BinarySpec {
  op: (a: TensorLike, b: TensorLike) => Tensor;
  ref: (a: number, b: number) => number;
  /** Ranges of the random inputs a and b. */
  domains: [[number, number], [number, number]];
}

const BINARY: Record<string, BinarySpec> = {
  add: {
    op: core.add,
    ref: (a, b) => a + b,
    domains: [
      [-4, 4],
      [-4, 4],
    ],
  },
  sub: {
    op: core.sub,
    ref: (a, b) => a - b,
    domains: [
      [-4, 4],
      [-4, 4],
    ],
  },
  mul: {
    op: core.mul,
    ref: (a, b) => a * b,
    domains: [
      [-4, 4],
      [-4, 4],
    ],
  },
  div: {
    op: core.div,
    ref: (a, b) => a / b,
    domains: [
      [-4, 4],
      [0.25, 4],
    ],
  },
  pow: {
    op: core.pow,
    ref: (a, b) => a ** b,
    domains: [
      [0.1, 3],
      [-2, 2],
    ],
  },
  maximum: {
    op: core.maximum,
    ref: (a, b) => Math.max(a, b),
    domains: [
      [-4, 4],
      [-4, 4],
    ],
  },
  minimum: {
    op: core.minimum,
    ref: (a, b) => Math.min(a, b),
    domains: [
      [-4, 4],
      [-4, 4],
    ],
  },
};

/** Broadcasting patterns: [a shape, b shape]. */
const PATTERNS: Record<string, [number[], number[]]> = {
  same: [
    [2, 3],
    [2, 3],
  ],
  scalar: [[2, 3], []],
  'scalar-left': [[], [2, 3]],
  row: [[2, 3], [3]],
  column: [
    [2, 3],
    [2, 1],
  ],
  rank: [[4], [2, 3, 4]],
  both: [
    [3, 1],
    [1, 4],
  ],
  'size-one': [
    [1, 1, 5],
    [2, 3, 1],
  ],
  // As many values on each side, broadcast to more: a kernel must not take equal counts for equal shapes.
  outer: [
    [96, 1],
    [1, 96],
  ],
  'outer-rank-3': [
    [4, 1, 50],
    [1, 4, 50],
  ],
};

const NAN = Number.NaN;
const INF = Number.POSITIVE_INFINITY;
const SPECIAL_A = [NAN, 1, NAN, INF, -INF, INF, 0, 2];
const SPECIAL_B = [1, NAN, NAN, 1, 2, INF, 0, -INF];
// NOTE: pow(1, NaN) is 1 in C and PyTorch but NaN in JavaScript; pow's special pairs avoid the disagreement.
const POW_A = [NAN, 2, INF, INF, 0.5, 2, -INF];
const POW_B = [1, NAN, 1, -1, INF, -INF, 2];

const binop = (op: BinarySpec['op'], [a, b]: [Host, Host]) => op(toTensor(a), toTensor(b));

function casesFor(name: string, { op, ref, domains: [da, db] }: BinarySpec): ConformanceCase[] {
  const kernels = [name as KernelName];
  const pair = (seed: number, sa: readonly number[], sb: readonly number[]): [Host, Host] => [
    uniform(seed, sa, ...da),
    uniform(seed + 1, sb, ...db),
  ];
  const cases: ConformanceCase[] = Object.entries(PATTERNS).map(([pattern, [sa, sb]], i) => {
    const [a, b] = pair(200 + 2 * i, sa, sb);
    return valueCase({
      id: pattern === 'same' ? `${name}/values` : `${name}/broadcast/${pattern}`,
      kernels,
      f: () => op(toTensor(a), toTensor(b)),
      expected: broadcastHost([a, b], ref),
    });
  });
  const number = 1.5;
  const [a0] = pair(230, [2, 3], [1]);
  cases.push(
    valueCase({
      id: `${name}/number`,
      kernels,
      f: () => op(toTensor(a0), number),
      expected: broadcastHost([a0, host([number], [])], ref),
    }),
    valueCase({
      id: `${name}/odd`,
      kernels,
      f: () => ODD_SIZES.map((n, i) => binop(op, pair(240 + 2 * i, [n], [n]))),
      expected: ODD_SIZES.map((n, i) => broadcastHost(pair(240 + 2 * i, [n], [n]), ref)),
    }),
    valueCase({
      id: `${name}/odd/broadcast`,
      kernels,
      f: () => binop(op, pair(260, [13, 33], [33])),
      expected: broadcastHost(pair(260, [13, 33], [33]), ref),
    }),
    valueCase({
      id: `${name}/nan`,
      kernels,
      f: () =>
        name === 'pow'
          ? op(core.tensor(POW_A), core.tensor(POW_B))
          : op(core.tensor(SPECIAL_A), core.tensor(SPECIAL_B)),
      expected:
        name === 'pow'
          ? broadcastHost([host(POW_A), host(POW_B)], ref)
          : broadcastHost([host(SPECIAL_A), host(SPECIAL_B)], ref),
    }),
    valueCase({
      id: `${name}/empty`,
      kernels,
      f: () => [op(core.zeros([0, 3]), core.ones([3])), op(core.zeros([2, 0]), core.ones([2, 1]))],
      expected: [host([], [0, 3]), host([], [2, 0])],
    }),
  );
  return cases;
}

const int = (xs: number[], shape = [xs.length]) => core.tensor(Int32Array.from(xs), shape);
const intHost = (xs: number[]) => host(xs, [xs.length], 'int32');
const MAX = 2147483647;
const MIN = -2147483648;

/** The binary cases. */
export const binaryCases: ConformanceCase[] = [
  ...Object.entries(BINARY).flatMap(([name, spec]) => casesFor(name, spec)),
  valueCase({
    id: 'div/zero',
    kernels: ['div'],
    f: () => core.div(core.tensor([1, -1, 0, 0]), core.tensor([0, 0, 0, -0])),
    expected: host([INF, -INF, NAN, NAN]),
  }),
  valueCase({
    id: 'pow/negative-base',
    kernels: ['pow'],
    f: () => core.pow(core.tensor([-2, -2, -0.5, 4]), core.tensor([3, 2, -1, 0.5])),
    expected: host([-8, 4, -2, 2]),
  }),
  valueCase({
    id: 'pow/zero-exponent',
    kernels: ['pow'],
    f: () => core.pow(core.tensor([0, 2, 5]), core.tensor([0, 0, 1])),
    expected: host([1, 1, 5]),
  }),
  valueCase({
    id: 'add/int32/wrap',
    kernels: ['add'],
    f: () => core.add(int([MAX, MIN, 5]), int([1, -1, -7])),
    expected: intHost([MIN, MAX, -2]),
  }),
  valueCase({
    id: 'sub/int32/wrap',
    kernels: ['sub'],
    f: () => core.sub(int([MIN, MAX, 5]), int([1, -1, 7])),
    expected: intHost([MAX, MIN, -2]),
  }),
  valueCase({
    id: 'mul/int32/wrap',
    kernels: ['mul'],
    f: () => core.mul(int([65536, MAX, -3, 46341]), int([65536, 2, 7, 46341])),
    expected: intHost([0, -2, -21, Math.imul(46341, 46341)]),
  }),
  valueCase({
    // Exact and wrapping, as PyTorch and NumPy (torch.tensor(a, dtype=torch.int32) ** b): 3⁴⁰ is past
    // 2⁵³, so a float64 pow loses its low bits; 2^(2³⁰) = 0 needs bit 30 of the exponent
    // (1073741827 = 2³⁰ + 3, 1073741824 = 2³⁰).
    id: 'pow/int32/wrap',
    kernels: ['pow'],
    f: () =>
      core.pow(
        int([3, -3, 2, 7, 0, 1, -1, 46341, 3, 2, -2, 0, 7, 2, 3]),
        int([40, 39, 31, 20, 0, 1000001, 1000001, 2, 1073741827, 30, 31, 5, 11, 1073741824, MAX]),
      ),
    expected: intHost([
      689956897, 1201670133, -2147483648, -1199696159, 1, 1, -1, -2147479015, 27, 1073741824, -2147483648, 0,
      1977326743, 0, -1431655765,
    ]),
  }),
  valueCase({
    id: 'div/int32/truncate',
    kernels: ['div'],
    f: () => core.div(int([7, -7, 7, -7, 1, 6]), int([2, 2, -2, -2, 3, 3])),
    expected: intHost([3, -3, -3, 3, 0, 2]),
  }),
  valueCase({
    id: 'maximum/int32',
    kernels: ['maximum', 'minimum'],
    f: () => [core.maximum(int([MIN, 3, -4]), int([0, MAX, -5])), core.minimum(int([MIN, 3, -4]), int([0, MAX, -5]))],
    expected: [intHost([0, MAX, -4]), intHost([MIN, 3, -5])],
  }),
  valueCase({
    id: 'add/int32/broadcast',
    kernels: ['add', 'mul'],
    f: () => [core.add(int([1, 2, 3, 4, 5, 6], [2, 3]), int([10, 20], [2, 1])), core.mul(int([1, 2, 3], [3]), 3)],
    expected: [host([11, 12, 13, 24, 25, 26], [2, 3], 'int32'), intHost([3, 6, 9])],
  }),
];
