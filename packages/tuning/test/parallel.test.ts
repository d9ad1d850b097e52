/** Trials in parallel worker threads on backend-cpu give the same results as in one thread. */
import { describe, expect, it } from 'vitest';
import { randomSearch } from '../dist/index.js';
import { trial } from './fixtures/trial.mjs';

const space = { lr: [0.05, 0.2, 0.5], units: [8, 16], layers: [1, 2], epochs: 3, batchSize: 16 };
const trialModule = new URL('./fixtures/trial.mjs', import.meta.url).href;

describe('parallel search', () => {
  it('runs trials on two worker threads with the same metrics as a sequential run', async () => {
    const parallel = await randomSearch(space, undefined, {
      metric: 'valAccuracy',
      trials: 4,
      seed: 2,
      parallel: 2,
      trialModule,
      verbose: false,
    });
    const sequential = await randomSearch(space, trial, { metric: 'valAccuracy', trials: 4, seed: 2, verbose: false });
    expect(new Set(parallel.rows.map((r) => r.metrics.thread)).size).toBe(2);
    const strip = (rows: typeof parallel.rows) =>
      rows.map((r) => ({ config: r.config, valLoss: r.metrics.valLoss, valAccuracy: r.metrics.valAccuracy }));
    expect(strip(parallel.rows)).toEqual(strip(sequential.rows));
  }, 60_000);
});
