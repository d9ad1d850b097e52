/** Finite-difference gradient checks for every differentiable op, and second-order (grad of grad) checks. */

import type { KernelName, Tensor } from '@backprop/core';
import * as core from '@backprop/core';
import type { ConformanceCase } from '../case.js';
import { valueCase } from '../check/evaluate.js';
import { awayFromZero, gradCase, type InputSpec, normalInput } from '../check/gradient.js';
import { host, mapHost, uniform } from '../check/host.js';

const n = normalInput;
const away = awayFromZero(0.1);
const positive = (x: number) => Math.abs(x) + 0.5;
const int = (xs: number[], shape = [xs.length]) => host(xs, shape, 'int32');

type GradSpec = [id: string, kernels: KernelName[], inputs: InputSpec[], f: (...xs: Tensor[]) => Tensor];

const UNARY: GradSpec[] = [
  ['neg', ['neg'], [n(1, [3, 4])], core.neg],
  ['abs', ['abs'], [n(2, [3, 4], away)], core.abs],
  ['exp', ['exp'], [n(3, [3, 4])], core.exp],
  ['log', ['log'], [n(4, [3, 4], positive)], core.log],
  ['log1p', ['log1p'], [n(5, [3, 4], positive)], core.log1p],
  ['sqrt', ['sqrt'], [n(6, [3, 4], positive)], core.sqrt],
  ['reciprocal', ['reciprocal'], [n(7, [3, 4], (x) => Math.sign(x || 1) * positive(x))], core.reciprocal],
  ['tanh', ['tanh'], [n(8, [3, 4])], core.tanh],
  ['sigmoid', ['sigmoid'], [n(9, [3, 4])], core.sigmoid],
  ['sin', ['sin'], [n(10, [3, 4])], core.sin],
  ['cos', ['cos'], [n(11, [3, 4])], core.cos],
  ['floor', ['floor'], [n(12, [3, 4], (x) => Math.floor(x * 3) / 3 + 0.5 / 3)], core.floor],
  ['square', ['mul'], [n(13, [3, 4])], core.square],
  ['rsqrt', ['sqrt', 'reciprocal'], [n(14, [3, 4], positive)], core.rsqrt],
  ['relu', ['relu', 'reluGrad'], [n(15, [3, 4], away)], core.relu],
  ['leakyRelu', ['greater', 'where'], [n(16, [3, 4], away)], (x) => core.leakyRelu(x, 0.2)],
  ['softplus', ['exp', 'log1p'], [n(17, [3, 4])], core.softplus],
  ['elu', ['exp', 'where'], [n(18, [3, 4], away)], (x) => core.elu(x, 1.3)],
];

/** Distinct values 0.2 apart (no ties within 2ε), for maximum / minimum and max / min reductions. */
const grid = host(
  Array.from({ length: 12 }, (_, i) => Math.fround(-1.1 + 0.2 * ((i * 5) % 12))),
  [3, 4],
);
const grid35 = host(
  Array.from({ length: 15 }, (_, i) => Math.fround(-1.4 + 0.2 * ((i * 7) % 15))),
  [3, 5],
);
const binaryInputs = (seed: number, sa: number[], sb: number[], mb?: (x: number) => number): InputSpec[] => [
  n(seed, sa),
  n(seed + 1, sb, mb),
];

const BINARY: GradSpec[] = [
  ['add', ['add', 'sum'], binaryInputs(20, [3, 4], [4]), core.add],
  ['add/both-sides', ['add', 'sum'], binaryInputs(22, [3, 1], [1, 4]), core.add],
  ['sub', ['sub', 'neg', 'sum'], binaryInputs(24, [2, 3, 4], [3, 1]), core.sub],
  ['mul', ['mul'], binaryInputs(26, [3, 4], [3, 4]), core.mul],
  ['mul/broadcast', ['mul', 'sum'], binaryInputs(28, [3, 4], []), core.mul],
  ['div', ['div'], binaryInputs(30, [3, 4], [4], (x) => Math.sign(x || 1) * positive(x)), core.div],
  ['pow', ['pow', 'log'], [n(32, [3, 4], positive), n(33, [3, 4])], core.pow],
  ['pow/constant-exponent', ['pow'], [n(34, [3, 4], positive)], (x) => core.pow(x, 3)],
  [
    'maximum',
    ['maximum', 'greater', 'less', 'equal'],
    [grid, mapHost(grid, (x, i) => x + (i % 3 === 0 ? 0.3 : -0.3))],
    core.maximum,
  ],
  ['minimum', ['minimum', 'greater', 'less', 'equal'], [grid, host([-0.4, 0, 0.4, 0.8])], core.minimum],
  [
    'where',
    ['where'],
    [host([1, 0, 1, 1, 0, 0], [2, 3], 'bool'), n(37, [2, 3]), n(38, [3])],
    (c, a, b) => core.where(c, a, b),
  ],
];

const REDUCE: GradSpec[] = [
  ['sum', ['sum', 'broadcastTo'], [n(40, [3, 4, 5])], (x) => core.sum(x, 1)],
  ['sum/keepDims', ['sum', 'broadcastTo'], [n(41, [3, 4, 5])], (x) => core.sum(x, [0, 2], true)],
  ['sum/all', ['sum', 'broadcastTo'], [n(42, [3, 4])], (x) => core.sum(x)],
  ['mean', ['sum', 'div'], [n(43, [3, 4, 5])], (x) => core.mean(x, -1, true)],
  ['max', ['max', 'equal'], [grid35], (x) => core.max(x, 1)],
  ['max/keepDims', ['max', 'equal'], [grid35], (x) => core.max(x, 0, true)],
  ['min', ['min', 'equal'], [grid35], (x) => core.min(x, [0, 1])],
  ['logSumExp', ['max', 'exp', 'sum', 'log'], [n(47, [3, 5])], (x) => core.logSumExp(x, 1)],
  ['logSumExp/keepDims', ['max', 'exp', 'sum', 'log'], [n(48, [3, 5])], (x) => core.logSumExp(x, 0, true)],
  ['softmax', ['softmax'], [n(49, [3, 5])], (x) => core.softmax(x)],
  ['softmax/axis0', ['exp', 'sum'], [n(50, [3, 5])], (x) => core.softmax(x, 0)],
  ['logSoftmax', ['logSoftmax'], [n(51, [3, 5])], (x) => core.logSoftmax(x)],
  ['logSoftmax/axis0', ['exp', 'sum'], [n(52, [3, 5])], (x) => core.logSoftmax(x, 0)],
];

const MATMUL: GradSpec[] = (
  [
    ['matmul', false, false],
    ['matmul/transposeA', true, false],
    ['matmul/transposeB', false, true],
    ['matmul/transposeAB', true, true],
  ] as const
).map(([id, tA, tB], i) => [
  id,
  ['matmul'],
  [n(60 + 2 * i, tA ? [4, 3] : [3, 4]), n(61 + 2 * i, tB ? [5, 4] : [4, 5])],
  (a: Tensor, b: Tensor) => core.matmul(a, b, { transposeA: tA, transposeB: tB }),
]);
MATMUL.push([
  'matmul/batched/broadcast',
  ['matmul', 'sum'],
  [n(70, [2, 1, 3, 4]), n(71, [3, 4, 2])],
  (a, b) => core.matmul(a, b),
]);

const LAYOUT: GradSpec[] = [
  ['gather', ['gather', 'scatterAdd'], [n(80, [4, 3]), int([3, 0, 3, 1])], (x, i) => core.gather(x, i, 0)],
  [
    'gather/axis1',
    ['gather', 'scatterAdd'],
    [n(81, [2, 4, 3]), int([2, 2, 0, 1], [2, 2])],
    (x, i) => core.gather(x, i, 1),
  ],
  [
    'scatterAdd',
    ['scatterAdd', 'gather'],
    [n(82, [4, 3]), int([1, 0, 1, 2])],
    (u, i) => core.scatterAdd(u, i, 0, [3, 3]),
  ],
  ['slice', ['slice', 'pad'], [n(83, [4, 5])], (x) => core.slice(x, [1, 2], [2, 3])],
  [
    'pad',
    ['pad', 'slice'],
    [n(84, [2, 3])],
    (x) =>
      core.pad(
        x,
        [
          [1, 0],
          [2, 1],
        ],
        0.5,
      ),
  ],
  [
    'concat',
    ['concat', 'slice'],
    [n(85, [2, 3]), n(86, [2, 1]), n(87, [2, 2])],
    (a, b, c) => core.concat([a, b, c], 1),
  ],
  ['broadcastTo', ['broadcastTo', 'sum'], [n(88, [3, 1])], (x) => core.broadcastTo(x, [2, 3, 4])],
  ['transpose', ['transpose'], [n(89, [2, 3, 4])], (x) => core.transpose(x, [2, 0, 1])],
  ['reshape', [], [n(90, [2, 6])], (x) => core.expandDims(core.flatten(core.reshape(x, [3, 4]), 0), 0)],
  ['squeeze', [], [n(91, [1, 3, 1])], (x) => core.squeeze(x)],
  [
    'cast',
    ['cast'],
    [n(92, [3], away)],
    (x) => core.mul(core.cast(x, 'float32'), core.cast(core.greater(x, 0), 'float32')),
  ],
];

const labels = int([2, 0, 4]);
const LOSSES: GradSpec[] = [
  ['losses/squaredError', ['sub', 'mul', 'sum'], [n(100, [3, 4]), n(101, [3, 4])], core.losses.squaredError],
  ['losses/mse', ['sub', 'mul', 'sum'], [n(102, [3, 4]), n(103, [3, 4])], core.losses.mse],
  [
    'losses/binaryCrossEntropy',
    ['log', 'maximum'],
    [uniform(104, [3, 4], 0.1, 0.9), uniform(105, [3, 4], 0, 1)],
    core.losses.binaryCrossEntropy,
  ],
  [
    'losses/binaryCrossEntropyWithLogits',
    ['abs', 'exp', 'log1p'],
    [n(106, [3, 4], away), uniform(107, [3, 4], 0, 1)],
    core.losses.binaryCrossEntropyWithLogits,
  ],
  ['losses/softmaxCrossEntropy', ['softmaxCrossEntropy'], [n(108, [3, 5]), labels], core.losses.softmaxCrossEntropy],
  [
    'losses/softmaxCrossEntropy/one-hot',
    ['logSoftmax'],
    [n(109, [3, 5]), uniform(110, [3, 5], 0, 0.4)],
    core.losses.softmaxCrossEntropy,
  ],
];

/** Second order: the gradient of a function that takes a gradient. */
const firstGrad = (f: (x: Tensor) => Tensor) => (x: Tensor) => core.grad((y: Tensor) => core.sum(f(y)))(x)[0];
const SECOND: GradSpec[] = [
  ['second/tanh', ['tanh', 'mul'], [n(120, [2, 3])], firstGrad(core.tanh)],
  ['second/exp-mul', ['exp', 'mul'], [n(121, [2, 3])], firstGrad((x) => core.mul(core.exp(x), core.mul(x, x)))],
  ['second/sigmoid', ['sigmoid'], [n(122, [2, 3])], firstGrad(core.sigmoid)],
  ['second/matmul', ['matmul'], [n(123, [2, 3])], firstGrad((x) => core.matmul(core.mul(x, x), core.transpose(x)))],
  // relu's and the cross-entropy's backward passes, recorded: a backend's fused reluGrad and
  // softmaxCrossEntropyGrad kernels have no gradient of their own, so core must take the composition here.
  ['second/relu', ['relu', 'where'], [n(124, [2, 3], away)], firstGrad((x) => core.mul(core.relu(x), core.mul(x, x)))],
  [
    'second/softmaxCrossEntropy',
    ['softmaxCrossEntropy', 'equal'],
    [n(125, [3, 5]), labels],
    (z, y) => core.grad((w: Tensor) => core.losses.softmaxCrossEntropy(w, y))(z)[0],
  ],
];

/** The gradient cases. */
export const gradientCases: ConformanceCase[] = [
  ...[...UNARY, ...BINARY, ...REDUCE, ...MATMUL, ...LAYOUT, ...LOSSES, ...SECOND].map(([id, kernels, inputs, f]) =>
    gradCase({ id: `grad/${id}`, kernels, inputs, f }),
  ),
  valueCase({
    id: 'grad/maximum/tie',
    kernels: ['maximum', 'max', 'equal'],
    f: () => [
      ...core.grad((a: Tensor, b: Tensor) => core.sum(core.maximum(a, b)))(
        core.tensor([1, 2, -1]),
        core.tensor([1, 3, -2]),
      ),
      ...core.grad((a: Tensor) => core.sum(core.max(a, 1)))(core.tensor([[1, 3, 3, 0]])),
    ],
    expected: [host([0.5, 0, 1]), host([0.5, 1, 0]), host([0, 0.5, 0.5, 0], [1, 4])],
  }),
  valueCase({
    id: 'grad/relu/zero',
    kernels: ['reluGrad', 'abs'],
    f: () => [
      core.grad((x: Tensor) => core.sum(core.relu(x)))(core.tensor([0, 1, -1]))[0],
      core.grad((x: Tensor) => core.sum(core.abs(x)))(core.tensor([0, 2, -2]))[0],
    ],
    expected: [host([0, 1, 0]), host([0, 1, -1])],
  }),
  valueCase({
    id: 'grad/stopGradient',
    kernels: ['exp', 'mul'],
    f: () =>
      core.grad((x: Tensor) => core.sum(core.mul(x, core.stopGradient(core.exp(x)))))(core.tensor([0, 1, -2]))[0],
    expected: host([1, Math.E, Math.exp(-2)]),
  }),
];
