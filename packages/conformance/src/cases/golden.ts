/**
 * Golden values from PyTorch 1.13 (scripts/golden.py → golden/ops.json): each op's output and
 * the gradients of Σ(output · cotangent), checked at 1e-5 relative / 1e-6 absolute (forward)
 * and 1e-4 / 1e-5 (gradients, which chain several float32 roundings).
 */

import type { DType, KernelName, Tensor } from '@backprop/core';
import * as core from '@backprop/core';
import type { ConformanceCase } from '../case.js';
import { assert } from '../check/close.js';
import { check, evaluate } from '../check/evaluate.js';
import { type Host, host, toTensor } from '../check/host.js';
import { loadGolden } from '../load-golden.js';

interface Entry {
  shape: number[];
  dtype: DType;
  values: number[];
}
interface GoldenOp {
  inputs: Entry[];
  output: Entry;
  cotangent: Entry;
  grads: (Entry | null)[];
}
/** The shape of golden/ops.json. */
export interface GoldenOps {
  torch: string;
  ops: Record<string, GoldenOp>;
}

type Fn = (...xs: Tensor[]) => Tensor;
const L = core.losses;

/** Our op for each golden id, with the kernels it exercises. */
const OURS: Record<string, [Fn, KernelName[]]> = {
  neg: [core.neg, ['neg']],
  abs: [core.abs, ['abs']],
  exp: [core.exp, ['exp']],
  log: [core.log, ['log']],
  log1p: [core.log1p, ['log1p']],
  sqrt: [core.sqrt, ['sqrt']],
  reciprocal: [core.reciprocal, ['reciprocal']],
  tanh: [core.tanh, ['tanh']],
  sigmoid: [core.sigmoid, ['sigmoid']],
  sin: [core.sin, ['sin']],
  cos: [core.cos, ['cos']],
  square: [core.square, ['mul']],
  rsqrt: [core.rsqrt, ['sqrt', 'reciprocal']],
  relu: [core.relu, ['relu']],
  leakyRelu: [(x) => core.leakyRelu(x, 0.01), ['greater', 'where']],
  softplus: [core.softplus, ['exp', 'log1p']],
  elu: [(x) => core.elu(x), ['exp', 'where']],
  add: [core.add, ['add']],
  sub: [core.sub, ['sub']],
  mul: [core.mul, ['mul']],
  div: [core.div, ['div']],
  pow: [core.pow, ['pow']],
  maximum: [core.maximum, ['maximum']],
  minimum: [core.minimum, ['minimum']],
  sum: [(x) => core.sum(x, [0, 2]), ['sum']],
  'sum/keepDims': [(x) => core.sum(x, 1, true), ['sum']],
  mean: [(x) => core.mean(x, -1), ['sum']],
  max: [(x) => core.max(x, 1), ['max']],
  min: [(x) => core.min(x, 0), ['min']],
  logSumExp: [(x) => core.logSumExp(x, 1), ['max', 'exp', 'sum', 'log']],
  softmax: [(x) => core.softmax(x), ['softmax']],
  'softmax/axis0': [(x) => core.softmax(x, 0), ['exp', 'sum']],
  logSoftmax: [(x) => core.logSoftmax(x), ['logSoftmax']],
  matmul: [(a, b) => core.matmul(a, b), ['matmul']],
  'matmul/transposeA': [(a, b) => core.matmul(a, b, { transposeA: true }), ['matmul']],
  'matmul/transposeB': [(a, b) => core.matmul(a, b, { transposeB: true }), ['matmul']],
  'matmul/transposeAB': [(a, b) => core.matmul(a, b, { transposeA: true, transposeB: true }), ['matmul']],
  'matmul/batched': [(a, b) => core.matmul(a, b), ['matmul']],
  transpose: [(x) => core.transpose(x, [2, 0, 1]), ['transpose']],
  concat: [(a, b) => core.concat([a, b], 1), ['concat']],
  slice: [(x) => core.slice(x, [1, 2], [2, 4]), ['slice']],
  pad: [
    (x) =>
      core.pad(
        x,
        [
          [1, 0],
          [2, 1],
        ],
        0.5,
      ),
    ['pad'],
  ],
  gather: [(x, i) => core.gather(x, i, 0), ['gather', 'scatterAdd']],
  broadcastTo: [(x) => core.broadcastTo(x, [2, 3, 4]), ['broadcastTo']],
  'losses/squaredError': [L.squaredError, ['sub', 'mul', 'sum']],
  'losses/mse': [L.mse, ['sub', 'mul', 'sum']],
  'losses/binaryCrossEntropy': [L.binaryCrossEntropy, ['log', 'maximum']],
  'losses/binaryCrossEntropyWithLogits': [L.binaryCrossEntropyWithLogits, ['abs', 'exp', 'log1p']],
  'losses/softmaxCrossEntropy': [L.softmaxCrossEntropy, ['softmaxCrossEntropy']],
  'losses/softmaxCrossEntropy/probabilities': [L.softmaxCrossEntropy, ['logSoftmax']],
};

/** Forward tolerance against PyTorch (float32 transcendental results may differ by an ulp or two). */
export const GOLDEN_TOLERANCE = { rtol: 1e-5, atol: 1e-6 };
/** Gradient tolerance against PyTorch (several chained float32 roundings). */
export const GOLDEN_GRAD_TOLERANCE = { rtol: 1e-4, atol: 1e-5 };

const asHost = (e: Entry): Host => host(e.values, e.shape, e.dtype);

function goldenCase(id: string, golden: GoldenOp, [f, kernels]: [Fn, KernelName[]]): ConformanceCase {
  return {
    id: `golden/${id}`,
    kernels,
    run: async () => {
      const float = golden.inputs.map((e) => e.dtype === 'float32');
      const [y, ...grads] = await evaluate(() => {
        const xs = golden.inputs.map((e) => toTensor(asHost(e)));
        const wrt = xs.filter((_, i) => float[i]);
        const g = (...w: Tensor[]) => f(...xs.map((x, i) => (float[i] ? w[wrt.indexOf(x)] : x)));
        const { value, grads: gs } = core.vjp(g, wrt, toTensor(asHost(golden.cotangent)));
        return [value, ...gs];
      });
      check(`golden/${id}: output vs PyTorch`, y, asHost(golden.output), GOLDEN_TOLERANCE);
      const expected = golden.grads.filter((g): g is Entry => g !== null);
      assert(
        expected.length === grads.length,
        `golden/${id}: expected ${expected.length} gradients, got ${grads.length}`,
      );
      grads.forEach((g, i) =>
        check(`golden/${id}: gradient ${i} vs PyTorch`, g, asHost(expected[i]), GOLDEN_GRAD_TOLERANCE),
      );
    },
  };
}

/** The golden cases, one per op in golden/ops.json (an op in the JSON without a TypeScript counterpart fails loudly). */
export function goldenCases(): ConformanceCase[] {
  const { ops } = loadGolden<GoldenOps>('ops.json');
  return Object.entries(ops).map(([id, g]) => {
    const ours = OURS[id];
    if (!ours) throw new Error(`golden/ops.json has op "${id}" but the suite has no TypeScript counterpart`);
    return goldenCase(id, g, ours);
  });
}
