/** `benchmarkUpdates`: time of one optimizer update over a model of N parameters, per optimizer. */
import {
  dispose,
  formatValue,
  manualSeed,
  nonNegative,
  type Optimizer,
  Parameter,
  randomNormal,
  ValueError,
} from '@backprop/core';
import { adadelta } from './optimizers/adadelta.js';
import { adagrad } from './optimizers/adagrad.js';
import { adam } from './optimizers/adam.js';
import { adamax } from './optimizers/adamax.js';
import { adamW } from './optimizers/adamw.js';
import { nadam } from './optimizers/nadam.js';
import { rmsprop } from './optimizers/rmsprop.js';
import { sgd } from './optimizers/sgd.js';

/** One row of {@link benchmarkUpdates}. */
export interface UpdateTiming {
  optimizer: string;
  /** Mean milliseconds per update over the timed steps. */
  msPerStep: number;
  /**
   * Median milliseconds of the timed steps, each timed alone: the steady update, robust to a
   * step that another process or a page fault slowed (what `pnpm bench` compares with PyTorch).
   */
  medianMsPerStep: number;
}

/** Options of {@link benchmarkUpdates}. */
export interface BenchmarkUpdatesOptions {
  /** Total parameters, split over a few tensors like a small MLP (default 10,000,000). */
  params?: number;
  /** Timed steps per optimizer, each timed alone, after the warm-up (default 5, at least 1). */
  steps?: number;
  /**
   * Untimed updates per optimizer before the timed ones, for at least this many milliseconds
   * (and at least one update, which makes the optimizer's state). Default 50. Memory-bound updates
   * run slower for their first few milliseconds after other work: on a 2-core AMD EPYC, an SGD
   * update over 10M parameters took 3–4 ms for its first steps after 300 ms of anything else and
   * about 2 ms ten steps later, so a single warm-up step timed that ramp, not the steady update.
   */
  warmupMs?: number;
  /**
   * Let the updates write into the parameters and state, as a training step does (on a backend
   * with `updateInPlace`; elsewhere they run out of place either way). Default true.
   */
  inPlace?: boolean;
}

const makers: readonly (readonly [string, () => Optimizer])[] = [
  ['SGD', () => sgd({ lr: 0.01 })],
  ['SGD momentum', () => sgd({ lr: 0.01, momentum: 0.9 })],
  ['SGD lecture momentum', () => sgd({ lr: 0.01, momentum: 0.9, form: 'lecture' })],
  ['Adagrad', () => adagrad()],
  ['RMSprop', () => rmsprop()],
  ['Adam', () => adam()],
  ['AdamW', () => adamW()],
  ['Adamax', () => adamax()],
  ['NAdam', () => nadam()],
  ['Adadelta', () => adadelta()],
];

/** The optimizers {@link benchmarkUpdates} times, by the names of its rows, in row order. */
export const BENCHMARKED_OPTIMIZERS: readonly string[] = Object.freeze(makers.map(([name]) => name));

const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Times `optimizer.step` on the current backend for each optimizer, over parameters of
 * `params` elements in total (shapes of an MLP: one large weight, a second, and biases), with
 * the updates written in place where the backend can, as in a training step. Each optimizer
 * first updates untimed for `warmupMs`, then each timed step is timed alone.
 * Reads one value back after each step so asynchronous backends are measured to completion.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend } from '@backprop/core';
 * import { benchmarkUpdates } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * for (const { optimizer, msPerStep } of await benchmarkUpdates({ params: 10_000, steps: 5 })) console.log(optimizer, msPerStep);
 * ```
 */
export async function benchmarkUpdates({
  params = 10_000_000,
  steps = 5,
  inPlace = true,
  warmupMs = 50,
}: BenchmarkUpdatesOptions = {}): Promise<UpdateTiming[]> {
  if (!Number.isInteger(steps) || steps < 1)
    throw new ValueError(`benchmarkUpdates: steps must be an integer ≥ 1, got ${formatValue(steps)}`);
  nonNegative('benchmarkUpdates', 'warmupMs', warmupMs);
  if (!Number.isInteger(params) || params < 1)
    throw new ValueError(`benchmarkUpdates: params must be an integer ≥ 1, got ${formatValue(params)}`);
  manualSeed(0);
  const cols = 1000;
  const rows1 = Math.max(1, Math.floor((params * 0.8) / cols));
  const rows2 = Math.max(1, Math.floor((params - rows1 * cols - 2 * cols) / cols));
  const shapes = [[rows1, cols], [cols], [rows2, cols], [cols]];
  const ps = shapes.map((s, i) => new Parameter(`p${i}`, randomNormal(s, { std: 0.01 })));
  const gs = shapes.map((s) => randomNormal(s, { std: 0.01 }));
  const rows: UpdateTiming[] = [];
  for (const [name, make] of makers) {
    const opt = make();
    const warmStart = performance.now();
    do {
      opt.step(ps, gs, { inPlace });
      await ps[3].value.data();
    } while (performance.now() - warmStart < warmupMs);
    const times: number[] = [];
    for (let i = 0; i < steps; i++) {
      const start = performance.now();
      opt.step(ps, gs, { inPlace });
      await ps[3].value.data();
      times.push(performance.now() - start);
    }
    const mean = times.reduce((a, b) => a + b, 0) / steps;
    rows.push({ optimizer: name, msPerStep: mean, medianMsPerStep: median(times) });
    opt.dispose();
  }
  dispose(gs);
  for (const p of ps) p.dispose();
  return rows;
}
