// Parameter groups own their hyperparameters: no group shares an array (`betas`) with another group or with
// the options it was built from, so an in-place edit of one group's betas changes that group only, and eager,
// compiled and resumed runs agree.

import { cpu } from '@backprop/backend-cpu';
import { losses, nn, type Parameter, randomNormal, setBackend, type Tensor, tensor, trainStep } from '@backprop/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { Adam, Adamax, AdamW, NAdam } from '../src/index.js';

beforeEach(async () => {
  await setBackend(cpu());
});

const isBias = (p: Parameter) => p.name.endsWith('bias');
/** Writes into a group's betas in place (they are typed readonly; users edit them anyway). */
const setBeta1 = (betas: readonly [number, number], value: number) => {
  (betas as unknown as number[])[0] = value;
};

describe('parameter groups and array hyperparameters', () => {
  for (const Opt of [Adam, AdamW, Adamax, NAdam]) {
    it(`${Opt.name}: every group has its own betas, copied from the options`, () => {
      const betas: [number, number] = [0.8, 0.99];
      const biasBetas: [number, number] = [0.7, 0.9];
      const o = new Opt({
        betas,
        groups: [
          { match: isBias, betas: biasBetas },
          { match: () => false, lr: 0.5 },
        ],
      });
      const all = o.paramGroups.map((g) => g.betas);
      expect(all.map((b) => [...b])).toEqual([
        [0.7, 0.9],
        [0.8, 0.99],
        [0.8, 0.99],
      ]);
      expect(new Set(all).size).toBe(3);
      for (const b of all) expect(b === betas || b === biasBetas).toBe(false);
      // The caller's arrays and the groups' are independent both ways.
      betas[0] = 0.1;
      biasBetas[1] = 0.2;
      expect(o.paramGroups.map((g) => g.betas[0])).toEqual([0.7, 0.8, 0.8]);
      setBeta1(o.paramGroups[2].betas, 0.3);
      expect(o.paramGroups.map((g) => g.betas[0])).toEqual([0.7, 0.8, 0.3]);
      expect([betas[0], biasBetas[0]]).toEqual([0.1, 0.7]);
      o.dispose();
    });
  }

  it('the default betas are not shared between optimizers either', () => {
    const a = new Adam();
    const b = new Adam();
    setBeta1(a.paramGroups[0].betas, 0.5);
    expect(b.paramGroups[0].betas[0]).toBe(0.9);
    expect(new Adam().paramGroups[0].betas[0]).toBe(0.9);
  });

  it("editing one group's betas in place: eager, compiled and resumed runs give the same weights bit for bit", async () => {
    const x = randomNormal([16, 4], { seed: 7 });
    const y = tensor(
      Array.from({ length: 16 }, (_, i) => i % 3),
      [16],
      'int32',
    );
    const run = async (mode: 'eager' | 'compiled' | 'resumed') => {
      const model = nn.sequential(nn.dense(4, 3, { seed: 1 }));
      const make = () => new Adam({ lr: 0.01, groups: [{ match: isBias, lr: 0.05 }] });
      let o = make();
      let step = trainStep(model, { loss: losses.softmaxCrossEntropy, optimizer: o, compile: mode === 'compiled' });
      for (let i = 0; i < 6; i++) await step(x, y);
      if (mode === 'resumed') {
        // A run resumed from the state: a new optimizer, the old one's state loaded into it.
        const resumed = make();
        resumed.setState(o.getState());
        o.dispose();
        o = resumed;
        step = trainStep(model, { loss: losses.softmaxCrossEntropy, optimizer: o });
      }
      setBeta1(o.paramGroups[1].betas, 0.3); // the default group only
      for (let i = 0; i < 6; i++) await step(x, y);
      const out = {
        betas: o.paramGroups.map((g) => [...g.betas]),
        weights: model.parameters().map((p) => Array.from(p.value.dataSync())),
        mode: step.mode,
      };
      step.dispose();
      o.dispose();
      model.dispose();
      return out;
    };
    const eager = await run('eager');
    const compiled = await run('compiled');
    const resumed = await run('resumed');
    expect(eager.betas).toEqual([
      [0.9, 0.999],
      [0.3, 0.999],
    ]);
    expect(compiled.mode).toBe('graph');
    expect(compiled.betas).toEqual(eager.betas);
    expect(compiled.weights).toEqual(eager.weights);
    expect(resumed.weights).toEqual(eager.weights);
    // The bias group kept β₁ = 0.9: its update is not the one with β₁ = 0.3 (the old, shared, behaviour).
    expect(eager.weights[1][0]).toBeCloseTo(-0.12428, 4);
    (x as Tensor).dispose();
    y.dispose();
  });
});
