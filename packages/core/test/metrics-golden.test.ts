/**
 * fit's and evaluate's metrics against scikit-learn (test/golden/metrics.py writes the values):
 * MAE, MSE, R², top-k accuracy, binary accuracy, and precision / recall / F1 (binary at two
 * thresholds; macro, micro and weighted over classes), in batches that do not divide N, so a
 * metric averaged per batch rather than summed over the epoch would not match.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ArrayDataset,
  binaryAccuracy,
  evaluate,
  f1,
  fit,
  type Loss,
  losses,
  type MetricSpec,
  Module,
  type Parameter,
  precision,
  recall,
  scalar,
  type Tensor,
  tensor,
  topK,
  trainStep,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { PlainSGD } from './optimizers.js';
import { expectClose, useCpu } from './setup.js';

beforeAll(useCpu);

interface Case {
  name: string;
  kind: 'regression' | 'binary' | 'classes';
  prediction: number[];
  predictionShape: number[];
  target: number[];
  targetShape: number[];
  expected: Record<string, number> | Record<string, Record<string, number>>;
}

const golden = JSON.parse(readFileSync(join(__dirname, 'golden', 'metrics.json'), 'utf8')) as {
  n: number;
  cases: Case[];
};
const byName = (name: string) => golden.cases.find((c) => c.name === name) as Case;

/** The model x ↦ x + 0·w: its outputs are its inputs, so the data's x are the predictions. */
class Passthrough extends Module {
  readonly w: Parameter;
  constructor() {
    super();
    this.w = this.parameter('w', scalar(0.5));
  }
  forward(x: Tensor): Tensor {
    return x.add(this.w.value.mul(0));
  }
}

function dataset(c: Case): ArrayDataset {
  return {
    x: Float32Array.from(c.prediction),
    xShape: c.predictionShape,
    y: c.kind === 'classes' ? Int32Array.from(c.target) : Float32Array.from(c.target),
    yShape: c.targetShape,
  };
}

const lossOf: Record<Case['kind'], Loss> = {
  regression: losses.mse,
  binary: losses.binaryCrossEntropy,
  classes: losses.softmaxCrossEntropy,
};

/** The metrics of one case, each named as its golden value. */
function specs(c: Case, threshold?: number): MetricSpec[] {
  if (c.kind === 'regression') return ['mae', 'mse', 'r2'];
  if (c.kind === 'binary') {
    return threshold === 0.5
      ? [
          'binaryAccuracy',
          'precision',
          'recall',
          'f1',
          ['macroPrecision', precision({ average: 'macro' })],
          ['macroRecall', recall({ average: 'macro' })],
          ['macroF1', f1({ average: 'macro' })],
        ]
      : [
          ['binaryAccuracy', binaryAccuracy({ threshold })],
          precision({ threshold }),
          recall({ threshold }),
          f1({ threshold }),
          ['macroPrecision', precision({ threshold, average: 'macro' })],
          ['macroRecall', recall({ threshold, average: 'macro' })],
          ['macroF1', f1({ threshold, average: 'macro' })],
        ];
  }
  const averaged = (['macro', 'micro', 'weighted'] as const).flatMap((average): MetricSpec[] => [
    [`${average}Precision`, precision({ average })],
    [`${average}Recall`, recall({ average })],
    [`${average}F1`, f1({ average })],
  ]);
  return ['accuracy', topK(1), topK(2), topK(3), ...averaged];
}

/** The cases with their golden values: one per binary threshold. */
function runs(): [string, Case, MetricSpec[], Record<string, number>][] {
  return golden.cases.flatMap((c) => {
    if (c.kind !== 'binary') return [[c.name, c, specs(c), c.expected as Record<string, number>]];
    return Object.entries(c.expected as Record<string, Record<string, number>>).map(
      ([t, expected]) =>
        [`${c.name} at threshold ${t}`, c, specs(c, Number(t)), expected] as [
          string,
          Case,
          MetricSpec[],
          Record<string, number>,
        ],
    );
  });
}

function expectGolden(got: Record<string, number>, expected: Record<string, number>): void {
  const names = Object.keys(expected);
  expect(names.filter((k) => got[k] === undefined)).toEqual([]);
  expectClose(
    names.map((k) => got[k]),
    names.map((k) => expected[k]),
    1e-5,
    1e-6,
  );
}

describe('metrics match scikit-learn over a whole epoch (N = 23)', () => {
  for (const [name, c, metrics, expected] of runs()) {
    it(`fit, batches of 5, shuffled (${name})`, async () => {
      const model = new Passthrough();
      const h = await fit(model, dataset(c), {
        loss: lossOf[c.kind],
        optimizer: new PlainSGD(0),
        batchSize: 5,
        seed: 3,
        metrics,
        verbose: false,
      });
      expectGolden(h.epochs[0], expected);
    });

    it(`evaluate, batches of 4, and fit's validation (${name})`, async () => {
      const model = new Passthrough();
      expectGolden(await evaluate(model, dataset(c), { metrics, batchSize: 4 }), expected);
      const h = await fit(model, dataset(c), {
        loss: lossOf[c.kind],
        optimizer: new PlainSGD(0),
        batchSize: 7,
        validation: dataset(c),
        metrics,
        verbose: false,
      });
      const val = Object.fromEntries(
        Object.keys(expected).map((k) => [k, h.epochs[0][`val${k[0].toUpperCase()}${k.slice(1)}`]]),
      );
      expectGolden(val, expected);
    });
  }

  it('is not the mean of per-batch values (which is what the test above would catch)', async () => {
    for (const [c, metric, key] of [
      [byName('regression, 3 outputs'), 'r2', 'r2'],
      [byName('classes'), ['macroF1', f1({ average: 'macro' })], 'macroF1'],
    ] as const) {
      const model = new Passthrough();
      const step = trainStep(model, { loss: lossOf[c.kind], optimizer: new PlainSGD(0), metrics: [metric] });
      const data = dataset(c);
      const row = data.x.length / data.xShape[0];
      const perBatch: number[] = [];
      for (let start = 0; start < 23; start += 5) {
        const end = Math.min(start + 5, 23);
        const x = tensor(data.x.subarray(start * row, end * row), [end - start, ...data.xShape.slice(1)]);
        const y = tensor(
          data.y.subarray(start * (data.y.length / 23), end * (data.y.length / 23)),
          [end - start, ...data.yShape.slice(1)],
          data.y instanceof Int32Array ? 'int32' : 'float32',
        );
        perBatch.push((await step(x, y)).metrics[0]);
        x.dispose();
        y.dispose();
      }
      const mean = perBatch.reduce((a, b) => a + b, 0) / perBatch.length;
      expect(Math.abs(mean - (c.expected as Record<string, number>)[key])).toBeGreaterThan(1e-3);
    }
  });
});
