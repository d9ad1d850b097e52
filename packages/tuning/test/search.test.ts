/** Grid and random search: the configurations, selection, results export, resuming and parallel trials. */

import { cpu } from '@backprop/backend-cpu';
import { setBackend, ValueError } from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  choice,
  gridConfigs,
  gridSearch,
  intUniform,
  logUniform,
  randomConfigs,
  randomSearch,
  SearchResults,
} from '../src/index.js';

beforeAll(async () => {
  await setBackend(cpu());
});

describe('configurations', () => {
  it('grid search enumerates the cartesian product, lists, choices, constants and distributions', () => {
    const configs = gridConfigs({
      lr: logUniform(1e-3, 1e-1),
      units: [32, 64],
      act: choice(['relu', 'tanh']),
      epochs: 5,
    });
    expect(configs).toHaveLength(3 * 2 * 2);
    expect(configs.map((c) => c.lr)).toContain(1e-3);
    expect(Number(configs.at(-1)!.lr)).toBeCloseTo(0.1, 12);
    expect(new Set(configs.map((c) => Number(c.lr).toPrecision(6)))).toEqual(
      new Set(['0.00100000', '0.0100000', '0.100000']),
    );
    expect(configs.every((c) => c.epochs === 5)).toBe(true);
  });

  it('random search draws reproducibly from the seed and stays in range', () => {
    const space = { lr: logUniform(1e-4, 1), layers: intUniform(1, 3), act: ['relu', 'tanh'] };
    const a = randomConfigs(space, 2000, 7);
    expect(randomConfigs(space, 2000, 7)).toEqual(a);
    expect(randomConfigs(space, 2000, 8)).not.toEqual(a);
    expect(randomConfigs(space, 5, 7)).toEqual(a.slice(0, 5));
    const lrs = a.map((c) => Number(c.lr));
    expect(Math.min(...lrs)).toBeGreaterThanOrEqual(1e-4);
    expect(Math.max(...lrs)).toBeLessThan(1);
    // Log-uniform: about half the draws below the geometric mean 1e-2.
    const below = lrs.filter((v) => v < 1e-2).length / lrs.length;
    expect(below).toBeGreaterThan(0.45);
    expect(below).toBeLessThan(0.55);
    expect(new Set(a.map((c) => c.layers))).toEqual(new Set([1, 2, 3]));
  });

  it('rejects bad spaces', () => {
    expect(() => logUniform(0, 1)).toThrow(ValueError);
    expect(() => choice([])).toThrow(ValueError);
    expect(() => gridConfigs({ a: [] })).toThrow(/"a" has no values/);
  });
});

describe('search', () => {
  const quadratic = async (c: Record<string, unknown>) => ({
    valLoss: (Number(c.x) - 2) ** 2 + Number(c.y),
    valAccuracy: -Number(c.x),
  });

  it('selects the best trial on the validation metric in either direction', async () => {
    const r = await gridSearch({ x: [0, 1, 2, 3], y: [0, 1] }, quadratic, { metric: 'valLoss', verbose: false });
    expect(r.rows).toHaveLength(8);
    expect(r.best.config).toEqual({ x: 2, y: 0 });
    expect(r.sorted('valAccuracy')[0].config.x).toBe(0);
  });

  it('records failed trials and keeps going', async () => {
    const r = await gridSearch(
      { x: [1, 2] },
      async (c) => {
        if (c.x === 1) throw new Error('diverged');
        return { valLoss: 1 };
      },
      { metric: 'valLoss', verbose: false },
    );
    expect(r.rows.map((row) => row.error)).toEqual([{ kind: 'threw', message: 'diverged' }, undefined]);
    expect(r.rows.map((row) => row.status)).toEqual(['failed', 'ok']);
    expect(r.best.config.x).toBe(2);
  });

  it('exports CSV and JSON, and resumes without rerunning finished trials', async () => {
    const calls: number[] = [];
    const trial = async (c: Record<string, unknown>, { index }: { index: number }) => {
      calls.push(index);
      return { valLoss: Math.abs(Number(c.x) - 0.3) };
    };
    const space = { x: logUniform(0.01, 1), tag: ['a,b', 'c'] };
    const partial = await randomSearch(space, trial, { metric: 'valLoss', trials: 3, seed: 5, verbose: false });
    const csv = partial.toCSV();
    expect(csv.split('\n')[0]).toBe('trial,x,tag,valLoss,seconds,status,stoppedEpoch,error');
    expect(csv).toContain('"a,b"');
    const saved = SearchResults.fromJSON(JSON.stringify(partial));
    calls.length = 0;
    const full = await randomSearch(space, trial, {
      metric: 'valLoss',
      trials: 6,
      seed: 5,
      resume: saved,
      verbose: false,
    });
    expect(calls).toEqual([3, 4, 5]);
    expect(full.rows.slice(0, 3)).toEqual(partial.rows);
    expect(String(full).split('\n')).toHaveLength(7);
  });

  it("mode 'auto' maximizes an R² or F1 and asks for the mode of a name it cannot place, before any trial", async () => {
    const scores = async (c: Record<string, unknown>) => ({ valR2: Number(c.x) / 4, score: Number(c.x) });
    // The old rule (max only for names containing "acc") minimized R², reporting the worst trial as best.
    const r = await gridSearch({ x: [0, 1, 2, 3] }, scores, { metric: 'valR2', verbose: false });
    expect(r.best.config).toEqual({ x: 3 });
    let ran = 0;
    const counted = async (c: Record<string, unknown>) => {
      ran++;
      return scores(c);
    };
    await expect(gridSearch({ x: [0, 1] }, counted, { metric: 'score', verbose: false })).rejects.toThrow(
      /^search: mode 'auto' cannot tell whether "score" is better lower or higher; pass mode: 'min'/,
    );
    expect(ran).toBe(0);
    const chosen = await gridSearch({ x: [0, 1] }, counted, { metric: 'score', mode: 'max', verbose: false });
    expect(chosen.best.config).toEqual({ x: 1 });
  });

  it('rejects a missing metric and parallel runs without a trial module', async () => {
    await expect(gridSearch({ x: [1] }, quadratic, { metric: '' })).rejects.toThrow(ValueError);
    await expect(gridSearch({ x: [1] }, quadratic, { metric: 'valLoss', parallel: 2 })).rejects.toThrow(
      /needs trialModule/,
    );
  });
});

describe('unknown options', () => {
  it('gridSearch and randomSearch refuse options they do not have (nTrials → trials)', async () => {
    const trial = async () => ({ loss: 1 });
    await expect(randomSearch({ lr: [0.1, 0.2] }, trial, { metric: 'loss', nTrials: 2 } as never)).rejects.toThrow(
      /^randomSearch: unknown option 'nTrials' \(did you mean trials\?\)/,
    );
    await expect(
      gridSearch({ lr: [0.1] }, trial, { metric: 'loss', verbose: false, trials: 2 } as never),
    ).rejects.toThrow(
      /^gridSearch: unknown option 'trials'; the options are metric, .*, verbose, pointsPerDistribution$/,
    );
    const results = await gridSearch({ lr: [0.1, 0.2] }, trial, {
      metric: 'loss',
      verbose: false,
      pointsPerDistribution: 2,
    });
    expect(results.rows).toHaveLength(2);
  });
});
