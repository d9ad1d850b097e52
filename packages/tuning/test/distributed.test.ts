/**
 * Distributed search on a throwaway PostgreSQL server: two worker processes give the results of a
 * sequential run; a worker killed mid-trial has its trial re-run once its lease expires, with the
 * same results; a restarted collector resumes. Skipped only when no postgres binary exists.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ValueError } from '@backprop/core';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { distributedSearch } from '../dist/distributed.js';
import {
  type Config,
  gridSearch,
  runSearch,
  SearchAbortedError,
  successiveHalving,
  type TrialResult,
} from '../dist/index.js';
import { trial } from './fixtures/dist-trial.mjs';
import { findPostgres, startPostgres, type TestPostgres } from './helpers/postgres.js';

const bin = findPostgres();
const trialModule = new URL('./fixtures/dist-trial.mjs', import.meta.url).href;
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

let server: TestPostgres;
const workers: ChildProcess[] = [];
/** Directories tests made, removed after each test whether it passed or not. */
const dirs: string[] = [];

function startWorker(url: string, id: string, idleSeconds = 3): ChildProcess & { output: string } {
  const w = spawn(
    process.execPath,
    [cli, 'worker', '--url', url, '--id', id, '--poll-ms', '100', '--exit-when-idle', String(idleSeconds)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  ) as ChildProcess & { output: string };
  w.output = '';
  w.stdout?.on('data', (d) => {
    w.output += d;
  });
  w.stderr?.on('data', (d) => {
    w.output += d;
  });
  workers.push(w);
  return w;
}

const exited = (w: ChildProcess) =>
  w.exitCode !== null || w.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => w.once('exit', () => resolve()));

/** What must match between runs: everything but timings, attempts and which process ran it. */
const strip = (rows: readonly TrialResult[]) =>
  rows.map((r) => ({ index: r.index, config: r.config, status: r.status, valLoss: r.metrics.valLoss }));

/** The same trials in this process (one process: nothing to meet). */
async function sequential(configs: Config[]) {
  const alone = (c: Config, context: { seed: number; index: number }) => trial({ ...c, meet: undefined }, context);
  return runSearch(configs, alone, { metric: 'valLoss', seed: 7, verbose: false });
}

describe.skipIf(!bin)(`distributed search on PostgreSQL (${bin ?? 'no postgres binary found: skipped'})`, () => {
  beforeAll(async () => {
    server = await startPostgres(bin!);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  }, 30_000);
  afterEach(async () => {
    for (const w of workers.splice(0)) {
      if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
      await exited(w);
    }
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('two worker processes give the results of a sequential run', async () => {
    // Trials 0 and 1 wait for each other in two processes: while one worker holds trial 0 the
    // other must take trial 1, so both workers run trials however slowly either one starts.
    const meet = mkdtempSync(join(tmpdir(), 'tuning-meet-'));
    dirs.push(meet);
    const configs = Array.from({ length: 8 }, (_, x): Config => (x < 2 ? { x, ms: 150, meet } : { x, ms: 150 }));
    const a = startWorker(server.url, 'A');
    const b = startWorker(server.url, 'B');
    const start = performance.now();
    const results = await distributedSearch({
      url: server.url,
      study: 'two-workers',
      configs,
      trialModule,
      metric: 'valLoss',
      seed: 7,
      pollMs: 50,
      verbose: false,
    });
    const ms = performance.now() - start;
    expect(strip(results.rows)).toEqual(strip((await sequential(configs)).rows));
    expect(new Set(results.rows.map((r) => r.metrics.pid)).size).toBe(2);
    expect(results.best.config.x).toBe(2);
    expect(ms).toBeLessThan(15_000);
    await Promise.all([exited(a), exited(b)]);
    expect(a.exitCode).toBe(0);
  }, 40_000);

  it('re-runs the trial of a worker killed mid-trial once its lease expires, with the same results', async () => {
    const configs = Array.from({ length: 5 }, (_, x) => ({ x, ms: x === 2 ? 2_000 : 100 }));
    const collector = distributedSearch({
      url: server.url,
      study: 'killed-worker',
      configs,
      trialModule,
      metric: 'valLoss',
      seed: 7,
      leaseMs: 1_000,
      pollMs: 50,
      verbose: false,
    });
    const a = startWorker(server.url, 'A');
    const db = new pg.Client({ connectionString: server.url });
    await db.connect();
    try {
      // Wait until A holds trial 2 (the slow one), then kill A with no chance to clean up.
      for (let i = 0; ; i++) {
        const r = await db
          .query(
            `SELECT t.lease_owner FROM backprop_tuning_trials t JOIN backprop_tuning_studies s ON s.id = t.study_id
             WHERE s.name = 'killed-worker' AND t.trial_index = 2 AND t.status = 'running'`,
          )
          .catch(() => ({ rows: [] }));
        if (r.rows[0]?.lease_owner === 'A') break;
        if (i > 300) throw new Error(`worker A never claimed trial 2:\n${a.output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      a.kill('SIGKILL');
      await exited(a);
      const killedAt = performance.now();
      startWorker(server.url, 'B');
      const results = await collector;
      expect(strip(results.rows)).toEqual(strip((await sequential(configs)).rows));
      expect(results.rows[2].attempts).toBe(2);
      expect(results.rows.filter((r) => r.attempts !== undefined).map((r) => r.index)).toEqual([2]);
      // B finished trials 2–4: lease (1 s) + trial 2 (2 s) + the rest, well under the test's limit.
      expect(performance.now() - killedAt).toBeLessThan(12_000);
      const owners = await db.query(
        `SELECT DISTINCT t.result->'metrics'->>'pid' AS pid FROM backprop_tuning_trials t
         JOIN backprop_tuning_studies s ON s.id = t.study_id WHERE s.name = 'killed-worker' AND t.trial_index >= 2`,
      );
      expect(owners.rows).toHaveLength(1);
    } finally {
      await db.end();
    }
  }, 40_000);

  it('a restarted collector resumes: finished trials are kept, cancelled ones run', async () => {
    const configs = Array.from({ length: 6 }, (_, x) => ({ x, ms: 200 }));
    const options = {
      url: server.url,
      study: 'restarted',
      configs,
      trialModule,
      metric: 'valLoss',
      seed: 7,
      pollMs: 50,
      verbose: false,
    };
    startWorker(server.url, 'A', 5);
    const controller = new AbortController();
    const first = await distributedSearch({
      ...options,
      signal: controller.signal,
      onTrial: (_r, done) => {
        if (done === 2) controller.abort('collector stopped');
      },
    }).catch((e) => e);
    expect(first).toBeInstanceOf(SearchAbortedError);
    const partial = (first as SearchAbortedError).results.rows;
    const finished = partial.filter((r) => r.status === 'ok');
    expect(finished.length).toBeGreaterThanOrEqual(2);
    expect(partial.some((r) => r.status === 'cancelled')).toBe(true);

    const results = await distributedSearch(options);
    expect(strip(results.rows)).toEqual(strip((await sequential(configs)).rows));
    // The trials finished before the restart are the stored rows, not re-runs.
    for (const r of finished) expect(results.rows[r.index]).toEqual(r);
    expect(results.rows.every((r) => r.attempts === undefined)).toBe(true);
  }, 40_000);

  it('prunes through the database: one worker prunes exactly the trials a local search prunes', async () => {
    const pruner = successiveHalving({ minResource: 1, maxResource: 9, reductionFactor: 3 });
    const space = { base: [5, 3, 4, 1, 6, 2], epochs: 9 };
    const curves = new URL('./fixtures/curves.mjs', import.meta.url).href;
    const local = await gridSearch(space, undefined, {
      metric: 'valLoss',
      pruner,
      trialModule: curves,
      verbose: false,
    });
    const w = startWorker(server.url, 'A', 2);
    const results = await distributedSearch({
      url: server.url,
      study: 'pruned',
      space,
      trialModule: curves,
      metric: 'valLoss',
      pruner,
      pollMs: 50,
      verbose: false,
    });
    const outcome = (rows: readonly TrialResult[]) =>
      rows.map((r) => (r.status === 'pruned' ? `pruned@${r.stoppedEpoch}` : r.status));
    await exited(w);
    expect(w.exitCode).toBe(0);
    expect(outcome(results.rows)).toEqual(['ok', 'ok', 'pruned@1', 'ok', 'pruned@1', 'pruned@3']);
    expect(outcome(results.rows)).toEqual(outcome(local.rows));
    expect(results.rows.map((r) => r.metrics)).toEqual(local.rows.map((r) => r.metrics));
  }, 40_000);

  it('refuses to reuse a study name for a different search', async () => {
    await expect(
      distributedSearch({
        url: server.url,
        study: 'two-workers',
        configs: [{ x: 100, ms: 1 }],
        trialModule,
        metric: 'valLoss',
        seed: 7,
        verbose: false,
      }),
    ).rejects.toThrow(/already has a different trial 0/);
  }, 20_000);

  it('refuses to reuse a study name with another trialModule or pruner, before any trial runs', async () => {
    const curves = new URL('./fixtures/curves.mjs', import.meta.url).href;
    const base = {
      url: server.url,
      study: 'pruned',
      space: { base: [5, 3, 4, 1, 6, 2], epochs: 9 },
      metric: 'valLoss',
      pollMs: 50,
      verbose: false,
    };
    const before = await queued(server.url, 'pruned');
    await expect(
      distributedSearch({
        ...base,
        trialModule,
        pruner: successiveHalving({ minResource: 1, maxResource: 9, reductionFactor: 3 }),
      }),
    ).rejects.toThrow(/study "pruned" is another search: its trialModule is .*curves\.mjs, not .*dist-trial\.mjs/);
    await expect(distributedSearch({ ...base, trialModule: curves })).rejects.toThrow(
      /study "pruned" is another search: its pruner is \{.*successiveHalving.*\}, not none/,
    );
    await expect(
      distributedSearch({
        ...base,
        trialModule: curves,
        pruner: successiveHalving({ minResource: 2, maxResource: 9 }),
      }),
    ).rejects.toThrow(ValueError);
    // Nothing was stored or queued: the study still names its own module and pruner.
    expect(await queued(server.url, 'pruned')).toEqual(before);
    // The same search (a file path for the file: URL it was stored with) reads back the stored rows.
    const again = await distributedSearch({
      ...base,
      trialModule: fileURLToPath(curves),
      pruner: successiveHalving({ minResource: 1, maxResource: 9, reductionFactor: 3 }),
    });
    expect(again.rows.map((r) => r.status)).toEqual(['ok', 'ok', 'pruned', 'ok', 'pruned', 'pruned']);
  }, 20_000);

  it('takes seeds past 2³¹ − 1, also in a database whose seed column is an INTEGER', async () => {
    const client = new pg.Client(server.url);
    await client.connect();
    try {
      // A database made before seeds were BIGINT.
      await client.query('ALTER TABLE backprop_tuning_trials ALTER COLUMN seed TYPE INTEGER');
      const w = startWorker(server.url, 'S', 2);
      const configs = [
        { x: 1, ms: 1 },
        { x: 3, ms: 1 },
      ];
      const seed = 2 ** 31;
      const results = await distributedSearch({
        url: server.url,
        study: 'big-seed',
        configs,
        trialModule,
        metric: 'valLoss',
        seed,
        pollMs: 50,
        verbose: false,
      });
      await exited(w);
      expect(results.rows.map((r) => r.seed)).toEqual([seed, seed + 1]);
      const local = await runSearch(configs, trial, { metric: 'valLoss', seed, verbose: false });
      expect(strip(results.rows)).toEqual(strip(local.rows));
      const column = await client.query(
        "SELECT data_type FROM information_schema.columns WHERE table_name = 'backprop_tuning_trials' AND column_name = 'seed'",
      );
      expect(column.rows[0].data_type).toBe('bigint');
    } finally {
      await client.end();
    }
  }, 30_000);

  it('a rerun of a finished study calls onTrial only for trials it runs, as a resumed local search', async () => {
    const calls: number[] = [];
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      const results = await distributedSearch({
        url: server.url,
        study: 'big-seed',
        configs: [
          { x: 1, ms: 1 },
          { x: 3, ms: 1 },
        ],
        trialModule,
        metric: 'valLoss',
        seed: 2 ** 31,
        pollMs: 50,
        onTrial: (r) => {
          calls.push(r.index);
        },
      });
      expect(results.rows).toHaveLength(2);
    } finally {
      console.log = log;
    }
    expect(calls).toEqual([]);
    expect(lines.filter((l) => l.startsWith('trial '))).toEqual([]);
  }, 20_000);

  it('a worker records a malformed report and a result without the metric as failed rows', async () => {
    const w = startWorker(server.url, 'R', 2);
    const results = await distributedSearch({
      url: server.url,
      study: 'bad-trials',
      configs: [{ a: 1 }, { a: 2, bad: 'epoch' }, { a: 3, bad: 'value', swallow: true }],
      trialModule: new URL('./fixtures/bad-report.mjs', import.meta.url).href,
      metric: 'valLos',
      mode: 'min',
      pruner: successiveHalving({ minResource: 1, reductionFactor: 2 }),
      pollMs: 50,
      verbose: false,
    });
    await exited(w);
    expect(results.rows.map((r) => r.status)).toEqual(['failed', 'failed', 'failed']);
    expect(results.rows.map((r) => r.error?.message)).toEqual([
      'trial returned no "valLos" (the search\'s metric); it returned "valLoss"',
      expect.stringMatching(/^report: trial 1: epoch .* got 1\.5/),
      expect.stringMatching(/^report: trial 2: value .* got "0\.5"/),
    ]);
  }, 30_000);
});

/** The trials of a study and what the study row names, to see that a refused call changed nothing. */
async function queued(url: string, study: string) {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const s = await client.query('SELECT trial_module, options FROM backprop_tuning_studies WHERE name = $1', [study]);
    const t = await client.query(
      'SELECT trial_index, status FROM backprop_tuning_trials t JOIN backprop_tuning_studies s ON s.id = t.study_id WHERE s.name = $1 ORDER BY trial_index',
      [study],
    );
    return { study: s.rows, trials: t.rows };
  } finally {
    await client.end();
  }
}
