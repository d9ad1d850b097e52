/**
 * A scheduler sharing its optimizer with something else that changes the rate (reduceOnPlateau,
 * a second scheduler, your code) keeps that change, as PyTorch's chainable schedulers do: the
 * rates match PyTorch 1.13's (test/golden/schedulers.json, from scripts/scheduler_golden.py).
 * Before, each scheduler step recomputed the rate from its base rates, so a plateau cut lasted
 * one epoch and a second scheduler undid the first.
 */
import { readFileSync } from 'node:fs';
import { cpu } from '@backprop/backend-cpu';
import {
  type ArrayDataset,
  type Callback,
  checkpoint,
  fit,
  losses,
  type Module,
  manualSeed,
  nn,
  setBackend,
  ValueError,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cosineAnnealing,
  exponentialDecay,
  linearWarmup,
  reduceOnPlateau,
  type SGD,
  scheduler,
  sgd,
  stepDecay,
} from '../src/index.js';

/** PyTorch's rates at epochs 0..N of each case (scripts/scheduler_golden.py). */
const golden: Record<
  'cosinePlateau' | 'plateauCosine' | 'warmupExponential' | 'cosineEtaMinPlateau' | 'stepPlateau',
  number[]
> = JSON.parse(readFileSync(new URL('./golden/schedulers.json', import.meta.url), 'utf8'));

beforeAll(async () => {
  await setBackend(cpu());
});

/** Equal to 1e-12 relative (and 1e-18 absolute, for PyTorch's rates that are 0 up to rounding). */
function expectRates(got: number[], want: number[]) {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    if (Math.abs(g - want[i]) > 1e-12 * Math.abs(want[i]) + 1e-18)
      throw new Error(`rate ${i}: got ${g}, PyTorch ${want[i]}\n got:  ${got.join(', ')}\n want: ${want.join(', ')}`);
  });
}

/** The rate in effect at each epoch 0..epochs, stepping `steppers` (in order) after each epoch. */
function drive(optimizer: SGD, steppers: (() => void)[], epochs: number): number[] {
  const lrs: number[] = [];
  for (let e = 0; e <= epochs; e++) {
    lrs.push(optimizer.lr);
    for (const s of steppers) s();
  }
  return lrs;
}

describe('a scheduler keeps the changes others make to the rate (PyTorch chainable schedulers)', () => {
  it("the README's cosine annealing with reduce-on-plateau: each cut lasts (it lasted one epoch)", () => {
    const o = sgd({ lr: 0.1 });
    const s = scheduler(o, cosineAnnealing({ tMax: 10 }));
    const p = reduceOnPlateau(o, { monitor: 'loss', patience: 1, factor: 0.1 });
    // 32 epochs: through the trough at 10 (where PyTorch adds the rise to the current rate) and 30.
    expectRates(drive(o, [() => s.step(), () => p.step(1)], 32), golden.cosinePlateau);
    o.dispose();
  });

  it('the same with the plateau stepped first (the other callback order), as PyTorch stepped so', () => {
    const o = sgd({ lr: 0.1 });
    const s = scheduler(o, cosineAnnealing({ tMax: 10 }));
    const p = reduceOnPlateau(o, { monitor: 'loss', patience: 1, factor: 0.1 });
    expectRates(drive(o, [() => p.step(1), () => s.step()], 32), golden.plateauCosine);
    o.dispose();
  });

  it('two schedulers on one optimizer: warmup then exponential decay, chained (the second undid the first)', () => {
    const o = sgd({ lr: 0.1 });
    const a = scheduler(o, linearWarmup({ steps: 3 }));
    const b = scheduler(o, exponentialDecay({ gamma: 0.5 }));
    expectRates(drive(o, [() => a.step(), () => b.step()], 10), golden.warmupExponential);
    o.dispose();
  });

  it('cosine annealing with etaMin: a change scales the rate above etaMin; a cut at the trough is kept', () => {
    const o = sgd({ lr: 0.1 });
    const s = scheduler(o, cosineAnnealing({ tMax: 4, etaMin: 0.01 }));
    const p = reduceOnPlateau(o, { monitor: 'loss', patience: 2, factor: 0.5 });
    expectRates(drive(o, [() => s.step(), () => p.step(1)], 12), golden.cosineEtaMinPlateau);
    o.dispose();
  });

  it('through fit: the callbacks run in list order at each epoch end, as PyTorch steps them', async () => {
    const epochs = 14;
    const o = sgd({ lr: 0.1 });
    const lrs: number[] = [];
    const record: Callback = { onEpochEnd: () => void lrs.push(o.lr) };
    const constantLoss: Callback = { onEpochEnd: flat };
    const model = nn.sequential(nn.dense(3, 2, { seed: 1 }));
    await fit(model, data(), {
      loss: losses.mse,
      optimizer: o,
      batchSize: 8,
      epochs,
      verbose: false,
      callbacks: [
        record,
        constantLoss,
        scheduler(o, cosineAnnealing({ tMax: 10 })),
        reduceOnPlateau(o, { monitor: 'flat', mode: 'min', patience: 1, factor: 0.1 }),
      ],
    });
    lrs.push(o.lr);
    expectRates(lrs, golden.cosinePlateau.slice(0, epochs + 1));
    model.dispose();
    o.dispose();
  });

  it('step decay with a plateau cut every epoch', () => {
    const o = sgd({ lr: 0.1 });
    const s = scheduler(o, stepDecay({ stepSize: 2, gamma: 0.5 }));
    const p = reduceOnPlateau(o, { monitor: 'loss', patience: 0, factor: 0.5, threshold: 10 });
    expectRates(drive(o, [() => s.step(), () => p.step(1)], 4), golden.stepPlateau);
    o.dispose();
  });

  it('with nothing else changing the rate, the rates are the closed form, bit for bit', () => {
    const schedule = linearWarmup({ steps: 3, startFactor: 0.2, after: cosineAnnealing({ tMax: 7, etaMin: 0.01 }) });
    const o = sgd({ lr: 0.1, groups: [{ match: () => false, lr: 0.3 }] });
    const s = scheduler(o, schedule, { per: 'step' });
    for (let k = 1; k <= 25; k++) {
      s.step();
      expect(o.paramGroups.map((g) => g.lr)).toEqual([schedule(k, 0.3), schedule(k, 0.1)]);
    }
    o.dispose();
  });

  it('a rate changed from 0 cannot be carried as a factor: a ValueError naming the scheduler and group, changing nothing', () => {
    const o = sgd({ lr: 0.1, groups: [{ match: () => false, lr: 0.3 }] });
    const s = scheduler(o, linearWarmup({ steps: 4, startFactor: 0 }));
    expect(o.paramGroups.map((g) => g.lr)).toEqual([0, 0]);
    o.paramGroups[1].lr = 0.05;
    const before = s.getState();
    expect(() => s.step()).toThrow(ValueError);
    expect(() => s.step()).toThrow(
      /^scheduler\(linearWarmup\(\{"steps":4,"startFactor":0\}\)\): group 1's learning rate is 0\.05, but this scheduler last set it to 0: something else/,
    );
    expect(o.paramGroups.map((g) => g.lr)).toEqual([0, 0.05]);
    expect(s.k).toBe(0);
    expect(s.getState()).toEqual(before);
    // Set back to 0, it steps on.
    o.paramGroups[1].lr = 0;
    s.step();
    expect(o.paramGroups.map((g) => g.lr)).toEqual([0.3 * 0.25, 0.1 * 0.25]);
    const single = sgd({ lr: 0.1 });
    const own = scheduler(single, (k, b) => b * k);
    single.lr = 1;
    expect(() => own.step()).toThrow(
      /^scheduler\(a schedule of your own\): the learning rate is 1, but this scheduler last set it to 0/,
    );
    o.dispose();
    single.dispose();
  });
});

/** Logs a constant `flat` (a loss that never improves, so reduceOnPlateau fires), for the callbacks after it. */
function flat(_epoch: number, logs: Record<string, number>) {
  logs.flat = 1;
}

const data = (): ArrayDataset => ({
  x: new Float32Array(30 * 3).map((_, i) => Math.sin(i * 0.7)),
  xShape: [30, 3],
  y: new Float32Array(30 * 2).map((_, i) => Math.cos(i * 1.3)),
  yShape: [30, 2],
});

describe('resuming a run whose rate a scheduler and reduce-on-plateau share', () => {
  const build = (): Module => nn.sequential(nn.dense(3, 4, { seed: 1 }), nn.tanh(), nn.dense(4, 2, { seed: 2 }));
  const weights = (m: Module) => m.parameters().map((p) => p.value.dataSync().slice() as Float32Array);
  const epochs = 14;

  /** The README's example through fit, saving a checkpoint after every epoch; the rate of every step. */
  async function run(resume?: Uint8Array) {
    const model = build();
    const optimizer = sgd({ lr: 0.1, momentum: 0.9, groups: [{ match: (p) => p.name.endsWith('bias'), lr: 0.3 }] });
    const lrs: number[][] = [];
    const saved: Uint8Array[] = [];
    await fit(model, data(), {
      loss: losses.mse,
      optimizer,
      batchSize: 8,
      epochs,
      verbose: false,
      callbacks: [
        { onBatchEnd: () => void lrs.push(optimizer.paramGroups.map((g) => g.lr)) },
        { onEpochEnd: flat },
        scheduler(optimizer, cosineAnnealing({ tMax: 10 })),
        reduceOnPlateau(optimizer, { monitor: 'flat', mode: 'min', patience: 1, factor: 0.1 }),
        checkpoint({ save: (b) => void saved.push(b) }),
      ],
      ...(resume ? { resume } : {}),
    });
    optimizer.dispose();
    return { model, lrs, saved };
  }

  it('continues exactly as the uninterrupted run', async () => {
    manualSeed(3);
    const straight = await run();
    // The rates follow PyTorch's (the weight group's; the bias group's are 3 times them).
    expectRates(
      straight.lrs.filter((_, i) => i % 4 === 0).map((r) => r[1]),
      golden.cosinePlateau.slice(0, epochs),
    );
    for (const k of [4, 7, 11]) {
      manualSeed(77);
      const resumed = await run(straight.saved[k - 1]);
      expect(resumed.lrs).toEqual(straight.lrs.slice(k * 4));
      const want = weights(straight.model);
      weights(resumed.model).forEach((w, i) => {
        expect(w).toEqual(want[i]);
      });
      resumed.model.dispose();
    }
    straight.model.dispose();
  });

  it('saves the multiplier and the last rate of each group; a state without them loads as before', () => {
    const o = sgd({ lr: 0.1 });
    const s = scheduler(o, stepDecay({ stepSize: 1, gamma: 0.5 }));
    o.lr = 0.02; // a cut by something else
    s.step();
    expect(o.lr).toBeCloseTo(0.01, 15);
    expect(s.getState().values).toMatchObject({ k: 1, groups: 1, base0: 0.1, mult0: 0.02 / 0.1, last0: o.lr });
    const { mult0: _m, last0: _l, ...older } = s.getState().values;
    const again = sgd({ lr: 0.01 });
    const t = scheduler(again, stepDecay({ stepSize: 1, gamma: 0.5 }));
    again.lr = 0.01; // as a checkpoint restores it
    t.setState({ values: older });
    t.step();
    expect(again.lr).toBe(0.1 * 0.5 ** 2); // as before: the closed form from the saved base rate
    for (const [values, message] of [
      [
        { ...older, last0: 0.01 },
        /expected a multiplier and a last rate \(mult0, last0, …\) for each of the 1 parameter groups, got last0$/,
      ],
      [{ ...s.getState().values, last0: -1 }, /last0 must be a finite number ≥ 0, got -1/],
      [{ ...s.getState().values, mult0: Number.NaN }, /mult0 must be a finite number, got null/],
    ] as const) {
      const before = t.getState();
      expect(() => t.setState({ values: values as never })).toThrow(message);
      expect(t.getState()).toEqual(before);
    }
    o.dispose();
    again.dispose();
  });
});
