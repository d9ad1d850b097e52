/** What fit refuses before its first step: colliding log keys, monitors of missing keys, bad targets. */
import {
  type ArrayDataset,
  checkpoint,
  fit,
  IndexError,
  losses,
  nn,
  type Tensor,
  tensor,
  ValueError,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { PlainSGD } from './optimizers.js';
import { useCpu } from './setup.js';

beforeAll(useCpu);

function line(n: number): ArrayDataset {
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = i / n;
    y[i] = 3 * x[i] - 1;
  }
  return { x, xShape: [n, 1], y, yShape: [n, 1] };
}

/** Eight examples of 2 features with labels 0/1, for a model with 2 outputs. */
function labelled(labels: number[]): ArrayDataset {
  const x = new Float32Array(labels.length * 2).map((_, i) => (i % 3) - 1);
  return { x, xShape: [labels.length, 2], y: Int32Array.from(labels), yShape: [labels.length] };
}

const weights = (m: nn.Module) => m.parameters().flatMap((p) => [...p.value.dataSync()]);

/** Runs fit expecting it to throw before any step: returns the error; checks no batch ran and no weight moved. */
async function refused(model: nn.Module, data: ArrayDataset, options: Record<string, unknown>): Promise<Error> {
  const before = weights(model);
  let batches = 0;
  const counter = { onBatchEnd: () => void batches++ };
  const err = await fit(model, data, {
    optimizer: new PlainSGD(0.1),
    verbose: false,
    batchSize: 4,
    shuffle: false,
    epochs: 2,
    ...options,
    callbacks: [counter, ...((options.callbacks as object[]) ?? [])],
  } as never).catch((e) => e);
  expect(err).toBeInstanceOf(Error);
  expect(batches).toBe(0);
  expect(weights(model)).toEqual(before);
  return err;
}

const maeFn = (p: Tensor, t: Tensor) => p.sub(t).abs().mean();

describe('fit: epoch-log keys', () => {
  it('refuses a metric logged under the key of the validation loss, naming both', async () => {
    const err = await refused(nn.dense(1, 1, { seed: 1 }), line(10), {
      loss: losses.mse,
      validation: 0.4,
      metrics: [['Loss', maeFn]],
    });
    expect(err).toBeInstanceOf(ValueError);
    expect(err.message).toMatch(
      /^fit: the validation loss and metric "Loss" on the validation data would both be logged as "valLoss"/,
    );
  });

  it('refuses a metric named like a validation key, with or without validation', async () => {
    for (const validation of [undefined, 0.4]) {
      const err = await refused(nn.dense(1, 1, { seed: 1 }), line(10), {
        loss: losses.mse,
        validation,
        metrics: [['valLoss', maeFn]],
      });
      expect(err).toBeInstanceOf(ValueError);
      expect(err.message).toMatch(/^fit: the validation loss and metric "valLoss" would both be logged as "valLoss"/);
    }
  });

  it('refuses two metrics whose validation keys collide', async () => {
    const err = await refused(nn.dense(2, 2, { seed: 1 }), labelled([0, 1, 1, 0, 1, 0, 0, 1]), {
      loss: losses.softmaxCrossEntropy,
      metrics: ['accuracy', ['Accuracy', maeFn]],
    });
    expect(err.message).toMatch(
      /^fit: metric "accuracy" on the validation data and metric "Accuracy" on the validation data would both be logged as "valAccuracy"/,
    );
  });
});

describe('fit: monitored keys', () => {
  it('refuses a callback monitoring valLoss without validation before anything trains', async () => {
    const cb = { stateName: 'earlyStopping', monitor: 'valLoss', onEpochEnd: () => {} };
    const err = await refused(nn.dense(1, 1, { seed: 1 }), line(10), { loss: losses.mse, callbacks: [cb] });
    expect(err).toBeInstanceOf(ValueError);
    expect(err.message).toBe(
      'fit: earlyStopping monitors "valLoss", which this run\'s epoch logs will not have (they will have loss, lr); pass fit a validation set (validation: 0.1 or a dataset) or monitor a training key',
    );
  });

  it('refuses a monitored metric that was not asked for, and checkpoint({ monitor }) too', async () => {
    const data = labelled([0, 1, 1, 0, 1, 0, 0, 1]);
    const opts = { loss: losses.softmaxCrossEntropy, validation: 0.25 };
    const err = await refused(nn.dense(2, 2, { seed: 1 }), data, {
      ...opts,
      callbacks: [{ monitor: 'valAccuracy', onEpochEnd: () => {} }],
    });
    expect(err.message).toMatch(/^fit: a callback monitors "valAccuracy", .*; add the metric to metrics$/);
    const err2 = await refused(nn.dense(2, 2, { seed: 1 }), data, {
      ...opts,
      callbacks: [checkpoint({ monitor: 'accuracy', save: () => {} })],
    });
    expect(err2.message).toMatch(/^fit: checkpoint monitors "accuracy"/);
  });

  it('leaves the keys to the epoch end while a callback of your own may add some (valLoss here, without validation)', async () => {
    const seen: number[] = [];
    await fit(nn.dense(2, 2, { seed: 1 }), labelled([0, 1, 1, 0]), {
      loss: losses.softmaxCrossEntropy,
      optimizer: new PlainSGD(0.1),
      epochs: 2,
      verbose: false,
      callbacks: [
        {
          onEpochEnd: (_e, logs) => {
            logs.valLoss = 1;
          },
        },
        { monitor: 'valLoss', onEpochEnd: (_e, logs) => void seen.push(logs.valLoss) },
      ],
    });
    expect(seen).toEqual([1, 1]);
  });

  it('accepts monitors of keys the logs will have', async () => {
    const seen: number[] = [];
    const h = await fit(nn.dense(2, 2, { seed: 1 }), labelled([0, 1, 1, 0, 1, 0, 0, 1]), {
      loss: losses.softmaxCrossEntropy,
      optimizer: new PlainSGD(0.1),
      validation: 0.25,
      metrics: ['accuracy'],
      epochs: 2,
      verbose: false,
      callbacks: [
        { monitor: 'valAccuracy', onEpochEnd: (_e, logs) => void seen.push(logs.valAccuracy) },
        { monitor: 'lr', onEpochEnd: () => {} },
        checkpoint({ monitor: 'valLoss', save: () => {} }),
      ],
    });
    expect(h.epochs).toHaveLength(2);
    expect(seen).toHaveLength(2);
  });
});

describe('fit: targets checked before the first step', () => {
  it('refuses a NaN or infinite float target in a later batch, naming its row', async () => {
    for (const [bad, value] of [
      [5, Number.NaN],
      [9, Number.POSITIVE_INFINITY],
    ] as const) {
      const data = line(10);
      const y = new Float32Array(data.y);
      y[bad] = value;
      const err = await refused(nn.dense(1, 1, { seed: 1 }), { ...data, y }, { loss: losses.mse });
      expect(err).toBeInstanceOf(ValueError);
      expect(err.message).toMatch(
        new RegExp(`^fit: the target at row ${bad} of the data is ${value}; targets must be finite`),
      );
    }
  });

  it('names the element of a multi-column target, and checks a validation set and tensors as well', async () => {
    const y = new Float32Array(8).fill(0.5);
    y[7] = Number.NaN;
    const data = { x: new Float32Array(4), xShape: [4, 1], y, yShape: [4, 2] };
    const err2 = await refused(nn.dense(1, 2, { seed: 1 }), data, { loss: losses.binaryCrossEntropyWithLogits });
    expect(err2.message).toMatch(/^fit: the target at row 3 \(element 1 of the row\) of the data is NaN/);
    const clean = { ...data, y: new Float32Array(8).fill(0.5) };
    const err3 = await refused(nn.dense(1, 2, { seed: 1 }), clean, {
      loss: losses.binaryCrossEntropyWithLogits,
      validation: data,
    });
    expect(err3.message).toMatch(/^fit: the target at row 3 \(element 1 of the row\) of the validation data is NaN/);
    const model = nn.dense(1, 2, { seed: 1 });
    const before = weights(model);
    const err4 = await fit(model, tensor(data.x, [4, 1]), tensor(y, [4, 2]), {
      loss: losses.binaryCrossEntropyWithLogits,
      optimizer: new PlainSGD(0.1),
      batchSize: 1,
      verbose: false,
    }).catch((e) => e);
    expect(err4.message).toMatch(/^fit: the target at row 3 \(element 1 of the row\) of the data is NaN/);
    expect(weights(model)).toEqual(before);
  });

  it('refuses a class label out of range for the model’s classes, naming its row, training or validation', async () => {
    const model = () =>
      nn.sequential(nn.dense(2, 4, { seed: 1 }), nn.tanh(), nn.dense(4, 2, { seed: 2 }), nn.logSoftmax());
    const err = await refused(model(), labelled([0, 1, 1, 0, 1, 3, 0, 1]), { loss: losses.softmaxCrossEntropy });
    expect(err).toBeInstanceOf(IndexError);
    expect(err.message).toBe(
      "fit: label 3 at row 5 of the data is out of range [0, 2) for the 2 classes of the model's last layer; labels must be class indices 0…1",
    );
    expect((err as IndexError).position).toBe(5);
    const err2 = await refused(model(), labelled([0, 1, 1, 0, 1, 0, 0, 1]), {
      loss: losses.softmaxCrossEntropy,
      validation: labelled([0, -1]),
    });
    expect(err2.message).toMatch(/^fit: label -1 at row 1 of the validation data is out of range \[0, 2\)/);
  });

  it('names the dataset row of a bad label when the class count is not known up front', async () => {
    class Wrapped extends nn.Module {
      readonly inner = this.child('inner', nn.dense(2, 2, { seed: 1 }));
      forward(x: Tensor): Tensor {
        return this.inner.forward(x);
      }
    }
    const labels = [0, 1, 1, 0, 1, 0, 3, 1];
    const err = await fit(new Wrapped(), labelled(labels), {
      loss: losses.softmaxCrossEntropy,
      optimizer: new PlainSGD(0.1),
      batchSize: 4,
      seed: 3,
      verbose: false,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(IndexError);
    expect(err.message).toMatch(
      /label 3 at position \d+ is out of range .* \(position \d+ of the batch is row 6 of the training data\)/,
    );
  });
});
