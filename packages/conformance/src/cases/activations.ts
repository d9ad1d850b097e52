/** Activations and losses composed in core: values against float64 references, extreme inputs that must stay finite. */
import * as core from '@backprop/core';
import type { ConformanceCase } from '../case.js';
import { valueCase } from '../check/evaluate.js';
import { type Host, host, mapHost, toTensor, uniform } from '../check/host.js';
import { reduceHost, softmaxRows } from '../check/reduce-host.js';

const NAN = Number.NaN;
const INF = Number.POSITIVE_INFINITY;
const X = [-3, -1, -0.25, 0, 0.5, 2];
const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

const logits = uniform(700, [4, 7], -3, 3);
const odd = uniform(701, [3, 129], -5, 5);
const extreme = host([1000, 0, -1000, 1e4, 1e4, 1e4, -INF, 0, 1], [3, 3]);
const labels = host([6, 0, 3, 3], [4], 'int32');
const prob = uniform(702, [4, 7], 0.05, 0.95);
const target = mapHost(uniform(703, [4, 7]), (v) => (v > 0 ? 1 : 0));

function crossEntropy(x: Host, y: readonly number[]): number {
  const lp = softmaxRows(x, true);
  const c = x.shape[1];
  return -y.reduce((s, label, r) => s + lp.values[r * c + label], 0) / y.length;
}

/** The activation and loss value cases. */
export const activationCases: ConformanceCase[] = [
  valueCase({
    id: 'relu/values',
    // The fused relu kernel where the backend has it, else lessEqual and where.
    kernels: ['relu'],
    f: () => core.relu(core.tensor(X)),
    expected: host([0, 0, 0, 0, 0.5, 2]),
  }),
  // PyTorch: relu(NaN) = NaN (NaN propagates through every activation).
  valueCase({
    id: 'relu/nan',
    kernels: ['relu'],
    f: () => core.relu(core.tensor([NAN, 1])),
    expected: host([NAN, 1]),
  }),
  valueCase({
    id: 'activations/nan',
    kernels: ['greater', 'where', 'exp'],
    f: () => [
      core.leakyRelu(core.tensor([NAN])),
      core.elu(core.tensor([NAN])),
      core.softplus(core.tensor([NAN])),
      core.sigmoid(core.tensor([NAN])),
      core.softmax(core.tensor([[NAN, 1]])),
    ],
    expected: [host([NAN]), host([NAN]), host([NAN]), host([NAN]), host([NAN, NAN], [1, 2])],
  }),
  valueCase({
    id: 'leakyRelu/values',
    kernels: ['greater', 'where', 'mul'],
    f: () => core.leakyRelu(core.tensor(X), 0.1),
    expected: host(X.map((x) => (x > 0 ? x : 0.1 * x))),
  }),
  valueCase({
    id: 'elu/values',
    kernels: ['greater', 'where', 'exp'],
    f: () => core.elu(core.tensor(X), 1.5),
    expected: host(X.map((x) => (x > 0 ? x : 1.5 * Math.expm1(x)))),
  }),
  // eˣ − 1 near 0 without cancellation (PyTorch's expm1): exp(x) − 1 gave 0 at −1e-8 and was 1.3 % off at −1e-6.
  valueCase({
    id: 'elu/small',
    kernels: ['greater', 'where', 'exp', 'log'],
    f: () => core.elu(core.tensor([-1e-8, -1e-6, -1e-4, -0.01, -17, -20, -100, -INF])),
    expected: host([-1e-8, -1e-6, -1e-4, -0.01, -17, -20, -100, -INF].map((x) => Math.expm1(x))),
    tol: { rtol: 2e-6, atol: 0 },
  }),
  // expm1 above 0 (elu/small covers below): (eˣ − 1)·x / ln eˣ overflowed float32 from x ≈ 85 (∞, then NaN).
  valueCase({
    id: 'expm1/range',
    kernels: ['exp', 'log', 'where'],
    f: () => core.expm1(core.tensor([0.5, 0.7, 1, 5, 85, 88, 88.7, 100, INF])),
    expected: host([0.5, 0.7, 1, 5, 85, 88, 88.7, 100, INF].map((x) => Math.fround(Math.expm1(Math.fround(x))))),
    tol: { rtol: 1e-5, atol: 0 }, // the overflow is the point; a GPU's exp is a few ulp off at 85
  }),
  valueCase({
    id: 'softplus/values',
    kernels: ['maximum', 'abs', 'exp', 'log1p'],
    f: () => core.softplus(core.tensor(X)),
    expected: host(X.map(softplus)),
  }),
  valueCase({
    id: 'softplus/extreme',
    kernels: ['maximum', 'abs', 'exp', 'log1p'],
    f: () => core.softplus(core.tensor([-1000, -100, 100, 1000, 40])),
    expected: host([0, softplus(-100), 100, 1000, 40]),
    tol: { rtol: 1e-6, atol: 1e-40 },
  }),
  valueCase({
    id: 'softmax/values',
    kernels: ['softmax'],
    f: () => core.softmax(toTensor(logits)),
    expected: softmaxRows(logits, false),
  }),
  valueCase({
    id: 'softmax/odd',
    kernels: ['softmax'],
    f: () => core.softmax(toTensor(odd)),
    expected: softmaxRows(odd, false),
  }),
  valueCase({
    id: 'softmax/extreme',
    kernels: ['softmax'],
    f: () => core.softmax(toTensor(extreme)),
    expected: softmaxRows(extreme, false),
  }),
  valueCase({
    id: 'softmax/axis0',
    kernels: ['max', 'exp', 'sum', 'div'],
    f: () => core.transpose(core.softmax(toTensor(logits), 0)),
    expected: softmaxRows(host(transposed(logits), [7, 4]), false),
  }),
  valueCase({
    id: 'logSoftmax/values',
    kernels: ['logSoftmax'],
    f: () => core.logSoftmax(toTensor(logits)),
    expected: softmaxRows(logits, true),
  }),
  valueCase({
    id: 'logSoftmax/odd',
    kernels: ['logSoftmax'],
    f: () => core.logSoftmax(toTensor(odd)),
    expected: softmaxRows(odd, true),
    tol: { rtol: 2e-6, atol: 2e-6 },
  }),
  valueCase({
    id: 'logSoftmax/extreme',
    kernels: ['logSoftmax'],
    f: () => core.logSoftmax(toTensor(extreme)),
    expected: softmaxRows(extreme, true),
    tol: { rtol: 2e-6, atol: 2e-6 },
  }),
  // Along an axis that is not the last (the composed path): (x − m) − log Σ e^{x − m}, so large
  // logits cancel before the log is taken off; x − logSumExp lost an ulp of the largest logit.
  valueCase({
    id: 'logSoftmax/axis0-large',
    kernels: ['max', 'exp', 'sum', 'log'],
    f: () => [
      core.logSoftmax(core.tensor([[1000], [1000]]), 0),
      core.logSoftmax(
        core.tensor([
          [1e4, 5e4],
          [1e4 + 1, 5e4 + 2],
        ]),
        0,
      ),
    ],
    expected: [
      host([-Math.LN2, -Math.LN2], [2, 1]),
      host(
        [-Math.log1p(Math.E), -Math.log1p(Math.exp(-2)) - 2, -Math.log1p(Math.exp(-1)), -Math.log1p(Math.exp(-2))],
        [2, 2],
      ),
    ],
    tol: { rtol: 1e-6, atol: 1e-7 },
  }),
  valueCase({
    id: 'softmax/empty',
    kernels: ['softmax', 'logSoftmax'],
    f: () => [core.softmax(core.zeros([0, 3])), core.logSoftmax(core.zeros([0, 3]))],
    expected: [host([], [0, 3]), host([], [0, 3])],
  }),
  valueCase({
    id: 'losses/squaredError',
    kernels: ['sub', 'mul', 'sum'],
    f: () => core.losses.squaredError(toTensor(prob), toTensor(target)),
    expected: host([prob.values.reduce((s, p, i) => s + 0.5 * (p - target.values[i]) ** 2, 0) / 4], []),
  }),
  valueCase({
    id: 'losses/mse',
    kernels: ['sub', 'mul', 'sum'],
    f: () => core.losses.mse(toTensor(prob), toTensor(target)),
    expected: host([prob.values.reduce((s, p, i) => s + (p - target.values[i]) ** 2, 0) / 28], []),
  }),
  valueCase({
    id: 'losses/binaryCrossEntropy',
    kernels: ['log', 'maximum', 'mul', 'sum'],
    f: () => [
      core.losses.binaryCrossEntropy(toTensor(prob), toTensor(target)),
      core.losses.binaryCrossEntropy(core.tensor([0, 1, 1]), core.tensor([1, 0, 1])),
    ],
    expected: [
      host([-prob.values.reduce((s, p, i) => s + (target.values[i] ? Math.log(p) : Math.log(1 - p)), 0) / 28], []),
      host([200 / 3], []),
    ],
  }),
  valueCase({
    id: 'losses/binaryCrossEntropyWithLogits',
    kernels: ['maximum', 'abs', 'exp', 'log1p'],
    f: () => [
      core.losses.binaryCrossEntropyWithLogits(toTensor(logits), toTensor(target)),
      core.losses.binaryCrossEntropyWithLogits(core.tensor([1000, -1000]), core.tensor([0, 1])),
    ],
    expected: [
      host([logits.values.reduce((s, z, i) => s + softplus(z) - z * target.values[i], 0) / 28], []),
      host([1000], []),
    ],
  }),
  valueCase({
    id: 'losses/softmaxCrossEntropy',
    kernels: ['softmaxCrossEntropy'],
    f: () => core.losses.softmaxCrossEntropy(toTensor(logits), toTensor(labels)),
    expected: host([crossEntropy(logits, labels.values)], []),
  }),
  valueCase({
    id: 'losses/softmaxCrossEntropy/one-hot',
    kernels: ['logSoftmax'],
    f: () => core.losses.softmaxCrossEntropy(toTensor(logits), core.oneHot(toTensor(labels), 7)),
    expected: host([crossEntropy(logits, labels.values)], []),
  }),
  valueCase({
    id: 'losses/softmaxCrossEntropy/extreme',
    kernels: ['softmaxCrossEntropy'],
    f: () =>
      core.losses.softmaxCrossEntropy(
        core.tensor([
          [1000, 0],
          [0, 1000],
        ]),
        core.tensor(Int32Array.from([0, 0])),
      ),
    expected: host([500], []),
  }),
  valueCase({
    id: 'logSumExp/rows',
    kernels: ['max', 'exp', 'sum', 'log'],
    f: () => core.logSumExp(toTensor(odd), -1, true),
    expected: reduceHost(odd, [1], (a, v) => a + Math.exp(v), 0, true, Math.log),
    tol: { rtol: 1e-5, atol: 1e-5 },
  }),
];

function transposed(x: Host): number[] {
  const [r, c] = x.shape;
  const out: number[] = [];
  for (let j = 0; j < c; j++) for (let i = 0; i < r; i++) out.push(x.values[i * c + j]);
  return out;
}
