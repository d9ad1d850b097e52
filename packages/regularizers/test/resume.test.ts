/**
 * A run with every stateful regularizer — batch normalization's running statistics, dropout's
 * generator, early stopping's best value and patience count (and best weights) — resumed from any
 * of its checkpoints ends exactly as the run that never stopped: same weights, buffers, history and
 * stop reason, including from the checkpoint of the epoch where early stopping ended it.
 */
import { cpu } from '@backprop/backend-cpu';
import { type ArrayDataset, checkpoint, fit, losses, type Module, manualSeed, nn } from '@backprop/core';
import { PlainSGD, useBackend } from '@backprop/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNorm1d, dropout, earlyStopping } from '../src/index.js';

beforeAll(useBackend(cpu));

const rows = (n: number, f: (i: number) => number, c: (i: number) => number): ArrayDataset => ({
  x: new Float32Array(n * 3).map((_, i) => f(i)),
  xShape: [n, 3],
  y: new Int32Array(n).map((_, i) => c(i)),
  yShape: [n],
});
const train = () =>
  rows(
    40,
    (i) => Math.sin(i * 1.7),
    (i) => (i * 7) % 3,
  );
const validation = () =>
  rows(
    12,
    (i) => Math.cos(i * 1.3),
    (i) => i % 3,
  );
const build = () =>
  nn.sequential(
    nn.dense(3, 8, { seed: 1 }),
    batchNorm1d(8),
    nn.relu(),
    dropout(0.3, { seed: 5 }),
    nn.dense(8, 3, { seed: 2 }),
  );
const everything = async (m: Module) => Promise.all([...m.stateDict().values()].map((t) => t.data()));

describe('resuming a run with batch norm, dropout and early stopping', () => {
  for (const restoreBest of [false, true]) {
    it(`ends as the straight run from every checkpoint (restoreBest ${restoreBest})`, async () => {
      const run = (model: Module, save: (b: Uint8Array) => void, resume?: Uint8Array) =>
        fit(model, train(), {
          loss: losses.softmaxCrossEntropy,
          optimizer: new PlainSGD(0.5),
          batchSize: 7,
          epochs: 12,
          validation: validation(),
          verbose: false,
          callbacks: [earlyStopping({ monitor: 'valLoss', patience: 2, restoreBest }), checkpoint({ save })],
          ...(resume ? { resume } : {}),
        });
      manualSeed(11);
      const saved: Uint8Array[] = [];
      const model = build();
      const straight = await run(model, (b) => void saved.push(b));
      // Early stopping ended it before its 12 epochs: the last checkpoint is of that epoch.
      expect(straight.stopReason).toMatch(/valLoss/);
      expect(saved.length).toBe(straight.epochs.length);
      expect(saved.length).toBeLessThan(12);
      const want = await everything(model);
      for (const bytes of saved) {
        manualSeed(999);
        const resumed = build();
        const again = await run(resumed, () => {}, bytes);
        expect(again.epochs).toEqual(straight.epochs);
        expect(again.stopReason).toBe(straight.stopReason);
        expect(await everything(resumed)).toEqual(want);
      }
    });
  }
});
