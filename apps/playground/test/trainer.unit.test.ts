/** The training page's loop (`Trainer`), in Node with backend-cpu (no browser). */
import { cpu } from '@backprop/backend-cpu';
import {
  losses,
  mul,
  type Parameter,
  type Penalty,
  permutation,
  setBackend,
  sqrt,
  sum,
  takeRows,
  tensor,
  trainStep,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadData } from '../src/data.js';
import { buildModel, buildOptimizer, buildPenalties } from '../src/model.js';
import type { Settings } from '../src/settings.js';
import { Trainer } from '../src/trainer.js';

const settings: Settings = {
  data: 'xor',
  noise: 0,
  hidden: [6, 4],
  activation: 'relu',
  optimizer: 'adam',
  lr: 0.03,
  batchSize: 32,
  l2: 1e-3,
  dropout: 0,
  backend: 'cpu',
  features: ['x1', 'x2'],
  trainRatio: 0.8,
  l1: 0,
};

const values = async (params: readonly Parameter[]) => Promise.all(params.map(async (p) => p.value.data()));

beforeAll(async () => {
  await setBackend(cpu());
});

describe('Trainer', () => {
  it("runs the library's training step: two epochs give the weights of core's trainStep over the same batches", async () => {
    const data = await loadData(settings, '');
    const model = buildModel(settings, data.inputs, data.classes);
    const epochs: number[] = [];
    const trainer = new Trainer(
      model,
      buildOptimizer(settings),
      buildPenalties(settings),
      data,
      settings.batchSize,
      (p) => epochs.push(p.loss),
    );
    await trainer.run(2);
    expect(epochs).toHaveLength(2);

    const reference = buildModel(settings, data.inputs, data.classes);
    const step = trainStep(reference, {
      loss: losses.softmaxCrossEntropy,
      optimizer: buildOptimizer(settings),
      penalties: buildPenalties(settings),
    });
    const n = data.train.xShape[0];
    for (let epoch = 0; epoch < 2; epoch++) {
      const order = permutation(n, 1, epoch);
      for (let i = 0; i < n; i += settings.batchSize) {
        const b = takeRows(data.train, order.subarray(i, Math.min(i + settings.batchSize, n)));
        await step(tensor(b.x, b.xShape), tensor(b.y, b.yShape, 'int32'));
      }
    }
    const [ours, theirs] = [await values(model.parameters()), await values(reference.parameters())];
    for (const [i, w] of ours.entries()) expect(Array.from(w)).toEqual(Array.from(theirs[i]));
    trainer.dispose();
  });

  it('stops at a step whose gradient is NaN though its loss is finite, and changes no weight', async () => {
    const data = await loadData(settings, '');
    const model = buildModel(settings, data.inputs, data.classes);
    // √(0·w) is 0 (a finite loss) with a NaN gradient (∞ · 0): only a step that checks the
    // gradients, not just the loss, keeps the weights.
    const nanGradient: Penalty = {
      name: 'nan-gradient',
      loss: (params) => sum(sqrt(mul(params[0].value, 0))),
    };
    const before = await values(model.parameters());
    const trainer = new Trainer(model, buildOptimizer(settings), [nanGradient], data, settings.batchSize, () => {});
    await expect(trainer.run(1)).rejects.toThrow(
      /the gradient of .+ became non-finite at epoch 1, batch 1; the weights were kept as they were before that step/,
    );
    const after = await values(model.parameters());
    for (const [i, w] of after.entries()) expect(Array.from(w)).toEqual(Array.from(before[i]));
    expect(trainer.running).toBe(false);
  });
});
