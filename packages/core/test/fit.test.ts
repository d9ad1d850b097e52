/** The training loop: batch, stochastic and minibatch descent, validation, callbacks, errors, memory. */
import {
  type ArrayDataset,
  evaluate,
  fit,
  losses,
  memory,
  NonFiniteLossError,
  nn,
  predict,
  tensor,
  trainStep,
  ValueError,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { PlainSGD } from './optimizers.js';
import { useCpu } from './setup.js';

beforeAll(useCpu);

const CountingSGD = PlainSGD;

const xor: ArrayDataset = {
  x: new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]),
  xShape: [4, 2],
  y: new Int32Array([0, 1, 1, 0]),
  yShape: [4],
};

function line(n: number): ArrayDataset {
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = i / n;
    y[i] = 3 * x[i] - 1;
  }
  return { x, xShape: [n, 1], y, yShape: [n, 1] };
}

const xorModel = () => nn.sequential(nn.dense(2, 8, { seed: 1 }), nn.tanh(), nn.dense(8, 2, { seed: 3 }));

describe('fit', () => {
  it('learns XOR with batch gradient descent', async () => {
    const history = await fit(xorModel(), xor, {
      loss: losses.softmaxCrossEntropy,
      optimizer: new CountingSGD(0.5),
      batchSize: 'full',
      epochs: 300,
      metrics: ['accuracy'],
      verbose: false,
    });
    expect(history.epochs.at(-1)!.accuracy).toBe(1);
    expect(history.epochs.at(-1)!.loss).toBeLessThan(0.05);
  });

  it('takes N/B steps per epoch: batch (1 step), stochastic (N steps) and minibatch (⌈N/B⌉ steps)', async () => {
    for (const [batchSize, steps] of [
      ['full', 1],
      [1, 10],
      [3, 4],
    ] as const) {
      const opt = new CountingSGD(0.01);
      await fit(nn.dense(1, 1, { seed: 1 }), line(10), {
        loss: losses.squaredError,
        optimizer: opt,
        batchSize,
        epochs: 2,
        verbose: false,
      });
      expect(opt.steps).toBe(2 * steps);
    }
  });

  it('fits a line by regression and reports mse', async () => {
    const model = nn.dense(1, 1, { seed: 2 });
    const h = await fit(model, line(32), {
      loss: losses.squaredError,
      optimizer: new CountingSGD(0.5),
      batchSize: 8,
      epochs: 200,
      metrics: ['mse'],
      verbose: false,
    });
    expect(h.epochs.at(-1)!.mse).toBeLessThan(1e-4);
    expect(await model.weight.value.item()).toBeCloseTo(3, 2);
  });

  it('is deterministic for a seed and shuffles differently for another', async () => {
    const run = async (seed: number) => {
      const model = nn.dense(1, 1, { seed: 5 });
      await fit(model, line(16), {
        loss: losses.squaredError,
        optimizer: new CountingSGD(0.1),
        batchSize: 4,
        epochs: 3,
        seed,
        verbose: false,
      });
      return Array.from(await model.weight.value.data());
    };
    expect(await run(1)).toEqual(await run(1));
    expect(await run(1)).not.toEqual(await run(2));
  });

  it('holds out a validation fraction and reports val metrics', async () => {
    const h = await fit(nn.dense(1, 1, { seed: 1 }), line(20), {
      loss: losses.squaredError,
      optimizer: new CountingSGD(0.1),
      epochs: 2,
      validation: 0.25,
      metrics: ['mse'],
      verbose: false,
    });
    expect(Object.keys(h.epochs[0]).sort()).toEqual(['loss', 'lr', 'mse', 'valLoss', 'valMse']);
    expect(h.epochs[0].lr).toBe(0.1);
  });

  it('stops when a callback asks', async () => {
    const h = await fit(nn.dense(1, 1), line(8), {
      loss: losses.squaredError,
      optimizer: new CountingSGD(0.1),
      epochs: 50,
      verbose: false,
      callbacks: [{ onEpochEnd: (e, _logs, ctx) => (e === 2 ? ctx.stop('enough') : undefined) }],
    });
    expect(h.epochs).toHaveLength(3);
    expect(h.stopReason).toBe('enough');
  });

  for (const compile of [false, true]) {
    it(`stops on a non-finite loss naming the epoch, batch and cause, with nothing updated (compile: ${compile})`, async () => {
      const model = nn.dense(1, 1, { seed: 1 });
      const bad = line(8);
      const y = new Float32Array(bad.y);
      y[5] = Number.NaN;
      const after: number[][] = [];
      const err = await fit(
        model,
        { ...bad, y },
        {
          // A loss of the user's own: fit refuses NaN targets of a built-in loss before training.
          loss: (p, t) => losses.squaredError(p, t),
          optimizer: new CountingSGD(0.1),
          batchSize: 4,
          shuffle: false,
          epochs: 3,
          verbose: false,
          compile,
          callbacks: [
            { onBatchEnd: () => void after.push([...model.weight.value.dataSync(), ...model.bias!.value.dataSync()]) },
          ],
        },
      ).catch((e) => e);
      expect(err).toBeInstanceOf(NonFiniteLossError);
      expect(err.message).toMatch(/^fit: the loss \(NaN\) became non-finite at epoch 1, batch 2; nothing was updated/);
      expect(err.operation).toBe('fit');
      expect([err.epoch, err.batch]).toEqual([1, 2]);
      expect(after).toHaveLength(1);
      expect([...model.weight.value.dataSync(), ...model.bias!.value.dataSync()]).toEqual(after[0]);
    });

    it(`names trainStep, not fit, when a step of a user's own loop is non-finite (compile: ${compile})`, async () => {
      const model = nn.dense(1, 1, { seed: 1 });
      const step = trainStep(model, { loss: losses.squaredError, optimizer: new CountingSGD(0.1), compile });
      const x = tensor([[1], [2]]);
      await step(x, tensor([[2], [4]]));
      const before = [...model.weight.value.dataSync(), ...model.bias!.value.dataSync()];
      const err = await step(x, tensor([[2], [Number.NaN]])).catch((e) => e);
      expect(err).toBeInstanceOf(NonFiniteLossError);
      expect(err.operation).toBe('trainStep');
      expect(err.message).toMatch(
        /^trainStep: the loss \(NaN\) became non-finite at epoch 1, batch 2; nothing was updated/,
      );
      expect([...model.weight.value.dataSync(), ...model.bias!.value.dataSync()]).toEqual(before);
      step.dispose();
    });
  }

  it('rejects bad options with ValueErrors', async () => {
    const opts = { loss: losses.squaredError, optimizer: new CountingSGD(0.1), verbose: false };
    await expect(fit(nn.dense(1, 1), line(4), { ...opts, batchSize: 0 })).rejects.toThrow(ValueError);
    await expect(fit(nn.dense(1, 1), line(4), { ...opts, validation: 1.5 })).rejects.toThrow(/validation fraction/);
    // @ts-expect-error a misspelt metric name is a compile error, and a ValueError at run time
    await expect(fit(nn.dense(1, 1), line(4), { ...opts, metrics: ['acurracy'] })).rejects.toThrow(
      /unknown metric "acurracy"/,
    );
    await expect(fit(nn.dense(1, 1), { ...line(4), yShape: [3, 1] }, opts)).rejects.toThrow(
      /arrays do not fill their shapes/,
    );
  });

  it('keeps the live tensor and handle counts flat across epochs', async () => {
    const model = xorModel();
    const opt = new CountingSGD(0.1);
    const counts: number[][] = [];
    await fit(model, xor, {
      loss: losses.softmaxCrossEntropy,
      optimizer: opt,
      batchSize: 2,
      epochs: 6,
      metrics: ['accuracy'],
      validation: xor,
      verbose: false,
      callbacks: [{ onEpochEnd: () => void counts.push([memory().tensors, memory().handles]) }],
    });
    expect(new Set(counts.map((c) => c.join())).size).toBe(1);
  });

  it('evaluate and predict run in evaluation mode and restore the mode', async () => {
    const model = xorModel();
    const r = await evaluate(model, xor, { loss: losses.softmaxCrossEntropy, metrics: ['accuracy'], batchSize: 3 });
    expect(Object.keys(r)).toEqual(['loss', 'accuracy']);
    expect(model.training).toBe(true);
    const p = await predict(model, xor, { batchSize: 3 });
    expect(p.shape).toEqual([4, 2]);
  });
});
