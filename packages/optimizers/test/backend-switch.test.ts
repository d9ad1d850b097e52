// An optimizer resumed on another backend from a checkpoint: its slots move with the load, and the
// learning-rate tensor it hands to the updates is remade there (it stayed on the old backend and
// every step failed with "a tensor lives on backend …").

import { cpu } from '@backprop/backend-cpu';
import {
  loadCheckpoint,
  losses,
  nn,
  type Optimizer,
  randomNormal,
  saveCheckpoint,
  setBackend,
  tensor,
  trainStep,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { adam, sgd } from '../src/index.js';

const model = () => nn.sequential(nn.dense(4, 5, { seed: 1 }), nn.tanh(), nn.dense(5, 3, { seed: 2 }));
const batch = () => ({
  x: randomNormal([8, 4], { seed: 3 }),
  y: tensor([0, 1, 2, 0, 1, 2, 0, 1], [8], 'int32'),
});

async function steps(m: nn.Sequential, o: Optimizer, n: number): Promise<number[][]> {
  const step = trainStep(m, { loss: losses.softmaxCrossEntropy, optimizer: o });
  const { x, y } = batch();
  for (let i = 0; i < n; i++) await step(x, y);
  step.dispose();
  x.dispose();
  y.dispose();
  return Promise.all(m.parameters().map(async (p) => Array.from(await p.value.data())));
}

describe('an optimizer resumed on another backend', () => {
  for (const [name, make] of [
    ['adam', () => adam({ lr: 0.05 })],
    ['sgd momentum', () => sgd({ lr: 0.1, momentum: 0.9 })],
  ] as const) {
    it(`${name}: the same optimizer object continues there as a fresh one loaded from the checkpoint does`, async () => {
      const a = cpu();
      const b = cpu();
      await setBackend(a);
      const m = model();
      const o = make();
      await steps(m, o, 2);
      const bytes = await saveCheckpoint(m, o);
      await setBackend(b);
      // Reference: a new model and optimizer loaded with the checkpoint on b.
      const fresh = model();
      const freshOptimizer = make();
      loadCheckpoint(bytes, fresh, freshOptimizer);
      const want = await steps(fresh, freshOptimizer, 2);
      // The run's own objects, loaded on b.
      loadCheckpoint(bytes, m, o);
      expect(await steps(m, o, 2)).toEqual(want);
      for (const x of [m, fresh]) x.dispose();
      for (const x of [o, freshOptimizer]) x.dispose();
      a.destroy?.();
      b.destroy?.();
    });
  }
});
