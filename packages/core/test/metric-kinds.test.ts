/**
 * The new metrics and the mechanism behind them: metrics kept as several sums (R², precision,
 * recall, F1), their totals in the training state (a run resumed mid-epoch logs the same), top-k
 * accuracy, MAE, and `metrics` typed by name.
 */
import {
  type ArrayDataset,
  checkpoint,
  concat,
  evaluate,
  f1,
  fit,
  type History,
  losses,
  type Metric,
  type MetricSpec,
  metrics,
  nn,
  precision,
  recall,
  reshape,
  ShapeError,
  sum,
  type Tensor,
  tensor,
  topK,
  trainStep,
  ValueError,
} from '@backprop/core';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { MetricTotals } from '../src/train/metric-totals.js';
import { resolveMetrics } from '../src/train/metrics.js';
import { PlainSGD } from './optimizers.js';
import { useCpu } from './setup.js';

beforeAll(useCpu);

const read = (t: Tensor): number[] => Array.from(t.dataSync());

describe('top-k accuracy', () => {
  const scores = () => tensor([0.1, 0.5, 0.4, 0.7, 0.2, 0.1, 0.3, 0.3, 0.4], [3, 3]);
  it('counts an example when its class is among the k best; ties do not push it out', () => {
    const [name, fn] = topK(2);
    expect(name).toBe('top2Accuracy');
    const labels = tensor(new Int32Array([2, 2, 0]), [3], 'int32');
    // Row 1: 0.4 is 2nd → hit. Row 2: 0.1 is 3rd → miss. Row 3: 0.3 ties 0.3, below 0.4 → hit.
    expect(read(fn(scores(), labels))).toEqual([2]);
    expect(read(topK(1)[1](scores(), labels))).toEqual([0]);
    // k not below the classes: every example would count (always 1), so it is refused, as scikit-learn warns.
    expect(() => topK(3)[1](scores(), labels)).toThrow(
      'top3Accuracy: k = 3 is not below the 3 classes, so every example would count as correct; use a smaller k',
    );
    const oneHot = tensor([0, 0, 1, 0, 0, 1, 1, 0, 0], [3, 3]);
    expect(read(fn(scores(), oneHot))).toEqual([2]);
  });

  it('rejects a bad k, one column, and out-of-range labels', () => {
    for (const k of [0, 1.5, -1, Number.NaN]) expect(() => topK(k)).toThrow(ValueError);
    expect(() => topK(0)).toThrow(/^topK: k must be a positive integer, got 0$/);
    expect(() => topK(1)[1](tensor([0.5, 0.2], [2, 1]), tensor(new Int32Array([0, 1]), [2], 'int32'))).toThrow(
      ShapeError,
    );
    expect(() => topK(1)[1](scores(), tensor(new Int32Array([0, 1, 3]), [3], 'int32'))).toThrow(/out of range/);
  });
});

describe('precision, recall and F1', () => {
  it('binary: thresholds on probabilities or logits, counted as [tp, predicted, actual]', () => {
    const p = tensor([0.9, 0.6, 0.4, 0.2, 0.7], [5, 1]);
    const y = tensor([1, 0, 1, 0, 1], [5, 1]);
    expect(read(precision().sums(p, y))).toEqual([2, 3, 3]);
    expect(precision().result([2, 3, 3], 5)).toBeCloseTo(2 / 3, 12);
    expect(recall().result([2, 3, 3], 5)).toBeCloseTo(2 / 3, 12);
    expect(read(precision({ threshold: 0.3 }).sums(p, y))).toEqual([3, 4, 3]);
    const z = tensor([2, 0.5, -0.1, -3, 0.1], [5]);
    expect(read(recall({ threshold: 0 }).sums(z, tensor(new Int32Array([1, 0, 1, 0, 1]), [5], 'int32')))).toEqual([
      2, 3, 3,
    ]);
    // Nothing predicted positive: 0, as scikit-learn's zero_division=0.
    expect(precision().result([0, 0, 3], 5)).toBe(0);
    expect(f1().result([0, 0, 0], 5)).toBe(0);
  });

  it('several columns need an average; macro counts only classes seen in targets or predictions', () => {
    const p = tensor([0.9, 0.1, 0, 0.2, 0.8, 0, 0.6, 0.4, 0], [3, 3]);
    const y = tensor(new Int32Array([0, 1, 1]), [3], 'int32');
    expect(() => precision().sums(p, y)).toThrow(ShapeError);
    expect(() => precision().sums(p, y)).toThrow(/pass average 'macro', 'weighted' or 'micro' for 3 classes/);
    const macro = precision({ average: 'macro' });
    const totals = read(macro.sums(p, y));
    // Predicted 0, 1, 0 against 0, 1, 1: tp [1, 1, 0], predicted [2, 1, 0], actual [1, 2, 0].
    expect(totals).toEqual([1, 1, 0, 2, 1, 0, 1, 2, 0]);
    expect(macro.result(totals, 3)).toBeCloseTo((1 / 2 + 1) / 2, 12);
    expect(recall({ average: 'weighted' }).result(totals, 3)).toBeCloseTo((1 * 1 + 2 * 0.5) / 3, 12);
    expect(f1({ average: 'micro' }).result(totals, 3)).toBeCloseTo(2 / 3, 12);
  });

  it('rejects a threshold that is not finite and an unknown average', () => {
    expect(() => precision({ threshold: Number.NaN })).toThrow(
      /^precision: threshold must be a finite number, got NaN$/,
    );
    expect(() => f1({ average: 'samples' as never })).toThrow(
      /^f1: average must be 'binary', 'macro', 'micro' or 'weighted', got "samples"$/,
    );
  });
});

describe('regression metrics', () => {
  it('mae and mse take targets [N] for predictions [N, 1] without broadcasting to N×N', () => {
    const p = tensor([1, 2, 3], [3, 1]);
    const y = tensor([1.5, 2, 1], [3]);
    expect(read(metrics.mae(p, y))).toEqual([2.5]);
    expect(read(metrics.mse(p, y))).toEqual([4.25]);
  });

  it('r2 of a constant target: 1 when predicted exactly, else 0 (scikit-learn)', () => {
    const y = tensor([2, 2, 2], [3, 1]);
    expect(metrics.r2.result(read(metrics.r2.sums(y, y)), 3)).toBe(1);
    expect(metrics.r2.result(read(metrics.r2.sums(tensor([2, 2, 3], [3, 1]), y)), 3)).toBe(0);
    // One example has no spread to explain: NaN, as scikit-learn's r2_score (it was 0).
    const one = tensor([3], [1, 1]);
    expect(metrics.r2.result(read(metrics.r2.sums(tensor([1], [1, 1]), one)), 1)).toBeNaN();
  });
});

describe('metric totals', () => {
  const fns = resolveMetrics('fit', ['accuracy', 'precision']);

  it('adds each batch, keeps the layout [sizes…, sums…] and reads it back', () => {
    const totals = new MetricTotals('fit', fns);
    expect(totals.toArray()).toEqual([]);
    totals.add([[3], [1, 2, 2]]);
    totals.add([[1], [2, 2, 3]]);
    expect(totals.toArray()).toEqual([1, 3, 4, 3, 4, 5]);
    expect(totals.values(8)).toEqual({ accuracy: 0.5, precision: 0.75 });
    expect(MetricTotals.fromArray('fit', fns, totals.toArray()).values(8)).toEqual(totals.values(8));
  });

  it('reads the earlier layout (one sum per plain metric), and refuses sums that do not fit', () => {
    const plain = resolveMetrics('fit', ['accuracy', 'mse']);
    expect(MetricTotals.fromArray('fit', plain, [3, 0.5]).values(4)).toEqual({ accuracy: 0.75, mse: 0.125 });
    expect(() => MetricTotals.fromArray('fit', fns, [3, 1])).toThrow(ValueError);
    expect(() => MetricTotals.fromArray('fit', fns, [1, 3, 4, 3, 4])).toThrow(/do not fit the 2 metrics/);
    expect(() => MetricTotals.fromArray('fit', [], [1])).toThrow(ValueError);
    const totals = new MetricTotals('fit', fns);
    totals.add([[1], [1, 1, 1]]);
    expect(() => totals.add([[1], [1, 1, 1, 1, 1, 1]])).toThrow(/"precision" gave 6 sums on this batch and 3/);
  });

  it('a run resumed mid-epoch logs what the straight run logs (R², F1 macro, top-k)', async () => {
    const n = 17;
    const data: ArrayDataset = {
      x: Float32Array.from({ length: n * 3 }, (_, i) => Math.sin(1.3 * i)),
      xShape: [n, 3],
      y: Int32Array.from({ length: n }, (_, i) => (i * 7) % 3),
      yShape: [n],
    };
    const opts = {
      loss: losses.softmaxCrossEntropy,
      batchSize: 4,
      epochs: 2,
      verbose: false,
      metrics: ['accuracy', topK(2), ['macroF1', f1({ average: 'macro' })], precision({ average: 'weighted' })],
    } as const;
    const straight = await fit(nn.dense(3, 3, { seed: 4 }), data, { ...opts, optimizer: new PlainSGD(0.2) });
    const saved: Uint8Array[] = [];
    await fit(nn.dense(3, 3, { seed: 4 }), data, {
      ...opts,
      epochs: 1,
      optimizer: new PlainSGD(0.2),
      callbacks: [checkpoint({ every: 0, everyBatches: 3, save: (b) => void saved.push(b) })],
    });
    const resumed = await fit(nn.dense(3, 3, { seed: 9 }), data, {
      ...opts,
      optimizer: new PlainSGD(0.2),
      resume: saved[0], // after 3 of 5 batches of the first epoch
      callbacks: [checkpoint({ every: 0, everyBatches: 3, save: () => {} })],
    });
    expect(resumed.epochs).toEqual(straight.epochs);
    expect(Object.keys(straight.epochs[0])).toEqual(['loss', 'accuracy', 'top2Accuracy', 'macroF1', 'precision', 'lr']);
  });
});

describe('metric specs', () => {
  /** The fraction of outputs above 0 over the epoch: a user's Metric with two sums. */
  const positive: Metric<'positive'> = {
    name: 'positive',
    sums: (p) => concat([reshape(sum(p.greater(0).cast('float32')), [1]), tensor([p.size])], 0),
    result: ([pos, outputs]) => pos / outputs,
  };
  const data: ArrayDataset = {
    x: Float32Array.from([-1, 2, 3, -4, 5]),
    xShape: [5, 1],
    y: Float32Array.from([0, 1, 1, 0, 1]),
    yShape: [5, 1],
  };
  const identity = () => {
    const m = nn.dense(1, 1);
    m.loadStateDict(
      new Map([
        ['weight', tensor([1], [1, 1])],
        ['bias', tensor([0], [1])],
      ]),
    );
    return m;
  };

  it('a Metric alone is logged under its name, in a pair under the pair name', async () => {
    const r = await evaluate(identity(), data, { metrics: [positive, ['renamed', positive]], batchSize: 2 });
    expect(r).toEqual({ positive: 0.6, renamed: 0.6 });
    const step = trainStep(identity(), { loss: losses.mse, optimizer: new PlainSGD(0), metrics: [positive, 'mae'] });
    const result = await step(tensor([1, -1, 2], [3, 1]), tensor([0, 0, 0], [3, 1]));
    expect(result.metrics).toEqual([2 / 3, 4]); // a Metric's value, a plain function's sum
    expect(result.metricSums).toEqual([[2, 3], [4]]);
  });

  it('names are typed: logs are typed by the metrics given, a misspelt name does not compile', async () => {
    const train = () =>
      fit(identity(), data, {
        loss: losses.mse,
        optimizer: new PlainSGD(0),
        verbose: false,
        validation: data,
        metrics: ['mae', positive, ['p@0', precision({ threshold: 0 })]],
      });
    const withTopK = () =>
      fit(identity(), data, { loss: losses.mse, optimizer: new PlainSGD(0), metrics: ['r2', topK(5)] });
    expectTypeOf<Awaited<ReturnType<typeof withTopK>>>().toEqualTypeOf<History<'r2' | 'top5Accuracy'>>();
    const h = await train();
    expectTypeOf(h).toEqualTypeOf<History<'mae' | 'positive' | 'p@0'>>();
    expectTypeOf(h.epochs[0].valPositive).toEqualTypeOf<number>();
    expectTypeOf(h.epochs[0].lr).toEqualTypeOf<number | undefined>();
    expect(h.epochs[0].valPositive).toBe(0.6);
    expect(h.epochs[0]['valP@0']).toBe(1);
    // @ts-expect-error 'acurracy' is not a metric name
    const typo: MetricSpec = 'acurracy';
    expect(() => resolveMetrics('evaluate', [typo])).toThrow(/unknown metric "acurracy"/);
    expect(() => resolveMetrics('fit', [['lr', positive]])).toThrow(/cannot be named "lr"/);
    expect(() => resolveMetrics('fit', [{ name: 'x', sums: 1 } as never])).toThrow(/a metric is a name, a Metric/);
  });
});
