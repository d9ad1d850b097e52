/**
 * Reproducibility and bookkeeping: dropout masks seeded from the trial, NaN read back from JSON,
 * NaN at an ASHA rung, late worker errors, non-yielding in-thread trials past their limit,
 * non-finite best values, the direction of a JSON file without mode, and seed checks.
 */
import { cpu } from '@backprop/backend-cpu';
import { losses, setBackend, ValueError } from '@backprop/core';
import { moons } from '@backprop/datasets';
import { sgd } from '@backprop/optimizers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fitTrial,
  gridSearch,
  medianStopping,
  randomSearch,
  runSearch,
  SearchResults,
  successiveHalving,
  type Trial,
} from '../dist/index.js';
import { trial as fixtureTrial } from './fixtures/trial.mjs';

beforeAll(async () => {
  await setBackend(cpu());
});

describe('dropout in fitTrial', () => {
  const train = moons({ n: 120, noise: 0.1, seed: 5 });
  const trial: Trial = (config, { seed }) =>
    fitTrial(config, seed, {
      train,
      validation: 0.25,
      outputs: 2,
      loss: losses.softmaxCrossEntropy,
      optimizer: (c) => sgd({ lr: Number(c.lr) }),
    });
  const space = { lr: [0.1, 0.3], units: 16, dropout: 0.5, epochs: 3, batchSize: 16 };
  const strip = (r: SearchResults) => r.rows.map((row) => [row.metrics.valLoss, row.metrics.valAccuracy]);

  it('gives the same metrics when the same search runs twice in one process', async () => {
    const a = await gridSearch(space, trial, { metric: 'valLoss', seed: 4, verbose: false });
    const b = await gridSearch(space, trial, { metric: 'valLoss', seed: 4, verbose: false });
    expect(strip(b)).toEqual(strip(a));
    // Trial 1 alone (seed 5) matches trial 1 of the search, whatever ran before it.
    const alone = await runSearch([{ ...a.rows[1].config }], trial, { metric: 'valLoss', seed: 5, verbose: false });
    expect(strip(alone)).toEqual([strip(a)[1]]);
  }, 30_000);

  it('gives the same metrics in two worker threads as in this thread', async () => {
    const dspace = { lr: [0.05, 0.2], units: [8, 16], dropout: 0.3, epochs: 3, batchSize: 16 };
    const trialModule = new URL('./fixtures/trial.mjs', import.meta.url).href;
    const parallel = await randomSearch(dspace, undefined, {
      metric: 'valLoss',
      trials: 4,
      seed: 2,
      parallel: 2,
      trialModule,
      verbose: false,
    });
    const sequential = await randomSearch(dspace, fixtureTrial, {
      metric: 'valLoss',
      trials: 4,
      seed: 2,
      verbose: false,
    });
    expect(strip(parallel)).toEqual(strip(sequential));
  }, 60_000);
});

describe('NaN in intermediate values', () => {
  it('reads null (JSON for NaN) in curves and metrics back as NaN', () => {
    const r = new SearchResults(
      [
        {
          index: 0,
          config: { x: 1 },
          status: 'pruned',
          metrics: { loss: Number.NaN },
          seconds: 0,
          curve: [[1, Number.NaN]],
        },
      ],
      'loss',
      'min',
    );
    const back = SearchResults.fromJSON(JSON.stringify(r));
    expect(back.rows[0].curve?.[0][1]).toBeNaN();
    expect(back.rows[0].metrics.loss).toBeNaN();
  });

  it('prunes a resumed search as the uninterrupted one when an earlier trial reported NaN', async () => {
    const trial: Trial = async (config, { report }) => {
      const v = config.x === 'nan' ? Number.NaN : Number(config.x);
      for (let epoch = 1; epoch <= 4; epoch++) if (await report(epoch, v)) break;
      return { loss: v };
    };
    const configs = [{ x: 'nan' }, { x: 0.5 }];
    const pruner = successiveHalving({ minResource: 1, maxResource: 4, reductionFactor: 2 });
    const opts = { metric: 'loss', pruner, verbose: false };
    const full = await runSearch(configs, trial, opts);
    const first = await runSearch(configs.slice(0, 1), trial, opts);
    const resumed = await runSearch(configs, trial, { ...opts, resume: SearchResults.fromJSON(JSON.stringify(first)) });
    expect(full.rows.map((r) => r.status)).toEqual(['pruned', 'ok']);
    expect(resumed.rows.map((r) => r.status)).toEqual(['pruned', 'ok']);
  });

  it('medianStopping does not count a null value as 0', () => {
    const state = medianStopping({ startupTrials: 1 }).create('min');
    state.report(0, 1, null as unknown as number);
    state.finish(0, 'ok');
    expect(state.report(1, 1, 0.5)).toBe(false);
  });

  it('ASHA prunes a NaN without entering it in the rung (as Optuna)', () => {
    const state = successiveHalving({ minResource: 1, reductionFactor: 2 }).create('min');
    expect(state.report(0, 1, Number.NaN)).toBe(true);
    expect(state.report(1, 1, 0.3)).toBe(false);
    expect(state.report(2, 1, 0.5)).toBe(true);
    // Rung of 3 finite values: top ⌊3/2⌋ = 1; 0.4 is not the best. With the NaN counted it would be top 2.
    expect(state.report(3, 1, 0.4)).toBe(true);
  });
});

describe('late errors and time limits', () => {
  it('blames an exception from a timer a worker trial left behind on that trial, not on the next one', async () => {
    const trialModule = new URL('./fixtures/faults.mjs', import.meta.url).href;
    const r = await gridSearch({ do: ['late', 'slow'], ms: 300, lateMs: 50 }, undefined, {
      metric: 'valLoss',
      trialModule,
      verbose: false,
    });
    expect(r.rows[1].status).toBe('ok');
    expect(r.rows[0].status).toBe('failed');
    expect(r.rows[0].error?.kind).toBe('uncaught');
    expect(r.rows[0].error?.message).toMatch(/after the trial had returned: late boom/);
  }, 20_000);

  it('records an in-thread trial that never yields and runs past trialTimeoutMs as a timeout', async () => {
    const r = await gridSearch(
      { x: [1, 2] },
      async (c) => {
        if (c.x === 1) {
          const t = performance.now();
          while (performance.now() - t < 300);
        }
        return { valLoss: Number(c.x) };
      },
      { metric: 'valLoss', trialTimeoutMs: 50, verbose: false },
    );
    expect(r.rows.map((row) => [row.status, row.error?.kind])).toEqual([
      ['failed', 'timeout'],
      ['ok', undefined],
    ]);
  });
});

describe('SearchResults', () => {
  const row = (index: number, metrics: Record<string, number>) => ({
    index,
    config: { i: index },
    status: 'ok' as const,
    metrics,
    seconds: 0,
  });

  it('never picks a non-finite value as the best', () => {
    expect(
      new SearchResults([row(0, { valLoss: -Infinity }), row(1, { valLoss: 0.5 })], 'valLoss', 'min').best.index,
    ).toBe(1);
    expect(
      new SearchResults([row(0, { valAccuracy: Infinity }), row(1, { valAccuracy: 0.8 })], 'valAccuracy', 'max').best
        .index,
    ).toBe(1);
    expect(() => new SearchResults([row(0, { valLoss: -Infinity })], 'valLoss', 'min').best).toThrow(/finite/);
  });

  it('fromJSON without mode takes the direction from the metric name', () => {
    const json = { metric: 'valAccuracy', rows: [row(0, { valAccuracy: 0.5 }), row(1, { valAccuracy: 0.9 })] };
    const r = SearchResults.fromJSON(json as never);
    expect(r.mode).toBe('max');
    expect(r.best.index).toBe(1);
  });
});

describe('seed checks', () => {
  it('rejects a seed that is not a non-negative safe integer before running anything', async () => {
    let runs = 0;
    const trial: Trial = async () => {
      runs++;
      return { valLoss: 1 };
    };
    for (const seed of [1.5, -1, '5', Number.NaN, 2 ** 60]) {
      await expect(
        randomSearch({ x: [1, 2] }, trial, { metric: 'valLoss', trials: 2, seed: seed as number }),
      ).rejects.toThrow(ValueError);
      await expect(gridSearch({ x: [1, 2] }, trial, { metric: 'valLoss', seed: seed as number })).rejects.toThrow(
        /seed must be a non-negative safe integer/,
      );
    }
    expect(runs).toBe(0);
  });
});

describe('trialModule', () => {
  it('refuses a relative path, which the worker would resolve from this package', async () => {
    for (const trialModule of ['./trial.mjs', '../trial.mjs']) {
      await expect(
        gridSearch({ x: [1] }, undefined, { metric: 'valLoss', trialModule, verbose: false }),
      ).rejects.toThrow(/relative path.*absolute path or a URL/);
    }
  });
});

describe('resuming a search with another seed', () => {
  it('is a ValueError (it returned the old seed’s rows as the new run’s and ran nothing); the same seed resumes', async () => {
    let calls = 0;
    const trial = async (_c: unknown, { seed }: { seed: number }) => {
      calls++;
      return { valLoss: seed };
    };
    const space = { a: [1, 2, 3] };
    const opts = { metric: 'valLoss', verbose: false } as const;
    const first = await gridSearch(space, trial, opts);
    expect(first.rows.map((r) => r.seed)).toEqual([0, 1, 2]);
    const file = SearchResults.fromJSON(JSON.stringify(first));
    calls = 0;
    await expect(gridSearch(space, trial, { ...opts, seed: 100, resume: file })).rejects.toThrow(
      /ran trial 0 with seed 0, this search gives it seed 100/,
    );
    expect(calls).toBe(0);
    const again = await gridSearch(space, trial, { ...opts, resume: file });
    expect(calls).toBe(0);
    expect(again.rows.map((r) => r.metrics.valLoss)).toEqual([0, 1, 2]);
    // A seed that is not a safe integer is refused as the file is read.
    expect(() => SearchResults.fromJSON(JSON.stringify(first).replace('"seed":0', '"seed":"0"'))).toThrow(
      /seed must be a safe integer/,
    );
    // Rows written before seeds were recorded resume as before.
    const old = SearchResults.fromJSON(JSON.stringify(first).replace(/"seed":\d+,/g, ''));
    expect(old.rows.every((r) => r.seed === undefined)).toBe(true);
    await gridSearch(space, trial, { ...opts, seed: 100, resume: old });
    expect(calls).toBe(0);
  });
});
