// Schedules as pure functions, and the scheduler / reduce-on-plateau callbacks driven by fit.

import { cpu } from '@backprop/backend-cpu';
import { fit, liveTensorCount, losses, manualSeed, nn, setBackend, ValueError } from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  constant,
  cosineAnnealing,
  exponentialDecay,
  inverseTimeDecay,
  linearWarmup,
  reduceOnPlateau,
  SGD,
  scheduler,
  sgd,
  stepDecay,
} from '../src/index.js';

beforeAll(async () => {
  await setBackend(cpu());
});

describe('schedules', () => {
  it('closed forms', () => {
    expect(constant()(7, 0.1)).toBe(0.1);
    expect(stepDecay({ stepSize: 3, gamma: 0.5 })(7, 1)).toBe(0.25);
    expect(exponentialDecay({ gamma: 0.9 })(2, 1)).toBeCloseTo(0.81, 12);
    expect(inverseTimeDecay({ tau: 10 })(10, 1)).toBe(0.5);
    expect(linearWarmup({ steps: 4, startFactor: 0, after: exponentialDecay({ gamma: 0.5 }) })(2, 1)).toBe(0.5);
    expect(linearWarmup({ steps: 4, startFactor: 0, after: exponentialDecay({ gamma: 0.5 }) })(5, 1)).toBe(0.5);
  });

  it('cosine annealing follows the closed form and rises again past T_max', () => {
    const s = cosineAnnealing({ tMax: 10, etaMin: 0.01 });
    for (let k = 0; k <= 35; k++)
      expect(s(k, 0.1)).toBeCloseTo(0.01 + (0.09 * (1 + Math.cos((Math.PI * k) / 10))) / 2, 12);
    expect(s(15, 0.1)).toBeGreaterThan(s(10, 0.1));
  });

  it("inverse-time decay meets the lecture's condition: Σγ diverges, Σγ² converges", () => {
    const s = inverseTimeDecay({ tau: 1 });
    let sum = 0;
    let sq = 0;
    for (let k = 0; k < 1e6; k++) {
      sum += s(k, 1);
      sq += s(k, 1) ** 2;
    }
    expect(sum).toBeGreaterThan(13); // ~ ln(10⁶)
    expect(sq).toBeLessThan(Math.PI ** 2 / 6 + 1e-9);
  });

  it('rejects bad options', () => {
    expect(() => stepDecay({ stepSize: 0 })).toThrow(ValueError);
    expect(() => cosineAnnealing({ tMax: -1 })).toThrow(ValueError);
    expect(() => reduceOnPlateau(new SGD(), { factor: 1 })).toThrow(ValueError);
  });
});

describe('through fit', () => {
  const data = () => {
    const n = 64;
    const x = new Float32Array(n * 2);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      x[2 * i] = Math.sin(i);
      x[2 * i + 1] = Math.cos(3 * i);
      y[i] = 2 * x[2 * i] - x[2 * i + 1] + 0.5;
    }
    return { x, xShape: [n, 2], y, yShape: [n, 1] };
  };

  it('a per-epoch schedule and reduce-on-plateau change the rate; look-ahead Nesterov trains', async () => {
    manualSeed(1);
    const model = nn.sequential(nn.dense(2, 1));
    const opt = new SGD({ lr: 0.1, momentum: 0.9, nesterov: true, form: 'lecture' });
    const lrs: number[] = [];
    const sched = scheduler(opt, stepDecay({ stepSize: 2, gamma: 0.5 }));
    const plateau = reduceOnPlateau(opt, { patience: 0, factor: 0.5, threshold: 10 }); // every epoch is a plateau
    const before = liveTensorCount();
    const history = await fit(model, data(), {
      loss: losses.mse,
      optimizer: opt,
      epochs: 4,
      batchSize: 16,
      validation: 0.25,
      verbose: false,
      callbacks: [sched, plateau, { onEpochEnd: () => void lrs.push(opt.lr) }],
    });
    opt.dispose();
    expect(liveTensorCount()).toBe(before);
    // scheduler sets 0.1·0.5^⌊k/2⌋, then the plateau halves it, and the scheduler keeps each cut (PyTorch's
    // StepLR with ReduceLROnPlateau, test/golden/schedulers.json; each cut lasted one epoch before)
    expect(lrs).toEqual([0.05, 0.0125, 0.00625, 0.0015625]);
    expect(history.epochs[3].loss).toBeLessThan(history.epochs[0].loss);
  });

  it('reduce-on-plateau needs the monitored log, and fit refuses it before anything trains', async () => {
    const model = nn.sequential(nn.dense(2, 1));
    const weights = model.parameters().map((p) => Array.from(p.value.dataSync()));
    const opt = new SGD({ lr: 0.1 });
    const plateau = reduceOnPlateau(opt);
    expect(plateau.monitor).toBe('valLoss');
    await expect(
      fit(model, data(), {
        loss: losses.mse,
        optimizer: opt,
        epochs: 1,
        verbose: false,
        callbacks: [plateau],
      }),
    ).rejects.toThrow(/^fit: reduceOnPlateau monitors "valLoss", which this run's epoch logs will not have/);
    expect(model.parameters().map((p) => Array.from(p.value.dataSync()))).toEqual(weights);
  });
});

describe('schedule options', () => {
  it('schedules and schedulers refuse options they do not have (PyTorch spellings named)', () => {
    expect(() => stepDecay({ step_size: 10 } as never)).toThrow(
      /^stepDecay: unknown option 'step_size' \(did you mean stepSize\?\)/,
    );
    expect(() => cosineAnnealing({ T_max: 10 } as never)).toThrow(
      /^cosineAnnealing: unknown option 'T_max' \(did you mean tMax\?\)/,
    );
    expect(() => reduceOnPlateau(sgd({ lr: 0.1 }), { min_lr: 1e-4 } as never)).toThrow(
      /^reduceOnPlateau: unknown option 'min_lr' \(did you mean minLr\?\)/,
    );
    expect(() => scheduler(sgd({ lr: 0.1 }), stepDecay({ stepSize: 2 }), { every: 'step' } as never)).toThrow(
      /^scheduler: unknown option 'every'; the options are per$/,
    );
  });
});

describe('schedules check what they are given', () => {
  it('a schedule whose options are left out names them instead of crashing on them', () => {
    const make = [cosineAnnealing, stepDecay, exponentialDecay, inverseTimeDecay, linearWarmup] as ((
      o?: object,
    ) => unknown)[];
    for (const f of make) expect(() => f()).toThrow(new RegExp(`^${f.name}: the options are required \\(\\{ `));
  });

  it('every schedule is defined at integer k ≥ 0 only (a negative k gave a rate above the base)', () => {
    const schedules = {
      cosineAnnealing: cosineAnnealing({ tMax: 10 }),
      stepDecay: stepDecay({ stepSize: 2, gamma: 0.5 }),
      exponentialDecay: exponentialDecay({ gamma: 0.5 }),
      inverseTimeDecay: inverseTimeDecay({ tau: 10 }),
      linearWarmup: linearWarmup({ steps: 3 }),
    };
    for (const [name, s] of Object.entries(schedules)) {
      expect(() => s(-3, 0.1)).toThrow(new RegExp(`^${name}: k must be an integer ≥ 0, got -3$`));
      expect(() => s(2.5, 0.1)).toThrow(new RegExp(`^${name}: k must be an integer ≥ 0, got 2\\.5$`));
      expect(s(0, 0.1)).toBeGreaterThan(0);
    }
    expect(stepDecay({ stepSize: 2, gamma: 0.5 })(4, 0.1)).toBeCloseTo(0.025, 12);
  });

  it("linearWarmup's after must be a schedule (it failed only once the warm-up ended)", () => {
    expect(() => linearWarmup({ steps: 2, after: 0.5 as never })).toThrow(
      /^linearWarmup: after must be a schedule, a function \(k, baseLr\) => lr such as cosineAnnealing\(\{ tMax \}\), got 0\.5$/,
    );
  });

  it('scheduler and reduceOnPlateau need an optimizer with learning rates', () => {
    expect(() => scheduler(undefined as never, constant())).toThrow(
      /^scheduler: optimizer must be an Optimizer, e\.g\. sgd\(\{ lr: 0\.1 \}\), got undefined$/,
    );
    expect(() => reduceOnPlateau({} as never)).toThrow(/^reduceOnPlateau: optimizer must be an Optimizer/);
    const noRate = { step: () => {}, lr: Number.NaN };
    expect(() => scheduler(noRate as never, constant())).toThrow(
      /^scheduler: the optimizer's learning rate must be a finite number ≥ 0, got NaN$/,
    );
  });
});

describe('reduceOnPlateau reads the direction from the monitored name', () => {
  it("keeps the rate while an accuracy rises (mode 'min', PyTorch's default, cut it)", () => {
    const optimizer = sgd({ lr: 0.1 });
    const plateau = reduceOnPlateau(optimizer, { monitor: 'valAccuracy', patience: 1 });
    for (const accuracy of [0.5, 0.6, 0.7, 0.8]) plateau.step(accuracy);
    expect(optimizer.lr).toBe(0.1);
    for (const accuracy of [0.8, 0.8, 0.8]) plateau.step(accuracy);
    expect(optimizer.lr).toBeCloseTo(0.01, 12);
    const lossWatch = sgd({ lr: 0.1 });
    const onLoss = reduceOnPlateau(lossWatch, { patience: 1 });
    for (const loss of [0.5, 0.6, 0.7]) onLoss.step(loss);
    expect(lossWatch.lr).toBeCloseTo(0.01, 12);
  });

  it('asks for the mode of a name it cannot place', () => {
    expect(() => reduceOnPlateau(sgd({ lr: 0.1 }), { monitor: 'valRmse' })).toThrow(
      /^reduceOnPlateau: mode 'auto' cannot tell whether "valRmse" is better lower or higher/,
    );
    expect(() => reduceOnPlateau(sgd({ lr: 0.1 }), { monitor: 'valRmse', mode: 'min' })).not.toThrow();
  });
});
