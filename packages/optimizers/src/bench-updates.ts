/** `benchmarkUpdates`: time of one optimizer update over a model of N parameters, per optimizer. */
import { dispose, manualSeed, type Optimizer, Parameter, randomNormal } from '@backprop/core';
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
  msPerStep: number;
}

/** Options of {@link benchmarkUpdates}. */
export interface BenchmarkUpdatesOptions {
  /** Total parameters, split over a few tensors like a small MLP (default 10,000,000). */
  params?: number;
  /** Timed steps per optimizer, after one warm-up step (default 5). */
  steps?: number;
  /**
   * Let the updates write into the parameters and state, as a training step does (on a backend
   * with `updateInPlace`; elsewhere they run out of place either way). Default true.
   */
  inPlace?: boolean;
}

const makers: [string, () => Optimizer][] = [
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

/**
 * Times `optimizer.step` on the current backend for each optimizer, over parameters of
 * `params` elements in total (shapes of an MLP: one large weight, a second, and biases), with
 * the updates written in place where the backend can, as in a training step.
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
}: BenchmarkUpdatesOptions = {}): Promise<UpdateTiming[]> {
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
    opt.step(ps, gs, { inPlace });
    await ps[0].value.data();
    const start = performance.now();
    for (let i = 0; i < steps; i++) {
      opt.step(ps, gs, { inPlace });
      await ps[3].value.data();
    }
    rows.push({ optimizer: name, msPerStep: (performance.now() - start) / steps });
    opt.dispose();
  }
  dispose(gs);
  for (const p of ps) p.dispose();
  return rows;
}
