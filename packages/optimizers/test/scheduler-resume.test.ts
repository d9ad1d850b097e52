/**
 * A run resumed from a checkpoint follows the saved run's schedule: the scheduler's state holds its
 * base rates (as PyTorch's `base_lrs`), so the new optimizer's `lr` does not leak in, and its `per`
 * and its schedule's description, so a resume with another `per` or schedule is a typed error that
 * changes nothing. Checkpoints record each parameter's group, so a resume whose groups select other
 * parameters is refused too.
 */
import { cpu } from '@backprop/backend-cpu';
import {
  type ArrayDataset,
  type Callback,
  CheckpointError,
  checkpoint,
  fit,
  losses,
  type Module,
  manualSeed,
  nn,
  type Parameter,
  parseSafetensors,
  type SafetensorsEntry,
  saveSafetensors,
  setBackend,
  type Tensor,
  tensor,
  ValueError,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { cosineAnnealing, linearWarmup, type Schedule, type SGD, scheduler, sgd, stepDecay } from '../src/index.js';

beforeAll(async () => {
  await setBackend(cpu());
});

const data = (): ArrayDataset => ({
  x: new Float32Array(30 * 3).map((_, i) => Math.sin(i * 0.7)),
  xShape: [30, 3],
  y: new Float32Array(30 * 2).map((_, i) => Math.cos(i * 1.3)),
  yShape: [30, 2],
});
const build = (): Module => nn.sequential(nn.dense(3, 4, { seed: 1 }), nn.tanh(), nn.dense(4, 2, { seed: 2 }));
const isBias = (p: Parameter) => p.name.endsWith('bias');
const isWeight = (p: Parameter) => p.name.endsWith('weight');
const weights = (m: Module) => m.parameters().map((p) => p.value.dataSync().slice() as Float32Array);
const rates = (o: SGD) => o.paramGroups.map((g) => g.lr);

interface Run {
  model: Module;
  optimizer: SGD;
  /** The rates of every group at each step, as the step used them. */
  lrs: number[][];
  saved: Uint8Array[];
}

/** fit for `epochs` epochs (in all), from `resume` if given, saving a checkpoint after every epoch. */
async function run(
  optimizer: SGD,
  schedule: Schedule,
  per: 'epoch' | 'step',
  epochs: number,
  resume?: Uint8Array,
  model = build(),
): Promise<Run> {
  const lrs: number[][] = [];
  const saved: Uint8Array[] = [];
  const record: Callback = { onBatchEnd: () => void lrs.push(rates(optimizer)) };
  await fit(model, data(), {
    loss: losses.mse,
    optimizer,
    batchSize: 8,
    epochs,
    verbose: false,
    callbacks: [record, scheduler(optimizer, schedule, { per }), checkpoint({ save: (b) => void saved.push(b) })],
    ...(resume ? { resume } : {}),
  });
  return { model, optimizer, lrs, saved };
}

const steps = 4; // batches per epoch (30 examples in batches of 8)

describe('resuming a scheduled run', () => {
  const cases = [
    { per: 'epoch' as const, schedule: () => stepDecay({ stepSize: 1, gamma: 0.5 }) },
    {
      per: 'step' as const,
      schedule: () => linearWarmup({ steps: 3, startFactor: 0.2, after: cosineAnnealing({ tMax: 7, etaMin: 0.01 }) }),
    },
    // A schedule of your own has no description; its base rates and per are restored all the same.
    { per: 'step' as const, schedule: (): Schedule => (k, base) => base / (1 + k) },
  ];
  for (const [c, { per, schedule }] of cases.entries()) {
    it(`continues exactly as the uninterrupted run with a new optimizer of other rates (per ${per}, case ${c})`, async () => {
      const make = (lr: number, biasLr: number) => sgd({ lr, momentum: 0.9, groups: [{ match: isBias, lr: biasLr }] });
      manualSeed(3);
      const straight = await run(make(0.1, 0.3), schedule(), per, 5);
      for (const k of [1, 2, 4]) {
        manualSeed(77);
        const resumed = await run(make(1, 2), schedule(), per, 5, straight.saved[k - 1]);
        expect(resumed.lrs).toEqual(straight.lrs.slice(k * steps));
        const got = weights(resumed.model);
        const want = weights(straight.model);
        got.forEach((w, i) => {
          expect(w).toEqual(want[i]);
        });
        resumed.model.dispose();
        resumed.optimizer.dispose();
      }
      // The probe's case: lr 0.1 halved every epoch, resumed at epoch 2 with lr 1.
      if (c === 0)
        expect(straight.lrs.filter((_, i) => i % steps === 0).map((r) => r[1])).toEqual([
          0.1, 0.05, 0.025, 0.0125, 0.00625,
        ]);
      straight.model.dispose();
      straight.optimizer.dispose();
    });
  }

  /** Resumes `bytes` with `optimizer`, expecting `error`; the model and optimizer are unchanged after it. */
  async function refused(
    bytes: Uint8Array,
    optimizer: SGD,
    schedule: Schedule,
    per: 'epoch' | 'step',
    error: { type: new (...args: never[]) => Error; message: RegExp },
  ) {
    const model = build();
    const sched = scheduler(optimizer, schedule, { per });
    const before = { weights: weights(model), rates: rates(optimizer), k: sched.k, state: sched.getState() };
    const attempt = fit(model, data(), {
      loss: losses.mse,
      optimizer,
      batchSize: 8,
      epochs: 5,
      verbose: false,
      callbacks: [sched, checkpoint({ save: () => {} })],
      resume: bytes,
    });
    await expect(attempt).rejects.toThrow(error.type);
    await expect(attempt).rejects.toThrow(error.message);
    expect(weights(model)).toEqual(before.weights);
    expect(rates(optimizer)).toEqual(before.rates);
    expect(optimizer.getState().slots.size).toBe(0);
    expect(sched.k).toBe(before.k);
    expect(sched.getState()).toEqual(before.state);
    model.dispose();
    optimizer.dispose();
  }

  it('refuses another per, another described schedule, or other groups, changing nothing', async () => {
    manualSeed(3);
    const saved = await run(
      sgd({ lr: 0.1, groups: [{ match: isBias, lr: 0.5 }] }),
      stepDecay({ stepSize: 1, gamma: 0.5 }),
      'epoch',
      2,
    );
    const bytes = saved.saved[1];
    const same = () => sgd({ lr: 1, groups: [{ match: isBias, lr: 0.5 }] });
    await refused(bytes, same(), stepDecay({ stepSize: 1, gamma: 0.5 }), 'step', {
      type: ValueError,
      message: /^scheduler\.setState: the state was saved by a scheduler with per: "epoch", this one has per: 'step'/,
    });
    await refused(bytes, same(), cosineAnnealing({ tMax: 4 }), 'epoch', {
      type: ValueError,
      message:
        /schedule stepDecay\(\{"stepSize":1,"gamma":0\.5\}\), this one's is cosineAnnealing\(\{"tMax":4,"etaMin":0\}\)/,
    });
    await refused(bytes, same(), stepDecay({ stepSize: 1, gamma: 0.1 }), 'epoch', {
      type: ValueError,
      message: /stepDecay\(\{"stepSize":1,"gamma":0\.5\}\), this one's is stepDecay\(\{"stepSize":1,"gamma":0\.1\}\)/,
    });
    await refused(
      bytes,
      sgd({ lr: 0.01, groups: [{ match: isWeight, lr: 0.001 }] }),
      stepDecay({ stepSize: 1, gamma: 0.5 }),
      'epoch',
      {
        type: CheckpointError,
        message: /parameter 0\.weight was in parameter group 1 of the saved optimizer and is in group 0 of this one/,
      },
    );
    // Another number of groups: the checkpoint's optimizer check refuses it first.
    await refused(bytes, sgd({ lr: 0.1 }), stepDecay({ stepSize: 1, gamma: 0.5 }), 'epoch', {
      type: CheckpointError,
      message: /expected 1 parameter groups/,
    });
    saved.model.dispose();
    saved.optimizer.dispose();
  });

  it("saves k, per, the base rates, each group's multiplier and last rate and the schedule's description; setState checks them", () => {
    const o = sgd({ lr: 0.1, groups: [{ match: isBias, lr: 0.3 }] });
    const s = scheduler(o, stepDecay({ stepSize: 2 }), { per: 'step' });
    s.step();
    expect(s.getState()).toEqual({
      values: {
        k: 1,
        per: 'step',
        groups: 2,
        base0: 0.3,
        base1: 0.1,
        mult0: 1,
        mult1: 1,
        last0: 0.3,
        last1: 0.1,
        schedule: 'stepDecay({"stepSize":2,"gamma":0.1})',
      },
    });
    const own = scheduler(o, (k, b) => b * 0.9 ** k);
    expect(own.getState().values).not.toHaveProperty('schedule');
    const good = s.getState().values;
    for (const [values, message] of [
      [{ ...good, groups: 1 }, /expected groups .* got groups 1 and 2 rates/],
      [{ ...good, groups: 3, base2: 0.1 }, /base rates of 3 parameter groups, the optimizer has 2/],
      [{ ...good, base1: -1 }, /base1 must be a finite number ≥ 0, got -1/],
      [{ ...good, base1: Number.POSITIVE_INFINITY }, /base1 must be a finite number ≥ 0/],
      [{ ...good, per: 'batch' }, /per: "batch", this one has per: 'step'/],
      [{ ...good, schedule: 3 }, /schedule must be a description string/],
      [{ ...good, k: -1 }, /k must be an integer ≥ 0/],
    ] as const) {
      expect(() => s.setState({ values })).toThrow(ValueError);
      expect(() => s.setState({ values })).toThrow(message);
      expect(s.getState().values).toEqual(good);
    }
    // A schedule of your own is not compared with the saved description.
    const mine = scheduler(sgd({ lr: 1, groups: [{ match: isBias, lr: 2 }] }), (_k, b) => b, { per: 'step' });
    mine.setState({ values: good });
    expect(mine.getState().values).toEqual({ ...good, schedule: undefined });
    o.dispose();
  });

  it('an older state holding only k restores k, keeping the new optimizer’s base rates', async () => {
    const o = sgd({ lr: 0.2 });
    const s = scheduler(o, stepDecay({ stepSize: 1, gamma: 0.5 }));
    s.setState({ values: { k: 3 } });
    expect(s.k).toBe(3);
    s.step();
    expect(o.lr).toBe(0.2 * 0.5 ** 4);

    // Through a checkpoint: one whose scheduler state holds only k (as older versions wrote it)
    // resumes as before, so it continues the saved run when the optimizer has the saved rates.
    manualSeed(3);
    const straight = await run(sgd({ lr: 0.1 }), stepDecay({ stepSize: 1, gamma: 0.5 }), 'epoch', 4);
    const { entries, metadata } = parseSafetensors(straight.saved[1]);
    const state = JSON.parse(metadata['backprop.state']);
    expect(state.callbacks[0].name).toBe('scheduler');
    state.callbacks[0].values = { k: state.callbacks[0].values.k };
    const tensors = new Map(entries.map((e) => [e.name, tensorOf(e)]));
    const old = await saveSafetensors(tensors, { ...metadata, 'backprop.state': JSON.stringify(state) });
    for (const t of tensors.values()) t.dispose();
    manualSeed(77);
    const resumed = await run(sgd({ lr: 0.1 }), stepDecay({ stepSize: 1, gamma: 0.5 }), 'epoch', 4, old);
    expect(resumed.lrs).toEqual(straight.lrs.slice(2 * steps));
    expect(weights(resumed.model)).toEqual(weights(straight.model));
    o.dispose();
  });
});

const tensorOf = (e: SafetensorsEntry): Tensor => {
  const bytes = e.data.slice();
  return tensor(
    e.dtype === 'int32' ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer),
    [...e.shape],
    e.dtype,
  );
};
