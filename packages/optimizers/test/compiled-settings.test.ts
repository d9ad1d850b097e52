// A compiled training step retraces when something its graph holds as a constant changes between
// steps: gradient clipping bounds, which group a parameter is updated with (a `match` reading
// outside state, a group's `params` edited), and a module's own settings. Each case trains the
// same model eagerly and compiled, changes the setting after a few steps, and compares every
// weight bit for bit.

import { cpu } from '@backprop/backend-cpu';
import {
  losses,
  Module,
  mul,
  nn,
  type Optimizer,
  type Parameter,
  randomNormal,
  setBackend,
  type Tensor,
  tensor,
  trainStep,
} from '@backprop/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { Adam, SGD } from '../src/index.js';

beforeEach(async () => {
  await setBackend(cpu());
});

/** Multiplies its input by `factor`, a plain number its forward reads (as a BatchNorm reads eps). */
class Scale extends Module {
  factor = 1;
  forward(x: Tensor): Tensor {
    return mul(x, this.factor);
  }
}

const batch = () => ({
  x: randomNormal([16, 4], { seed: 7 }),
  y: tensor(
    Array.from({ length: 16 }, (_, i) => i % 3),
    [16],
    'int32',
  ),
});

/** Trains 7 steps eagerly or compiled, calling `change` before step 4; returns the weights and the step's mode. */
async function run(
  compiled: boolean,
  makeOptimizer: () => Optimizer,
  change: (o: Optimizer, scale: Scale, model: nn.Sequential) => void,
) {
  const scale = new Scale();
  const model = nn.sequential(nn.dense(4, 5, { seed: 1 }), nn.tanh(), scale, nn.dense(5, 3, { seed: 2 }));
  const o = makeOptimizer();
  const step = trainStep(model, { loss: losses.softmaxCrossEntropy, optimizer: o, compile: compiled });
  const { x, y } = batch();
  for (let i = 0; i < 7; i++) {
    if (i === 3) change(o, scale, model);
    await step(x, y);
  }
  const weights = await Promise.all(model.parameters().map(async (p) => Array.from(await p.value.data())));
  const mode = step.mode;
  step.dispose();
  o.dispose();
  model.dispose();
  x.dispose();
  y.dispose();
  return { weights, mode };
}

async function expectSameWeights(makeOptimizer: () => Optimizer, change: Parameters<typeof run>[2]) {
  const eager = await run(false, makeOptimizer, change);
  const compiled = await run(true, makeOptimizer, change);
  expect(compiled.mode).toBe('graph');
  expect(compiled.weights).toEqual(eager.weights);
  // And the change mattered: without it the weights differ.
  const unchanged = await run(false, makeOptimizer, () => {});
  expect(unchanged.weights).not.toEqual(eager.weights);
}

/** Writes a field its type marks readonly, as a JavaScript caller can. */
const set = (o: object, key: string, value: unknown) => {
  (o as Record<string, unknown>)[key] = value;
};

describe('a compiled step retraces when a setting its graph holds changes', () => {
  it('gradient clipping by norm', () =>
    expectSameWeights(
      () => new Adam({ lr: 0.05, clipGradNorm: 0.5 }),
      (o) => set(o, 'clipGradNorm', 0.01),
    ));

  it('gradient clipping by value, set where there was none', () =>
    expectSameWeights(
      () => new SGD({ lr: 0.5 }),
      (o) => set(o, 'clipGradValue', 0.001),
    ));

  it('a group whose `match` reads outside state', () => {
    const flags = new WeakMap<Optimizer, { biasesFast: boolean }>();
    return expectSameWeights(
      () => {
        const flag = { biasesFast: true };
        const o = new SGD({ lr: 0.05, groups: [{ match: (p) => flag.biasesFast && p.name.endsWith('bias'), lr: 1 }] });
        flags.set(o, flag);
        return o;
      },
      (o) => {
        (flags.get(o) as { biasesFast: boolean }).biasesFast = false;
      },
    );
  });

  it("a group's parameter list edited in place", () =>
    expectSameWeights(
      () => new SGD({ lr: 0.05, groups: [{ params: [], lr: 1 }] }),
      (o, _scale, model) =>
        (o as SGD).paramGroups[0].params?.includes(model.parameters()[0]) ||
        ((o as SGD).paramGroups[0].params as Parameter[]).push(model.parameters()[0]),
    ));

  it("a module's own number (as `bn.momentum = 0.01` in a PyTorch loop)", () =>
    expectSameWeights(
      () => new SGD({ lr: 0.2 }),
      (_o, scale) => {
        scale.factor = 3;
      },
    ));
});

describe('groupIndex', () => {
  it('names the group a parameter is updated with, and refuses what is not a Parameter', () => {
    const w = nn.dense(2, 2, { seed: 1 });
    const o = new SGD({ lr: 0.1, groups: [{ match: (p) => p.name === 'bias', lr: 1 }] });
    expect([o.groupIndex(w.weight), o.groupIndex(w.bias as Parameter)]).toEqual([1, 0]);
    for (const bad of ['weight', null, w.weight.value])
      expect(() => o.groupIndex(bad as never)).toThrow(/^SGD\.groupIndex: expected a Parameter, got /);
    w.dispose();
    o.dispose();
  });
});
