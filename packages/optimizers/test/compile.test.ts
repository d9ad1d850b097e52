// compile: a training step with the composed or the fused updates traces the same graph every call and replays the eager run exactly.

import { cpu } from '@backprop/backend-cpu';
import {
  dispose,
  liveTensorCount,
  losses,
  memory,
  nn,
  type Optimizer,
  setBackend,
  type Tensor,
  tensor,
  tidy,
  trainStep,
} from '@backprop/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Adadelta, Adagrad, Adam, Adamax, AdamW, NAdam, RMSprop, SGD, useFusedUpdates } from '../src/index.js';
import { stateValues } from './state.js';

let was = true;
beforeEach(async () => {
  await setBackend(cpu());
  was = useFusedUpdates(false);
});
afterEach(() => {
  useFusedUpdates(was);
});

const batch = (k: number): [Tensor, Tensor] => [
  tensor(
    Float32Array.from({ length: 20 }, (_, i) => Math.sin(i * 1.3 + k)),
    [5, 4],
  ),
  tensor(
    Int32Array.from({ length: 5 }, (_, i) => (i + k) % 3),
    [5],
    'int32',
  ),
];

/** Trains 8 steps eagerly or compiled; returns the losses, final weights, the step's mode and the optimizer state. */
async function train(make: () => Optimizer, compiled: boolean) {
  const model = tidy(() => nn.sequential(nn.dense(4, 6, { seed: 1 }), nn.tanh(), nn.dense(6, 3, { seed: 2 })));
  const opt = make();
  const params = model.parameters();
  const step = trainStep(model, { loss: losses.softmaxCrossEntropy, optimizer: opt, compile: compiled });
  const curve: number[] = [];
  // The parameters' storage from the third step on (compiled: the first graph step).
  let storage: unknown[] = [];
  let kept = true;
  for (let k = 0; k < 8; k++) {
    const [x, y] = batch(k);
    curve.push((await step(x, y)).loss);
    dispose([x, y]);
    if (k === 2) storage = params.map((p) => p.value.ref);
    if (k > 2) kept &&= params.every((p, i) => p.value.ref === storage[i]);
  }
  const weights = params.map((p) => Array.from(p.value.dataSync()));
  const state = stateValues(opt);
  const mode = step.mode;
  const reason = step.reason;
  step.dispose();
  opt.dispose();
  model.dispose();
  return { curve, weights, state, mode, reason, kept };
}

describe('compiled training steps with the composed updates (useFusedUpdates(false))', () => {
  const makers: Record<string, () => Optimizer> = {
    Adam: () => new Adam({ lr: 0.05 }),
    'Adam amsgrad, lecture ε': () => new Adam({ lr: 0.05, amsgrad: true, epsPlacement: 'inside', weightDecay: 0.01 }),
    AdamW: () => new AdamW({ lr: 0.05, weightDecay: 0.1 }),
    Adamax: () => new Adamax({ lr: 0.05 }),
    'SGD momentum': () => new SGD({ lr: 0.1, momentum: 0.9, nesterov: true }),
    'SGD lecture momentum': () => new SGD({ lr: 0.1, momentum: 0.5, form: 'lecture', weightDecay: 0.01 }),
    RMSprop: () => new RMSprop({ lr: 0.01, centered: true }),
    Adagrad: () => new Adagrad({ lr: 0.1 }),
    Adadelta: () => new Adadelta({ lr: 1 }),
    'SGD, two groups with their own lr and decay': () =>
      new SGD({
        lr: 0.1,
        momentum: 0.9,
        groups: [{ match: (p) => p.name.endsWith('bias'), lr: 0.3, weightDecay: 0.05 }],
      }),
  };
  for (const [name, make] of Object.entries(makers)) {
    it(`${name}: reaches mode 'graph' and equals the eager run bit for bit`, async () => {
      const live = liveTensorCount();
      const handles = memory().handles;
      const eager = await train(make, false);
      const compiled = await train(make, true);
      expect(compiled.reason).toBeUndefined();
      expect(compiled.mode).toBe('graph');
      expect(compiled.curve).toEqual(eager.curve);
      expect(compiled.weights).toEqual(eager.weights);
      expect(compiled.state).toEqual(eager.state);
      const steps = Object.entries(compiled.state).filter(([k]) => k.endsWith('.step'));
      expect(steps.map(([, v]) => v)).toEqual(steps.map(() => [8]));
      expect([liveTensorCount(), memory().handles]).toEqual([live, handles]);
    });
  }

  it('NAdam (its μ product is a host number per step) falls back to eager steps with a reason, equal to eager', async () => {
    const eager = await train(() => new NAdam({ lr: 0.05 }), false);
    const compiled = await train(() => new NAdam({ lr: 0.05 }), true);
    expect(compiled.mode).toBe('eager');
    expect(compiled.reason).toMatch(/changed from call to call/);
    expect(compiled.weights).toEqual(eager.weights);
  });

  it('the lecture Nesterov look-ahead runs eagerly with a reason, equal to eager', async () => {
    const make = () => new SGD({ lr: 0.1, momentum: 0.5, form: 'lecture', nesterov: true });
    const eager = await train(make, false);
    const compiled = await train(make, true);
    expect(compiled.mode).toBe('eager');
    expect(compiled.reason).toMatch(/look-ahead/);
    expect(compiled.weights).toEqual(eager.weights);
  });

  it('with the fused kernel the step count is a tensor input, so compile reaches graph mode and equals eager', async () => {
    useFusedUpdates(true); // backend-cpu has adamUpdate
    for (const make of [() => new Adam({ lr: 0.05, amsgrad: true }), () => new AdamW({ lr: 0.05, weightDecay: 0.1 })]) {
      const eager = await train(make, false);
      const compiled = await train(make, true);
      expect(compiled.reason).toBeUndefined();
      expect(compiled.mode).toBe('graph');
      expect(compiled.curve).toEqual(eager.curve);
      expect(compiled.weights).toEqual(eager.weights);
      expect(compiled.state).toEqual(eager.state);
      // Replayed, the fused updates are written into the parameters and state, as eager steps do.
      expect([compiled.kept, eager.kept]).toEqual([true, true]);
    }
  });
});
