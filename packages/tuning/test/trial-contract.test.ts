/**
 * What a trial must do for its row to be `ok`: call `report(epoch, value)` with an integer epoch
 * and a number, and return the search's metric. A trial that breaks either is a `failed` row with
 * a reason; the other trials complete and the search resolves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValueError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { runSearch, successiveHalving, type Trial } from '../dist/index.js';

const pruner = () => successiveHalving({ minResource: 1, reductionFactor: 2 });
const configs = [{ a: 1 }, { a: 2 }, { a: 3 }, { a: 4 }];
const badReports: [string, unknown, unknown, RegExp][] = [
  ['a fractional epoch', 1.5, 1, /report: trial 1: epoch must be an integer ≥ 0.*got 1\.5/],
  ['an epoch given as a string', '2', 1, /report: trial 1: epoch must be an integer ≥ 0.*got "2"/],
  ['a value given as a string', 2, '0.5', /report: trial 1: value must be a number.*got "0\.5"/],
];

describe('report(epoch, value)', () => {
  it.each(badReports)(
    'throws a ValueError into the trial for %s; that trial fails, the others complete',
    async (_, epoch, value, message) => {
      let caught: unknown;
      const trial: Trial = async (c, { report, index }) => {
        try {
          await report((index === 1 ? epoch : 1) as number, (index === 1 ? value : c.a) as number);
        } catch (e) {
          caught = e;
          throw e;
        }
        return { valLoss: Number(c.a) };
      };
      const results = await runSearch(configs, trial, { metric: 'valLoss', verbose: false, pruner: pruner() });
      expect(caught).toBeInstanceOf(ValueError);
      expect(results.rows.map((r) => r.status)).toEqual(['ok', 'failed', 'pruned', 'pruned']);
      expect(results.rows[1].error).toEqual({ kind: 'threw', message: expect.stringMatching(message) });
      expect(results.best.index).toBe(0);
    },
  );

  it('fails the trial even when it catches the error, and throws without await', async () => {
    const trial: Trial = async (c, { report, index }) => {
      if (index === 0) expect(() => report(0.5, 1)).toThrow(ValueError);
      try {
        await report(index === 2 ? Number.NaN : 1, index === 2 ? (undefined as unknown as number) : Number(c.a));
      } catch {}
      return { valLoss: Number(c.a) };
    };
    const results = await runSearch(configs, trial, { metric: 'valLoss', verbose: false, pruner: pruner() });
    expect(results.rows.map((r) => r.status)).toEqual(['failed', 'pruned', 'failed', 'pruned']);
    expect(results.rows[0].error?.message).toMatch(/report: trial 0: epoch .* got 0\.5/);
    expect(results.rows[2].error?.message).toMatch(/report: trial 2: epoch .* got NaN/);
  });

  it('is checked the same way in worker threads, and a resume file keeps every other trial', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tuning-report-'));
    try {
      const trialModule = new URL('./fixtures/bad-report.mjs', import.meta.url).href;
      const results = await runSearch(
        [{ a: 1 }, { a: 2, bad: 'epoch' }, { a: 3, bad: 'type' }, { a: 4, bad: 'value', swallow: true }, { a: 0.5 }],
        undefined,
        { metric: 'valLoss', verbose: false, pruner: pruner(), trialModule, resumeFile: join(dir, 'search.json') },
      );
      expect(results.rows.map((r) => r.status)).toEqual(['ok', 'failed', 'failed', 'failed', 'ok']);
      expect(results.rows.slice(1, 4).map((r) => r.error?.message)).toEqual([
        expect.stringMatching(/^report: trial 1: epoch .* got 1\.5/),
        expect.stringMatching(/^report: trial 2: epoch .* got "2"/),
        expect.stringMatching(/^report: trial 3: value .* got "0\.5"/),
      ]);
      expect(results.best.index).toBe(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes epoch 0 and NaN or Infinity values (a diverged epoch)', async () => {
    const trial: Trial = async (c, { report }) => {
      await report(0, Number.NaN);
      await report(1, Number.POSITIVE_INFINITY);
      return { valLoss: Number(c.a) };
    };
    const results = await runSearch(configs.slice(0, 1), trial, {
      metric: 'valLoss',
      verbose: false,
      pruner: pruner(),
    });
    expect(results.rows[0].status).not.toBe('failed');
  });
});

describe("the search's metric", () => {
  it('a result without it is a failed row naming the metric and the keys returned', async () => {
    const trial: Trial = async (c): Promise<Record<string, number>> =>
      c.a === 2 ? { valLos: 0.1, epochs: 3 } : { valLoss: Number(c.a) };
    const results = await runSearch(configs, trial, { metric: 'valLoss', verbose: false });
    expect(results.rows.map((r) => r.status)).toEqual(['ok', 'failed', 'ok', 'ok']);
    expect(results.rows[1].error).toEqual({
      kind: 'threw',
      message: 'trial returned no "valLoss" (the search\'s metric); it returned "valLos", "epochs"',
    });
    expect(results.best.index).toBe(0);
  });

  it('an empty result fails too; a NaN value stays ok but is never best', async () => {
    const trial: Trial = async (c): Promise<Record<string, number>> =>
      c.a === 1 ? {} : c.a === 2 ? { valLoss: Number.NaN } : { valLoss: Number(c.a) };
    const results = await runSearch(configs, trial, { metric: 'valLoss', verbose: false });
    expect(results.rows.map((r) => r.status)).toEqual(['failed', 'ok', 'ok', 'ok']);
    expect(results.rows[0].error?.message).toMatch(/no "valLoss".*no metrics/);
    expect(results.best.index).toBe(2);
  });
});
