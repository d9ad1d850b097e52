// Structural settings switched mid-run (Adam/AdamW `amsgrad`, RMSprop `centered` and `momentum`, SGD `momentum`
// and `form`): the state the new setting reads is created fresh (zeros, or PyTorch's first-step buffer), the
// state it no longer reads is kept unchanged and ignored, and eager and compiled steps agree bit for bit,
// fused kernels or composed updates alike.

import { cpu } from '@backprop/backend-cpu';
import {
  dispose,
  liveTensorCount,
  losses,
  nn,
  type Parameter,
  type SlotState,
  setBackend,
  type Tensor,
  tensor,
  tidy,
  trainStep,
  zerosLike,
} from '@backprop/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Adam, AdamW, type GradientOptimizer, RMSprop, SGD, useFusedUpdates } from '../src/index.js';
import { stateValues } from './state.js';

let was = true;
beforeEach(async () => {
  await setBackend(cpu());
  was = useFusedUpdates(true);
});
afterEach(() => {
  useFusedUpdates(was);
});

const isBias = (p: Parameter) => p.name.endsWith('bias');
type Opt = GradientOptimizer<any>;

/** A batch that changes with k, so that AMSGrad's running max differs from v. */
const batch = (k: number): [Tensor, Tensor] => [
  tensor(
    Float32Array.from({ length: 24 }, (_, i) => Math.sin(i * 1.7 + k * 2.3) * (1 + (k % 3))),
    [6, 4],
  ),
  tensor(
    Int32Array.from({ length: 6 }, (_, i) => (i * 2 + k) % 3),
    [6],
    'int32',
  ),
];

interface Case {
  make: () => Opt;
  /** The switch, applied to the default group (every weight matrix; the biases keep their settings). */
  flip: Record<string, unknown>;
  /** The state keys the new setting reads and a slot made before lacks: created as zeros. */
  fresh?: string[];
  /** The state keys the new setting no longer reads: kept unchanged. */
  stale?: string[];
}

const groups = [{ match: isBias, lr: 0.02 }];
const cases: Record<string, Case> = {
  'Adam amsgrad true → false': {
    make: () => new Adam({ lr: 0.05, amsgrad: true, groups }),
    flip: { amsgrad: false },
    stale: ['maxExpAvgSq'],
  },
  'Adam amsgrad false → true': {
    make: () => new Adam({ lr: 0.05, groups }),
    flip: { amsgrad: true },
    fresh: ['maxExpAvgSq'],
  },
  'AdamW amsgrad true → false': {
    make: () => new AdamW({ lr: 0.05, weightDecay: 0.1, amsgrad: true, groups }),
    flip: { amsgrad: false },
    stale: ['maxExpAvgSq'],
  },
  'AdamW amsgrad false → true': {
    make: () => new AdamW({ lr: 0.05, weightDecay: 0.1, groups }),
    flip: { amsgrad: true },
    fresh: ['maxExpAvgSq'],
  },
  'RMSprop centered true → false': {
    make: () => new RMSprop({ lr: 0.01, centered: true, groups }),
    flip: { centered: false },
    stale: ['gradAvg'],
  },
  'RMSprop centered false → true': {
    make: () => new RMSprop({ lr: 0.01, groups }),
    flip: { centered: true },
    fresh: ['gradAvg'],
  },
  'RMSprop momentum 0.9 → 0': {
    make: () => new RMSprop({ lr: 0.01, momentum: 0.9, centered: true, groups }),
    flip: { momentum: 0 },
    stale: ['momentumBuffer'],
  },
  'RMSprop momentum 0 → 0.9': {
    make: () => new RMSprop({ lr: 0.01, groups }),
    flip: { momentum: 0.9 },
    fresh: ['momentumBuffer'],
  },
  'SGD momentum 0.9 → 0': {
    make: () => new SGD({ lr: 0.1, momentum: 0.9, groups }),
    flip: { momentum: 0 },
    stale: ['momentumBuffer'],
  },
  // PyTorch starts a missing buffer from the gradient (its first step): no zeros.
  'SGD momentum 0 → 0.9': { make: () => new SGD({ lr: 0.1, groups }), flip: { momentum: 0.9 } },
  "SGD form 'pytorch' → 'lecture'": {
    make: () => new SGD({ lr: 0.1, momentum: 0.5, groups }),
    flip: { form: 'lecture' },
    fresh: ['velocity'],
    stale: ['momentumBuffer'],
  },
  "SGD form 'lecture' → 'pytorch'": {
    make: () => new SGD({ lr: 0.1, momentum: 0.5, form: 'lecture', groups }),
    flip: { form: 'pytorch' },
    stale: ['velocity'],
  },
};

const BEFORE = 4;
const AFTER = 5;

/**
 * Trains BEFORE steps, switches the default group, trains AFTER more. `reference`: instead of
 * switching a live slot, first load the state the switch should amount to (fresh keys as zeros,
 * stale keys left out), so that the switched run must compute exactly that.
 */
async function train(c: Case, options: { compile: boolean; reference?: boolean }) {
  const model = tidy(() => nn.sequential(nn.dense(4, 5, { seed: 1 }), nn.tanh(), nn.dense(5, 3, { seed: 2 })));
  const opt = c.make();
  const step = trainStep(model, { loss: losses.softmaxCrossEntropy, optimizer: opt, compile: options.compile });
  const run = async (k: number) => {
    const [x, y] = batch(k);
    await step(x, y);
    dispose([x, y]);
  };
  for (let k = 0; k < BEFORE; k++) await run(k);
  const switched = model.parameters().filter((p) => !isBias(p));
  const atSwitch = stateValues(opt);
  if (options.reference) {
    const { groups: g, slots } = opt.getState();
    const next = new Map<string, SlotState>();
    const made: Tensor[] = [];
    for (const [name, s] of slots) {
      const tensors: Record<string, Tensor> = { ...s.tensors };
      if (switched.some((p) => p.name === name)) {
        for (const k of c.stale ?? []) delete tensors[k];
        for (const k of c.fresh ?? []) {
          tensors[k] = zerosLike((switched.find((p) => p.name === name) as Parameter).value);
          made.push(tensors[k]);
        }
      }
      next.set(name, { step: s.step, tensors });
    }
    opt.setState({ groups: g, slots: next });
    dispose(made);
  }
  Object.assign(opt.paramGroups[opt.paramGroups.length - 1], c.flip);
  for (let k = BEFORE; k < BEFORE + AFTER; k++) await run(k);
  const out = {
    weights: model.parameters().map((p) => Array.from(p.value.dataSync())),
    state: stateValues(opt),
    atSwitch,
    switched: switched.map((p) => p.name),
    mode: step.mode,
    reason: step.reason,
  };
  step.dispose();
  opt.dispose();
  model.dispose();
  return out;
}

for (const fused of [true, false]) {
  describe(`structural switches mid-run (${fused ? 'fused kernels' : 'composed updates'})`, () => {
    for (const [name, c] of Object.entries(cases)) {
      it(`${name}: eager and compiled agree bit for bit; new state starts fresh, unread state is kept`, async () => {
        useFusedUpdates(fused);
        const live = liveTensorCount();
        const eager = await train(c, { compile: false });
        const compiled = await train(c, { compile: true });
        const reference = await train(c, { compile: false, reference: true });
        expect(liveTensorCount()).toBe(live);
        expect(compiled.reason).toBeUndefined();
        expect(compiled.mode).toBe('graph');
        expect(compiled.weights).toEqual(eager.weights);
        expect(compiled.state).toEqual(eager.state);
        // The switch amounts to the slot completed with zeros / stripped of what is no longer read.
        expect(eager.weights).toEqual(reference.weights);
        for (const p of eager.switched) {
          for (const k of c.stale ?? []) {
            expect(eager.atSwitch[`${p}.${k}`]).toBeDefined();
            expect(eager.state[`${p}.${k}`]).toEqual(eager.atSwitch[`${p}.${k}`]);
          }
          for (const k of c.fresh ?? []) {
            expect(eager.atSwitch[`${p}.${k}`]).toBeUndefined();
            expect(eager.state[`${p}.${k}`]).toEqual(reference.state[`${p}.${k}`]);
          }
        }
      });
    }
  });
}

describe('switching back', () => {
  it('Adam amsgrad true → false → true resumes the running max kept while it was off (as PyTorch)', async () => {
    const runs: Record<string, number[]>[] = [];
    for (const compile of [false, true]) {
      const m = tidy(() => nn.sequential(nn.dense(4, 3, { seed: 1 })));
      const o = new Adam({ lr: 0.05, amsgrad: true });
      const step = trainStep(m, { loss: losses.softmaxCrossEntropy, optimizer: o, compile });
      const phases: boolean[] = [true, true, true, false, false, false, true, true, true, true];
      let maxOff: unknown;
      for (const [k, amsgrad] of phases.entries()) {
        o.paramGroups[0].amsgrad = amsgrad;
        const [x, y] = batch(k);
        await step(x, y);
        dispose([x, y]);
        if (k === 2) maxOff = stateValues(o)[`${m.parameters()[0].name}.maxExpAvgSq`];
        if (k === 5) expect(stateValues(o)[`${m.parameters()[0].name}.maxExpAvgSq`]).toEqual(maxOff);
      }
      runs.push(stateValues(o) as Record<string, number[]>);
      step.dispose();
      o.dispose();
      m.dispose();
    }
    expect(runs[1]).toEqual(runs[0]);
  });

  it('SGD momentum 0.9 → 0 → 0.9 resumes the kept buffer (as PyTorch), eager and compiled alike', async () => {
    const out: unknown[] = [];
    for (const compile of [false, true]) {
      const m = tidy(() => nn.sequential(nn.dense(4, 3, { seed: 1 })));
      const o = new SGD({ lr: 0.1, momentum: 0.9 });
      const step = trainStep(m, { loss: losses.softmaxCrossEntropy, optimizer: o, compile });
      const name = `${m.parameters()[0].name}.momentumBuffer`;
      let kept: unknown;
      for (let k = 0; k < 10; k++) {
        o.paramGroups[0].momentum = k >= 3 && k < 6 ? 0 : 0.9;
        const [x, y] = batch(k);
        await step(x, y);
        dispose([x, y]);
        if (k === 2) kept = stateValues(o)[name];
        if (k === 5) expect(stateValues(o)[name]).toEqual(kept);
      }
      out.push([m.parameters().map((p) => Array.from(p.value.dataSync())), stateValues(o)]);
      step.dispose();
      o.dispose();
      m.dispose();
    }
    expect(out[1]).toEqual(out[0]);
  });
});
