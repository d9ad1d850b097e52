/** Elementwise unary kernels: values, odd sizes, NaN and ±Inf, empty and scalar shapes, int32 where allowed. */

import type { KernelName, Tensor } from '@backprop/core';
import * as core from '@backprop/core';
import type { ConformanceCase } from '../case.js';
import { valueCase } from '../check/evaluate.js';
import { host, mapHost, toTensor, uniform } from '../check/host.js';

/** Sizes that are not multiples of any tile or vector width. */
export const ODD_SIZES = [1, 3, 7, 13, 33, 65, 129] as const;

const sigmoidRef = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

interface UnarySpec {
  op: (x: Tensor) => Tensor;
  kernels: KernelName[];
  ref: (x: number) => number;
  /** Range of the random inputs. */
  domain: [number, number];
  /** Also accepts int32. */
  int?: boolean;
}

const UNARY: Record<string, UnarySpec> = {
  neg: { op: core.neg, kernels: ['neg'], ref: (x) => -x, domain: [-4, 4], int: true },
  abs: { op: core.abs, kernels: ['abs'], ref: Math.abs, domain: [-4, 4], int: true },
  exp: { op: core.exp, kernels: ['exp'], ref: Math.exp, domain: [-4, 4] },
  log: { op: core.log, kernels: ['log'], ref: Math.log, domain: [0.01, 4] },
  log1p: { op: core.log1p, kernels: ['log1p'], ref: Math.log1p, domain: [-0.9, 4] },
  sqrt: { op: core.sqrt, kernels: ['sqrt'], ref: Math.sqrt, domain: [0, 4] },
  reciprocal: { op: core.reciprocal, kernels: ['reciprocal'], ref: (x) => 1 / x, domain: [0.1, 4] },
  tanh: { op: core.tanh, kernels: ['tanh'], ref: Math.tanh, domain: [-4, 4] },
  sigmoid: { op: core.sigmoid, kernels: ['sigmoid'], ref: sigmoidRef, domain: [-8, 8] },
  sin: { op: core.sin, kernels: ['sin'], ref: Math.sin, domain: [-4, 4] },
  cos: { op: core.cos, kernels: ['cos'], ref: Math.cos, domain: [-4, 4] },
  floor: { op: core.floor, kernels: ['floor'], ref: Math.floor, domain: [-4, 4] },
  square: { op: core.square, kernels: ['mul'], ref: (x) => x * x, domain: [-4, 4] },
  rsqrt: { op: core.rsqrt, kernels: ['sqrt', 'reciprocal'], ref: (x) => 1 / Math.sqrt(x), domain: [0.1, 4] },
};

const HAND = [-2.5, -1, -0.5, 0, 0.25, 0.5, 1, 3];
const SPECIAL = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0];

function casesFor(name: string, { op, kernels, ref, domain, int }: UnarySpec): ConformanceCase[] {
  const [lo, hi] = domain;
  const hand = HAND.filter((x) => x >= lo && x <= hi);
  const refOf = (xs: readonly number[]) => xs.map((x) => ref(Math.fround(x)));
  const cases: ConformanceCase[] = [
    valueCase({ id: `${name}/values`, kernels, f: () => op(core.tensor(hand)), expected: host(refOf(hand)) }),
    valueCase({
      id: `${name}/odd`,
      kernels,
      f: () => ODD_SIZES.map((n, i) => op(toTensor(uniform(100 + i, [n], lo, hi)))),
      expected: ODD_SIZES.map((n, i) => mapHost(uniform(100 + i, [n], lo, hi), ref)),
    }),
    valueCase({ id: `${name}/nan`, kernels, f: () => op(core.tensor(SPECIAL)), expected: host(refOf(SPECIAL)) }),
    valueCase({ id: `${name}/empty`, kernels, f: () => op(core.zeros([3, 0, 2])), expected: host([], [3, 0, 2]) }),
    valueCase({ id: `${name}/scalar`, kernels, f: () => op(core.scalar(hand[1])), expected: host([ref(hand[1])], []) }),
  ];
  if (int) {
    const xs = [-2147483648, -7, 0, 5, 2147483647];
    cases.push(
      valueCase({
        id: `${name}/int32`,
        kernels,
        f: () => op(core.tensor(Int32Array.from(xs))),
        expected: host(Array.from(Int32Array.from(xs.map(ref))), [5], 'int32'),
      }),
    );
  }
  return cases;
}

/** The unary cases. */
export const unaryCases: ConformanceCase[] = [
  ...Object.entries(UNARY).flatMap(([name, spec]) => casesFor(name, spec)),
  valueCase({
    id: 'log1p/tiny',
    kernels: ['log1p'],
    f: () => core.log1p(core.tensor([1e-10, -1e-10, 1e-7])),
    expected: host([1e-10, -1e-10, Math.log1p(Math.fround(1e-7))]),
  }),
  valueCase({
    id: 'sigmoid/extreme',
    kernels: ['sigmoid'],
    f: () => core.sigmoid(core.tensor([-1000, -100, -20, 20, 100, 1000])),
    expected: host([0, sigmoidRef(-100), sigmoidRef(-20), sigmoidRef(20), 1, 1]),
    tol: { rtol: 1e-5, atol: 1e-30 },
  }),
];
