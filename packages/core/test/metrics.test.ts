/** Metrics: `accuracy` on one column is unchanged, `binaryAccuracy({ threshold })` and `logitAccuracy` for logits, and metric resolution. */
import {
  type ArrayDataset,
  binaryAccuracy,
  evaluate,
  fit,
  losses,
  metrics,
  nn,
  predict,
  ShapeError,
  sigmoid,
  type Tensor,
  tensor,
  topK,
  ValueError,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { accuracySum, resolveMetrics } from '../src/train/metrics.js';
import { PlainSGD } from './optimizers.js';
import { useCpu } from './setup.js';

beforeAll(useCpu);

const read = (t: Tensor): number => t.dataSync()[0];

// Logits and 0/1 targets, worked out by hand:
//   logit   −2    0.3   0     1.5   −0.1
//   target   0    1     0     0     1
//   > 0      F ✓  T ✓   F ✓   T ✗   F ✗   → 3 correct (0 is not > 0)
//   > 0.5    F ✓  F ✗   F ✓   T ✗   F ✗   → 2 correct
const logits = () => tensor([-2, 0.3, 0, 1.5, -0.1], [5, 1]);
const targets = () => tensor([0, 1, 0, 0, 1], [5, 1]);

describe('accuracy (unchanged)', () => {
  it('counts one-column predictions as positive above 0.5', () => {
    expect(read(metrics.accuracy(logits(), targets()))).toBe(2);
    expect(read(accuracySum(tensor([0.2, 0.7, 0.5, 0.9], [4, 1]), tensor([0, 1, 1, 1], [4, 1])))).toBe(3);
  });

  it('still takes the argmax against class labels', () => {
    const p = tensor([0.1, 0.9, 0.8, 0.2, 0.3, 0.7], [3, 2]);
    expect(read(metrics.accuracy(p, tensor(new Int32Array([1, 0, 0]), [3])))).toBe(2);
  });
});

describe('accuracy refuses a target that would broadcast', () => {
  const p = () => tensor([0.1, 0.9, 0.8, 0.2], [2, 2]);
  it('one class label for two examples is a ShapeError, not a count against the one label', () => {
    expect(() => accuracySum(p(), tensor(new Int32Array([1]), [1]))).toThrow(
      new ShapeError('accuracy: expected one class label per example (2 for prediction [2,2]), got labels [1]'),
    );
    expect(() => accuracySum(p(), tensor(new Int32Array([1, 0, 1]), [3]))).toThrow(ShapeError);
  });

  it('a one-hot target of another shape and a 0/1 target of another size are ShapeErrors', () => {
    expect(() => accuracySum(p(), tensor([0, 1], [1, 2]))).toThrow(
      new ShapeError('accuracy: one-hot target [1,2] and prediction [2,2] differ'),
    );
    expect(() => accuracySum(tensor([0.2, 0.7, 0.9], [3, 1]), tensor([1], [1, 1]))).toThrow(
      new ShapeError('accuracy: expected one 0/1 target per output, got prediction [3,1] and target [1,1]'),
    );
  });

  it('labels shaped [N, 1] still count (one per example)', () => {
    expect(read(accuracySum(p(), tensor(new Int32Array([1, 0]), [2, 1])))).toBe(2);
  });

  it('a prediction [N] is one output per example, not one example of N class scores', () => {
    // Sigmoid outputs squeezed to [N]: the argmax over the whole batch counted 1 (0.25), not 2 of 4.
    const probs = tensor([0.24, 0.21, 0.68, 0.15]);
    expect(read(accuracySum(probs, tensor([1, 0, 1, 0])))).toBe(3);
    expect(read(accuracySum(probs, tensor(new Int32Array([1, 0, 1, 0]), [4])))).toBe(3);
    expect(read(metrics.binaryAccuracy(probs, tensor([1, 0, 1, 0])))).toBe(3);
    expect(() => accuracySum(probs, tensor([1, 0]))).toThrow(
      new ShapeError('accuracy: expected one target per output, got prediction [4] and target [2]'),
    );
  });

  it('int32 targets against one output column must be 0 or 1 (a class label 2 counted as positive)', () => {
    const one = tensor([0.9, 0.9, 0.1], [3, 1]);
    const labels = tensor(new Int32Array([2, 1, 0]), [3]);
    const message = /label 2 at position 0 is out of range \[0, 2\) for 2 classes/;
    expect(() => accuracySum(one, labels)).toThrow(message);
    expect(() => metrics.binaryAccuracy(one, labels)).toThrow(message);
    expect(() => metrics.precision.sums(one, labels)).toThrow(message);
    expect(read(accuracySum(one, tensor(new Int32Array([1, 1, 0]), [3])))).toBe(3);
  });
});

describe('mse refuses a target that would broadcast', () => {
  it('one target per output, as mae and r2 (a [4, 1] target against [4, 3] predictions was broadcast)', () => {
    const p = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [4, 3]);
    expect(() => metrics.mse(p, tensor([1, 2, 3, 4], [4, 1]))).toThrow(
      new ShapeError('mse: expected one target per output, got prediction [4,3] and target [4,1]'),
    );
    expect(() => metrics.mse(tensor([1, 2, 3, 4], [4, 1]), tensor([1, 2]))).toThrow(ShapeError);
    expect(read(metrics.mse(tensor([1, 2, 3, 4], [4, 1]), tensor([1, 2, 3, 6])))).toBe(4);
  });
});

describe('binaryAccuracy({ threshold })', () => {
  it('threshold 0 counts logits > 0 as positive', () => {
    expect(read(binaryAccuracy({ threshold: 0 })(logits(), targets()))).toBe(3);
    expect(read(metrics.logitAccuracy(logits(), targets()))).toBe(3);
  });

  it('the default threshold 0.5 is accuracy on one column', () => {
    expect(read(binaryAccuracy()(logits(), targets()))).toBe(read(accuracySum(logits(), targets())));
  });

  it('on logits equals accuracy on their sigmoid (σ(z) > 0.5 exactly when z > 0)', () => {
    const z = tensor([-3, -1.5, -0.25, 0.25, 0.75, 2, 4, -0.5, 1, -2], [10, 1]);
    const y = tensor([0, 1, 0, 1, 1, 0, 1, 1, 1, 0], [10, 1]);
    const onLogits = read(binaryAccuracy({ threshold: 0 })(z, y));
    expect(onLogits).toBe(read(accuracySum(sigmoid(z), y)));
    expect(onLogits).toBe(7);
  });

  it('takes int32 targets and targets of shape [N]', () => {
    const y = tensor(new Int32Array([0, 1, 0, 0, 1]), [5]);
    expect(read(binaryAccuracy({ threshold: 0 })(logits(), y))).toBe(3);
    expect(read(binaryAccuracy({ threshold: 0 })(logits(), tensor([0, 1, 0, 0, 1], [5])))).toBe(3);
  });

  it('any threshold: prediction > threshold, strictly', () => {
    const p = tensor([0.6, 0.7, 0.8, 0.9], [4, 1]);
    const y = tensor([0, 0, 1, 1], [4, 1]);
    expect(read(binaryAccuracy({ threshold: 0.7 })(p, y))).toBe(4);
    expect(read(binaryAccuracy({ threshold: 0.75 })(p, y))).toBe(4);
    expect(read(binaryAccuracy({ threshold: 0.85 })(p, y))).toBe(3);
    expect(read(binaryAccuracy({ threshold: -1 })(p, y))).toBe(2);
  });

  it('several outputs (multi-label): the sum over examples of the fraction of correct outputs', () => {
    const z = tensor([1, -1, 2, -3, -2, 0.5], [2, 3]);
    const y = tensor([1, 0, 0, 1, 0, 1], [2, 3]);
    // Row 1: T✓ F✓ T✗ → 2/3; row 2: F✗ F✓ T✓ → 2/3.
    expect(read(binaryAccuracy({ threshold: 0 })(z, y))).toBeCloseTo(4 / 3, 6);
  });

  it('rejects a threshold that is not a finite number, and class labels', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, '0' as never]) {
      expect(() => binaryAccuracy({ threshold: bad })).toThrow(ValueError);
    }
    const p = tensor([0.1, 0.9, 0.8, 0.2], [2, 2]);
    expect(() => binaryAccuracy()(p, tensor(new Int32Array([1, 0]), [2]))).toThrow(ShapeError);
    expect(() => binaryAccuracy()(p, tensor(new Int32Array([1, 0]), [2]))).toThrow(/use 'accuracy'/);
  });
});

describe('logitAccuracy in fit and evaluate', () => {
  // y = 1 when x > 0.4: a logistic model trained on logits.
  const xs = [0, 0.1, 0.2, 0.3, 0.5, 0.6, 0.7, 0.9];
  const data: ArrayDataset = {
    x: Float32Array.from(xs),
    xShape: [8, 1],
    y: Float32Array.from(xs.map((x) => (x > 0.4 ? 1 : 0))),
    yShape: [8, 1],
  };
  const byHand = (z: ArrayLike<number>, threshold: number) =>
    Array.from(z).filter((v, i) => v > threshold === data.y[i] > 0.5).length / 8;

  it('is reported beside accuracy, with the predictions of the step it measures', async () => {
    const model = nn.dense(1, 1, { seed: 2 });
    const before = (await predict(model, data)).dataSync();
    const history = await fit(model, data, {
      loss: losses.binaryCrossEntropyWithLogits,
      optimizer: new PlainSGD(0.5),
      batchSize: 'full',
      shuffle: false,
      metrics: ['accuracy', 'logitAccuracy'],
      verbose: false,
    });
    // One full batch: the metrics are those of the initial weights.
    expect(history.epochs[0].logitAccuracy).toBe(byHand(before, 0));
    expect(history.epochs[0].accuracy).toBe(byHand(before, 0.5));
    model.dispose();
  });

  it('evaluate gives the fraction of correct examples, and validation logs valLogitAccuracy', async () => {
    const model = nn.dense(1, 1, { seed: 2 });
    const history = await fit(model, data, {
      loss: losses.binaryCrossEntropyWithLogits,
      optimizer: new PlainSGD(1),
      batchSize: 4,
      epochs: 20,
      shuffle: false,
      validation: data,
      metrics: ['logitAccuracy'],
      verbose: false,
    });
    const z = (await predict(model, data)).dataSync();
    const r = await evaluate(model, data, { metrics: ['logitAccuracy', 'accuracy'] });
    expect(r.logitAccuracy).toBe(byHand(z, 0));
    expect(r.accuracy).toBe(byHand(z, 0.5));
    expect(history.epochs.at(-1)!.valLogitAccuracy).toBe(r.logitAccuracy);
    model.dispose();
  });
});

describe('resolveMetrics', () => {
  it('resolves names and [name, fn] pairs in order', () => {
    const at7 = binaryAccuracy({ threshold: 0.7 });
    const resolved = resolveMetrics('fit', ['accuracy', ['acc@0.7', at7], 'logitAccuracy']);
    expect(resolved.map(([n]) => n)).toEqual(['accuracy', 'acc@0.7', 'logitAccuracy']);
    expect(resolved[0][1]).toBe(accuracySum);
    expect(resolved[1][1]).toBe(at7);
    expect(resolved[2][1]).toBe(metrics.logitAccuracy);
  });

  it('rejects unknown names (prototype keys included), bad pairs, "loss" and duplicates', () => {
    // @ts-expect-error a misspelt name does not compile
    expect(() => resolveMetrics('fit', ['acurracy'])).toThrow(
      /unknown metric "acurracy"; expected one of accuracy, logitAccuracy, mse, binaryAccuracy, mae, r2, precision, recall, f1/,
    );
    expect(() => resolveMetrics('fit', ['toString' as never])).toThrow(ValueError);
    expect(() => resolveMetrics('fit', [['x', 1 as never]])).toThrow(/must be a function/);
    expect(() => resolveMetrics('fit', [['loss', binaryAccuracy()]])).toThrow(ValueError);
    expect(() => resolveMetrics('fit', [['', binaryAccuracy()]])).toThrow(ValueError);
    expect(() => resolveMetrics('fit', ['accuracy', ['accuracy', binaryAccuracy()]])).toThrow(/given twice/);
    expect(() => resolveMetrics('fit', [42 as never])).toThrow(ValueError);
  });
});

describe('custom metrics in fit', () => {
  it('fit and evaluate report a [name, fn] pair under its name', async () => {
    const data = {
      x: new Float32Array([-2, -1, 1, 2]),
      xShape: [4, 1],
      y: new Float32Array([0, 0, 1, 1]),
      yShape: [4, 1],
    };
    const model = nn.dense(1, 1, { seed: 3 });
    const metric = ['logitAcc', binaryAccuracy({ threshold: 0 })] as const;
    const h = await fit(model, data, {
      loss: losses.binaryCrossEntropyWithLogits,
      optimizer: new PlainSGD(0.5),
      epochs: 30,
      batchSize: 4,
      verbose: false,
      metrics: [metric],
    });
    expect(h.epochs.at(-1)?.logitAcc).toBe(1);
    expect((await evaluate(model, data, { metrics: [metric] })).logitAcc).toBe(1);
  });
});

describe('metricMode / resolveMetricMode', () => {
  it('reads the direction from the name, with the val and best prefixes', async () => {
    const { metricMode, resolveMetricMode } = await import('@backprop/core');
    expect(['loss', 'valLoss', 'valMse', 'bestValMae'].map(metricMode)).toEqual(['min', 'min', 'min', 'min']);
    expect(
      ['valAccuracy', 'valR2', 'valF1', 'precision', 'bestValRecall', 'valTop5Accuracy', 'acc@0.7'].map(metricMode),
    ).toEqual(Array(7).fill('max'));
    expect(['valRmse', 'score', 'valuation'].map(metricMode)).toEqual([undefined, undefined, undefined]);
    expect(resolveMetricMode('op', 'valRmse', 'max')).toBe('max');
    expect(() => resolveMetricMode('op', 'valRmse')).toThrow(
      /^op: mode 'auto' cannot tell whether "valRmse" is better lower or higher; pass mode: 'min'/,
    );
    expect(() => resolveMetricMode('op', 'valLoss', 'down')).toThrow(
      /^op: mode must be 'auto', 'min' or 'max', got "down"$/,
    );
    expect(() => resolveMetricMode('op', 3 as never)).toThrow(
      /^op: the monitored metric must be a name such as 'valLoss', got 3$/,
    );
  });
});

describe('accuracy metrics of outputs with more than one position per example ([N, T, …])', () => {
  /** Passes its input through: the predictions are the data's x. */
  class Identity extends nn.Module {
    forward(x: Tensor): Tensor {
      return x;
    }
  }
  it('are the mean over positions, summed over examples (they were T times too large)', async () => {
    // Two examples of three time steps, one probability each; 5 of the 6 positions right.
    const binary: ArrayDataset = {
      x: Float32Array.from([0.9, 0.9, 0.2, 0.1, 0.1, 0.1]),
      xShape: [2, 3, 1],
      y: Float32Array.from([1, 1, 1, 0, 0, 0]),
      yShape: [2, 3, 1],
    };
    const r = await evaluate(new Identity(), binary, {
      loss: losses.binaryCrossEntropy,
      metrics: ['accuracy', 'binaryAccuracy', 'logitAccuracy'],
    });
    expect(r.accuracy).toBeCloseTo(5 / 6, 6);
    expect(r.binaryAccuracy).toBeCloseTo(5 / 6, 6);
    expect(r.logitAccuracy).toBeCloseTo(3 / 6, 6); // every output > 0 is positive
    // Scores over 4 classes at each of 3 steps, int32 labels [N, T]: 4 of 6 steps right, 5 in the top 2.
    const scores = [
      [0.1, 0.7, 0.1, 0.1],
      [0.6, 0.2, 0.1, 0.1],
      [0.1, 0.1, 0.5, 0.3],
      [0.3, 0.4, 0.2, 0.1],
      [0.1, 0.1, 0.1, 0.7],
      [0.25, 0.25, 0.4, 0.1],
    ];
    const labels = [1, 0, 3, 1, 3, 0];
    const classes: ArrayDataset = {
      x: Float32Array.from(scores.flat()),
      xShape: [2, 3, 4],
      y: Int32Array.from(labels),
      yShape: [2, 3],
    };
    const c = await evaluate(new Identity(), classes, { metrics: ['accuracy', topK(2)] });
    expect(c.accuracy).toBeCloseTo(4 / 6, 6);
    expect(c.top2Accuracy).toBeCloseTo(6 / 6, 6);
    // One example per row (a plain [N, K] output) counts as before.
    const flat = await evaluate(new Identity(), { ...classes, xShape: [6, 4], yShape: [6] }, { metrics: ['accuracy'] });
    expect(flat.accuracy).toBeCloseTo(4 / 6, 6);
  });
});
