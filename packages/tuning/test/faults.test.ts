/**
 * Faults: a trial that exits its worker, throws from a timer, never settles, throws a non-Error,
 * or is cancelled is recorded with a typed reason, and the search always settles, well within
 * the test's time limit.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValueError } from '@backprop/core';
import { afterAll, describe, expect, it } from 'vitest';
import { gridSearch, randomSearch, SearchAbortedError, SearchResults } from '../dist/index.js';

const trialModule = new URL('./fixtures/faults.mjs', import.meta.url).href;
const dir = mkdtempSync(join(tmpdir(), 'tuning-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function timed<T>(p: Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await p;
  return [value, performance.now() - start];
}

const base = { metric: 'valLoss', trialModule, verbose: false } as const;

describe('faults in worker threads', () => {
  it('records a worker that calls process.exit as failed (worker-exit), replaces it and finishes the rest', async () => {
    const [r, ms] = await timed(gridSearch({ do: ['ok', 'exit', 'ok', 'ok'] }, undefined, { ...base, parallel: 2 }));
    expect(r.rows.map((row) => row.status)).toEqual(['ok', 'failed', 'ok', 'ok']);
    expect(r.rows[1].error).toEqual({
      kind: 'worker-exit',
      message: 'its worker thread exited with code 1 during the trial',
    });
    expect(ms).toBeLessThan(10_000);
  }, 20_000);

  it('records an exception thrown from a timer as failed (uncaught) while the other worker keeps going', async () => {
    const [r, ms] = await timed(
      gridSearch({ do: ['timer', 'slow', 'ok', 'ok'], ms: 100 }, undefined, { ...base, parallel: 2 }),
    );
    expect(r.rows.map((row) => row.status)).toEqual(['failed', 'ok', 'ok', 'ok']);
    expect(r.rows[0].error).toEqual({ kind: 'uncaught', message: 'boom in a timer' });
    expect(ms).toBeLessThan(10_000);
  }, 20_000);

  it('stops a trial past trialTimeoutMs (timeout), in a worker even when parallel is 1', async () => {
    const [r, ms] = await timed(gridSearch({ do: ['hang', 'ok'] }, undefined, { ...base, trialTimeoutMs: 300 }));
    expect(r.rows.map((row) => row.status)).toEqual(['failed', 'ok']);
    expect(r.rows[0].error?.kind).toBe('timeout');
    expect(r.rows[0].error?.message).toMatch(/trialTimeoutMs = 300 ms; its worker was stopped/);
    expect(r.rows[0].seconds).toBeGreaterThanOrEqual(0.29);
    expect(ms).toBeLessThan(10_000);
  }, 20_000);

  it('re-runs a crashed trial once with retries: 1, in a fresh worker', async () => {
    const marker = join(dir, 'flaky');
    const space = { do: 'flaky', marker };
    const once = await gridSearch(space, undefined, base);
    expect(once.rows[0].status).toBe('failed');
    rmSync(marker);
    const [r, ms] = await timed(gridSearch(space, undefined, { ...base, retries: 1 }));
    expect(r.rows[0]).toMatchObject({ status: 'ok', attempts: 2 });
    expect(readFileSync(marker, 'utf8')).toBe('crashed once');
    // A hang is retried too, and fails again: two attempts of 200 ms.
    const hang = await gridSearch({ do: 'hang' }, undefined, { ...base, retries: 1, trialTimeoutMs: 200 });
    expect(hang.rows[0]).toMatchObject({ status: 'failed', attempts: 2, error: { kind: 'timeout' } });
    expect(ms).toBeLessThan(10_000);
  }, 20_000);

  it('records every trial as failed (uncaught) when the trial module does not load, and settles', async () => {
    const broken = new URL('./fixtures/broken.mjs', import.meta.url).href;
    const [r, ms] = await timed(
      gridSearch({ x: [1, 2, 3] }, undefined, { ...base, trialModule: broken, parallel: 2, retries: 1 }),
    );
    expect(r.rows.map((row) => [row.status, row.error?.kind, row.error?.message, row.attempts])).toEqual(
      Array(3).fill(['failed', 'uncaught', 'cannot load the data', 2]),
    );
    expect(ms).toBeLessThan(10_000);
  }, 20_000);

  it('formats a non-Error thrown in a worker', async () => {
    const r = await gridSearch({ do: 'string' }, undefined, base);
    expect(r.rows[0]).toMatchObject({
      status: 'failed',
      error: { kind: 'threw', message: 'threw "not an Error" (not an Error)' },
    });
  }, 20_000);
});

describe('faults in this thread', () => {
  it('records non-Error throws and non-object results as failed, with the value formatted', async () => {
    const values: unknown[] = ['boom', 42, undefined, { code: 7 }];
    const r = await gridSearch(
      { i: [0, 1, 2, 3, 4] },
      async (c) => {
        if (Number(c.i) === 4) return undefined as unknown as Record<string, number>;
        throw values[Number(c.i)];
      },
      { metric: 'valLoss', verbose: false },
    );
    expect(r.rows.map((row) => row.status)).toEqual(['failed', 'failed', 'failed', 'failed', 'failed']);
    expect(r.rows.map((row) => row.error?.message)).toEqual([
      'threw "boom" (not an Error)',
      'threw 42 (not an Error)',
      'threw undefined (not an Error)',
      'threw {"code":7} (not an Error)',
      'trial returned undefined; expected an object of metrics, e.g. { valLoss: 0.3 }',
    ]);
    expect(r.rows.every((row) => row.error?.kind === 'threw')).toBe(true);
  });

  it('abandons a trial past trialTimeoutMs and aborts its signal', async () => {
    let aborted = false;
    const [r, ms] = await timed(
      gridSearch(
        { x: [1, 2] },
        (c, { signal }) =>
          c.x === 1
            ? new Promise(() => signal.addEventListener('abort', () => (aborted = true)))
            : Promise.resolve({ valLoss: 2 }),
        { metric: 'valLoss', verbose: false, trialTimeoutMs: 100 },
      ),
    );
    expect(r.rows.map((row) => [row.status, row.error?.kind])).toEqual([
      ['failed', 'timeout'],
      ['ok', undefined],
    ]);
    expect(aborted).toBe(true);
    expect(ms).toBeLessThan(5_000);
  }, 10_000);

  it('rejects an empty space, a bad trial count and bad options before running anything', async () => {
    let calls = 0;
    const trial = async () => {
      calls++;
      return { valLoss: 0 };
    };
    await expect(randomSearch({}, trial, { metric: 'valLoss', trials: 3 })).rejects.toThrow(ValueError);
    await expect(randomSearch({}, trial, { metric: 'valLoss', trials: 3 })).rejects.toThrow(/search space is empty/);
    await expect(gridSearch({}, trial, { metric: 'valLoss' })).rejects.toThrow(/search space is empty/);
    await expect(randomSearch({ x: [1] }, trial, { metric: 'valLoss', trials: 0 })).rejects.toThrow(/trials must be/);
    await expect(gridSearch({ x: [1] }, trial, { metric: 'valLoss', trialTimeoutMs: -1 })).rejects.toThrow(ValueError);
    await expect(gridSearch({ x: [1] }, trial, { metric: 'valLoss', retries: 0.5 })).rejects.toThrow(ValueError);
    expect(calls).toBe(0);
  });
});

describe('cancellation', () => {
  it('terminates workers, records running trials as cancelled, saves the finished ones and rejects with them', async () => {
    const resumeFile = join(dir, 'search.json');
    // Trial 0 is quick, trial 1 slow (30 s): cancelling when trial 0 is recorded catches trial 1
    // running, and the search rejects long before trial 1 could have finished.
    const space = { do: 'slow', ms: [50, 30_000, 60, 70] };
    const controller = new AbortController();
    const start = performance.now();
    const error = await gridSearch(space, undefined, {
      ...base,
      parallel: 2,
      signal: controller.signal,
      resumeFile,
      onTrial: (r) => {
        if (r.index === 0) controller.abort();
      },
    }).catch((e) => e);
    const ms = performance.now() - start;
    expect(error).toBeInstanceOf(SearchAbortedError);
    expect(error.name).toBe('AbortError');
    const rows = (error as SearchAbortedError).results.rows;
    expect(rows.map((r) => [r.index, r.status])).toEqual([
      [0, 'ok'],
      [1, 'cancelled'],
    ]);
    const ok = rows.filter((r) => r.status === 'ok');
    expect(ms).toBeLessThan(10_000);
    const saved = SearchResults.fromJSON(readFileSync(resumeFile, 'utf8'));
    expect(saved.rows).toEqual(rows);
    // Rerunning with the same file runs only what was not finished.
    const seen: number[] = [];
    const rest = await gridSearch({ ...space, ms: [50, 100, 60, 70] }, undefined, {
      ...base,
      parallel: 2,
      resumeFile,
      onTrial: (r) => {
        seen.push(r.index);
      },
    });
    expect(rest.rows.map((r) => r.status)).toEqual(Array(4).fill('ok'));
    expect(rest.rows[0]).toEqual(ok[0]);
    // Trial 0 is not run again; trial 1 is (its configuration changed, so it counts as new).
    expect(seen.sort()).toEqual([1, 2, 3]);
  }, 20_000);

  it('cancels an in-thread search, and a signal aborted before the start runs nothing', async () => {
    const controller = new AbortController();
    let started = 0;
    const search = gridSearch(
      { x: [1, 2, 3] },
      async (c, { signal }) => {
        started++;
        if (c.x === 2) controller.abort('user pressed stop');
        await new Promise((resolve) => setTimeout(resolve, 50));
        return { valLoss: Number(c.x), sawAbort: Number(signal.aborted) };
      },
      { metric: 'valLoss', verbose: false, signal: controller.signal },
    );
    const error = (await search.catch((e) => e)) as SearchAbortedError;
    expect(error).toBeInstanceOf(SearchAbortedError);
    expect(error.reason).toBe('user pressed stop');
    expect(error.results.rows.map((r) => r.status)).toEqual(['ok', 'cancelled']);
    expect(started).toBe(2);
    const again = await gridSearch({ x: [1] }, async () => ({ valLoss: 1 }), {
      metric: 'valLoss',
      verbose: false,
      signal: controller.signal,
    }).catch((e) => e);
    expect(again).toBeInstanceOf(SearchAbortedError);
    expect(again.results.rows).toEqual([]);
  });
});
