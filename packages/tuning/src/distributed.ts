/**
 * Searches past one machine, on PostgreSQL (as Optuna's RDB storage): the collector enqueues a
 * study's trials in the database and collects their results; workers on any number of machines
 * (`npx backprop-tuning worker --url …`) claim trials with `SELECT … FOR UPDATE SKIP LOCKED`, run
 * each in an isolated worker thread, and hold a lease on it by heartbeats. A worker that dies
 * mid-trial stops heart-beating; once its lease expires another worker claims the trial again.
 * Results live in the database, so a restarted collector (or worker) carries on where it stopped.
 *
 * Node only; import from `@backprop/tuning/distributed`.
 */
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { checkOptionNames, formatValue, optionNames, seedOf, ValueError } from '@backprop/core';
import type { Pool, PoolClient } from 'pg';
import { checkConfigs, checkSearchSpace } from './check-space.js';
import { type GridOptions, gridConfigs } from './grid.js';
import { type Pruner, type PrunerSpec, prunerFromSpec } from './pruners.js';
import { randomConfigs } from './random-configs.js';
import { resolveMode, SearchResults, type TrialResult, type TrialStatus } from './results.js';
import { type PruneHooks, runJob, SearchAbortedError, type SearchOptions, trialLine } from './search.js';
import { type Config, configKey, type SearchSpace } from './space.js';
import { checkTrialModule, type Executor, workerExecutors } from './worker-pool.js';

const STUDIES = 'backprop_tuning_studies';
const TRIALS = 'backprop_tuning_trials';
const EVENTS = 'backprop_tuning_events';
/** First key of the advisory locks that serialize a study's pruning decisions. */
const LOCK_SPACE = 0x5455_4e45;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ${STUDIES} (
  id           SERIAL PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE,
  metric       TEXT NOT NULL,
  mode         TEXT NOT NULL,
  trial_module TEXT NOT NULL,
  lease_ms     INTEGER NOT NULL,
  options      JSONB NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS ${TRIALS} (
  study_id     INTEGER NOT NULL REFERENCES ${STUDIES}(id) ON DELETE CASCADE,
  trial_index  INTEGER NOT NULL,
  config       JSONB NOT NULL,
  seed         BIGINT NOT NULL,
  status       TEXT NOT NULL DEFAULT 'queued',
  attempts     INTEGER NOT NULL DEFAULT 0,
  lease_owner  TEXT,
  heartbeat_at TIMESTAMPTZ,
  result       JSONB,
  PRIMARY KEY (study_id, trial_index)
);
CREATE INDEX IF NOT EXISTS ${TRIALS}_status ON ${TRIALS} (status, study_id, trial_index);
CREATE TABLE IF NOT EXISTS ${EVENTS} (
  seq          BIGSERIAL PRIMARY KEY,
  study_id     INTEGER NOT NULL REFERENCES ${STUDIES}(id) ON DELETE CASCADE,
  trial_index  INTEGER NOT NULL,
  epoch        INTEGER,
  value        DOUBLE PRECISION,
  status       TEXT,
  UNIQUE (study_id, trial_index, epoch)
);
`;

type PgModule = typeof import('pg');

async function openPool(url: string, max: number): Promise<Pool> {
  if (typeof url !== 'string' || url === '')
    throw new ValueError(
      'distributedSearch: url must be a PostgreSQL connection string, e.g. "postgres://user@host/db"',
    );
  const mod = (await import('pg')) as PgModule & { default?: PgModule };
  const pg = mod.default ?? mod;
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return pool;
}

async function transaction<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    c.release();
  }
}

/** Creates the two tables when they do not exist (safe to run from many processes at once). */
async function ensureSchema(pool: Pool): Promise<void> {
  await transaction(pool, async (c) => {
    await c.query(`SELECT pg_advisory_xact_lock(hashtext('${TRIALS}'))`);
    await c.query(SCHEMA);
  });
}

/** The largest seed the tables of 0.x releases before BIGINT seeds could hold. */
const MAX_INT4 = 2 ** 31 - 1;

/**
 * Widens `seed` to BIGINT in a database made before seeds were BIGINT, the first time a study needs
 * a seed past 2³¹ − 1 (databases that never do keep their column). pg hands BIGINT back as a
 * string, so this package reads seeds with `Number(…)` (exact for safe integers).
 */
async function widenSeedColumn(pool: Pool): Promise<void> {
  await transaction(pool, async (c) => {
    await c.query(`SELECT pg_advisory_xact_lock(hashtext('${TRIALS}'))`);
    const column = await c.query(
      `SELECT data_type FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = '${TRIALS}' AND column_name = 'seed'`,
    );
    if (column.rows[0]?.data_type === 'integer') await c.query(`ALTER TABLE ${TRIALS} ALTER COLUMN seed TYPE BIGINT`);
  });
}

/** What a study stored: the columns {@link studyDifference} compares. */
interface StoredStudy {
  metric: string;
  mode: string;
  trial_module: string;
  options: { pruner?: PrunerSpec | null } | null;
}

/** A trial module as a comparable string: a `file:` URL and its path are the same module. */
function moduleKey(m: string): string {
  if (m.startsWith('file:')) {
    try {
      return fileURLToPath(m);
    } catch {
      return m;
    }
  }
  return m;
}

/** JSON with sorted keys (PostgreSQL's JSONB reorders them), undefined dropped. */
function canonical(v: unknown): string {
  const sort = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(sort)
      : x !== null && typeof x === 'object'
        ? Object.fromEntries(
            Object.keys(x)
              .sort()
              .filter((k) => (x as Record<string, unknown>)[k] !== undefined)
              .map((k) => [k, sort((x as Record<string, unknown>)[k])]),
          )
        : x;
  return JSON.stringify(sort(v === undefined ? null : v)) ?? 'null';
}

/**
 * Why a study stored under this name is not the search now asked for (undefined when it is the
 * same): another metric or direction, another trial module, or another pruner. Those make another
 * search, whose results must not be mixed with the stored ones. Operational settings (leaseMs,
 * trialTimeoutMs, retries, maxAttempts) may change between runs.
 */
function studyDifference(
  study: string,
  stored: StoredStudy,
  wanted: { metric: string; mode: string; trialModule: string; pruner?: PrunerSpec },
): string | undefined {
  const differences: string[] = [];
  if (stored.metric !== wanted.metric || stored.mode !== wanted.mode)
    differences.push(`it selects on ${stored.mode} ${stored.metric}, not ${wanted.mode} ${wanted.metric}`);
  if (moduleKey(stored.trial_module) !== moduleKey(wanted.trialModule))
    differences.push(`its trialModule is ${stored.trial_module}, not ${wanted.trialModule}`);
  const storedPruner = canonical(stored.options?.pruner ?? null);
  const wantedPruner = canonical(wanted.pruner ?? null);
  if (storedPruner !== wantedPruner) {
    const show = (p: string) => (p === 'null' ? 'none' : p);
    differences.push(`its pruner is ${show(storedPruner)}, not ${show(wantedPruner)}`);
  }
  if (differences.length === 0) return undefined;
  return `distributedSearch: study "${study}" is another search: ${differences.join('; ')}; use another study name`;
}

/** Options of {@link distributedSearch}. */
export interface DistributedSearchOptions
  extends Pick<
      SearchOptions,
      'metric' | 'mode' | 'seed' | 'trialTimeoutMs' | 'retries' | 'signal' | 'onTrial' | 'verbose'
    >,
    GridOptions {
  /** PostgreSQL connection string, e.g. `postgres://tuner:secret@db.lan:5432/tuning`. */
  url: string;
  /** The study's name: trials and results are stored under it; rerun with the same name to resume. */
  study: string;
  /**
   * The module exporting `trial` (as for `parallel`), as every worker machine can import it: an
   * absolute path or `file:` URL that exists there too (or start workers with `--trial-module`).
   */
  trialModule: string | URL;
  /** The configurations to run, or `space` (random search with `trials`, grid search without). */
  configs?: readonly Config[];
  space?: SearchSpace;
  trials?: number;
  /** How long a worker may go without a heartbeat before its trial is given to another (default 60 000 ms). */
  leaseMs?: number;
  /** Claims of one trial after expired leases before it is recorded as failed, kind 'lease-expired' (default 3). */
  maxAttempts?: number;
  /** How often the collector looks for new results (default 500 ms). */
  pollMs?: number;
  /**
   * Stops bad trials early, as in a local search. Workers share the reported values through the
   * database and decide one report at a time (under a lock), replaying the study's reports in the
   * order they arrived, so the decisions are those of one pruner seeing every report.
   */
  pruner?: Pruner;
}

function positiveInt(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw new ValueError(`distributedSearch: ${name} must be a positive integer, got ${formatValue(v)}`);
  return v;
}

function studyConfigs(o: DistributedSearchOptions): Config[] {
  if (o.configs) {
    checkConfigs('distributedSearch', o.configs);
    return [...o.configs];
  }
  if (!o.space)
    throw new ValueError('distributedSearch: give configs, or a non-empty space (with trials for random search)');
  checkSearchSpace('distributedSearch', o.space, true);
  if (o.trials !== undefined) return randomConfigs(o.space, positiveInt('trials', o.trials), o.seed ?? 0);
  return gridConfigs(o.space, { pointsPerDistribution: o.pointsPerDistribution });
}

/**
 * Runs a search on workers that share a PostgreSQL database: enqueues the study's trials (those not
 * already there), waits for the workers to run them, and resolves with the results — the same rows,
 * seeds and metrics as `runSearch` in one process. Restarting it with the same `study` resumes:
 * finished trials are kept, failed and cancelled ones are queued again. Cancelling (`signal`) marks
 * the trials not yet claimed as cancelled and rejects with `SearchAbortedError`; trials already
 * running finish and are stored.
 */
export async function distributedSearch(o: DistributedSearchOptions): Promise<SearchResults> {
  if (typeof o?.metric !== 'string' || o.metric === '')
    throw new ValueError('distributedSearch: options.metric must name a metric, e.g. "valAccuracy"');
  checkOptionNames(
    'distributedSearch',
    o,
    optionNames<DistributedSearchOptions>({
      metric: true,
      mode: true,
      seed: true,
      trialTimeoutMs: true,
      retries: true,
      signal: true,
      onTrial: true,
      verbose: true,
      pointsPerDistribution: true,
      url: true,
      study: true,
      trialModule: true,
      configs: true,
      space: true,
      trials: true,
      leaseMs: true,
      maxAttempts: true,
      pollMs: true,
      pruner: true,
    }),
  );
  if (typeof o.study !== 'string' || o.study === '')
    throw new ValueError('distributedSearch: options.study must name the study');
  if (!o.trialModule) throw new ValueError('distributedSearch: options.trialModule is required (workers import it)');
  checkTrialModule('distributedSearch', o.trialModule);
  const leaseMs = positiveInt('leaseMs', o.leaseMs ?? 60_000);
  const maxAttempts = positiveInt('maxAttempts', o.maxAttempts ?? 3);
  const pollMs = positiveInt('pollMs', o.pollMs ?? 500);
  const retries = o.retries ?? 0;
  if (!Number.isInteger(retries) || retries < 0)
    throw new ValueError(`distributedSearch: retries must be a non-negative integer, got ${formatValue(retries)}`);
  if (o.pruner !== undefined && (typeof o.pruner?.create !== 'function' || !o.pruner.spec))
    throw new ValueError('distributedSearch: pruner must be made by successiveHalving, hyperband or medianStopping');
  seedOf('distributedSearch', o.seed);
  const configs = studyConfigs(o);
  if (o.seed !== undefined && o.seed + configs.length - 1 > Number.MAX_SAFE_INTEGER)
    throw new ValueError(
      `distributedSearch: seed ${o.seed} + trial index ${configs.length - 1} is past Number.MAX_SAFE_INTEGER; trial i gets seed + i, so use a smaller seed`,
    );
  const mode = resolveMode(o.metric, o.mode, 'distributedSearch');
  const seed = o.seed ?? 0;
  const verbose = o.verbose ?? true;
  const pool = await openPool(o.url, 2);
  try {
    await ensureSchema(pool);
    if (seed + configs.length - 1 > MAX_INT4) await widenSeedColumn(pool);
    const trialModule = String(o.trialModule);
    const options = JSON.stringify({ trialTimeoutMs: o.trialTimeoutMs, retries, maxAttempts, pruner: o.pruner?.spec });
    const { studyId, earlier } = await transaction(pool, async (c) => {
      await c.query(
        `INSERT INTO ${STUDIES} (name, metric, mode, trial_module, lease_ms, options) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (name) DO NOTHING`,
        [o.study, o.metric, mode, trialModule, leaseMs, options],
      );
      const study = await c.query(
        `SELECT id, metric, mode, trial_module, options FROM ${STUDIES} WHERE name = $1 FOR UPDATE`,
        [o.study],
      );
      const storedStudy = study.rows[0] as StoredStudy & { id: number };
      const id = storedStudy.id;
      const difference = studyDifference(o.study, storedStudy, {
        metric: o.metric,
        mode,
        trialModule,
        pruner: o.pruner?.spec,
      });
      if (difference) throw new ValueError(difference);
      // The same search: settings that do not change its results may change between runs.
      await c.query(`UPDATE ${STUDIES} SET trial_module = $2, lease_ms = $3, options = $4 WHERE id = $1`, [
        id,
        trialModule,
        leaseMs,
        options,
      ]);
      const rows = configs.map((config, index) => ({ trial_index: index, config, seed: seed + index }));
      await c.query(
        `INSERT INTO ${TRIALS} (study_id, trial_index, config, seed)
         SELECT $1, x.trial_index, x.config, x.seed FROM jsonb_to_recordset($2::jsonb) AS x(trial_index int, config jsonb, seed bigint)
         ON CONFLICT (study_id, trial_index) DO NOTHING`,
        [id, JSON.stringify(rows)],
      );
      const stored = await c.query(
        `SELECT trial_index, config, seed FROM ${TRIALS} WHERE study_id = $1 AND trial_index < $2`,
        [id, configs.length],
      );
      for (const r of stored.rows) {
        if (configKey(r.config) !== configKey(configs[r.trial_index]) || Number(r.seed) !== seed + r.trial_index)
          throw new ValueError(
            `distributedSearch: study "${o.study}" already has a different trial ${r.trial_index} (${JSON.stringify(r.config)}, seed ${r.seed}); use another study name`,
          );
      }
      const requeued = await c.query(
        `UPDATE ${TRIALS} SET status = 'queued', attempts = 0, result = NULL, lease_owner = NULL, heartbeat_at = NULL
         WHERE study_id = $1 AND trial_index < $2 AND status IN ('failed', 'cancelled') RETURNING trial_index`,
        [id, configs.length],
      );
      // A trial run again starts its curve afresh.
      await c.query(`DELETE FROM ${EVENTS} WHERE study_id = $1 AND trial_index = ANY($2::int[])`, [
        id,
        requeued.rows.map((r) => r.trial_index),
      ]);
      // Rows finished by an earlier run: in the results, but (as in a resumed local search) not
      // passed to onTrial or printed again.
      const done = await c.query(
        `SELECT trial_index, result FROM ${TRIALS}
         WHERE study_id = $1 AND trial_index < $2 AND status NOT IN ('queued', 'running')`,
        [id, configs.length],
      );
      return { studyId: id, earlier: done.rows as { trial_index: number; result: TrialResult }[] };
    });

    const seen = new Map<number, TrialResult>(earlier.map((r) => [r.trial_index, r.result]));
    const total = configs.length;
    const collect = async () => {
      const res = await pool.query(
        `SELECT trial_index, result FROM ${TRIALS}
         WHERE study_id = $1 AND trial_index < $2 AND status NOT IN ('queued', 'running') ORDER BY trial_index`,
        [studyId, total],
      );
      for (const { trial_index, result } of res.rows) {
        if (seen.has(trial_index)) continue;
        const row = result as TrialResult;
        seen.set(trial_index, row);
        if (verbose) console.log(trialLine(row, total, o.metric));
        await o.onTrial?.(row, seen.size, total);
      }
    };
    const results = () =>
      new SearchResults(
        [...seen.values()].sort((a, b) => a.index - b.index),
        o.metric,
        mode,
      );
    for (;;) {
      await collect();
      if (seen.size >= total) return results();
      if (o.signal?.aborted) {
        await pool.query(
          `UPDATE ${TRIALS} SET status = 'cancelled',
             result = jsonb_build_object('index', trial_index, 'config', config, 'status', 'cancelled', 'metrics', '{}'::jsonb, 'seconds', 0)
           WHERE study_id = $1 AND trial_index < $2 AND status = 'queued'`,
          [studyId, total],
        );
        await collect();
        throw new SearchAbortedError(results(), o.signal.reason);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, pollMs);
        function done() {
          clearTimeout(t);
          o.signal?.removeEventListener('abort', done);
          resolve();
        }
        o.signal?.addEventListener('abort', done, { once: true });
      });
    }
  } finally {
    await pool.end();
  }
}

/** Options of {@link runWorker}. */
export interface WorkerOptions {
  /** PostgreSQL connection string. */
  url: string;
  /** Only take trials of this study (default: any). */
  study?: string;
  /** This worker's name in `lease_owner` (default host:pid:random). */
  id?: string;
  /** Use this trial module instead of the one the study names (its path on this machine). */
  trialModule?: string;
  /** How often to look for work when there is none (default 1000 ms). */
  pollMs?: number;
  /** Stop after this long without work (default: never). */
  exitWhenIdleMs?: number;
  /** Stops the worker; a trial it is running goes back to the queue. */
  signal?: AbortSignal;
  /** Print a line per trial (default true). */
  verbose?: boolean;
}

interface Claim {
  study_id: number;
  trial_index: number;
  config: Config;
  seed: number;
  attempts: number;
  trial_module: string;
  lease_ms: number;
  options: { trialTimeoutMs?: number; retries?: number; maxAttempts?: number; pruner?: PrunerSpec };
  name: string;
  mode: 'min' | 'max';
  metric: string;
}

/**
 * Pruning through the database: each report is appended to the study's events and decided by
 * replaying all of them, in order, into a fresh pruner, under a per-study advisory lock.
 */
function databasePruner(pool: Pool, claim: Claim): PruneHooks | undefined {
  if (!claim.options.pruner) return undefined;
  const pruner = prunerFromSpec(claim.options.pruner);
  const study = claim.study_id;
  return {
    report: (index, epoch, value) =>
      transaction(pool, async (c) => {
        await c.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_SPACE, study]);
        await c.query(
          `INSERT INTO ${EVENTS} (study_id, trial_index, epoch, value) VALUES ($1, $2, $3, $4)
           ON CONFLICT (study_id, trial_index, epoch) DO NOTHING`,
          [study, index, epoch, value],
        );
        const events = await c.query(
          `SELECT trial_index, epoch, value, status FROM ${EVENTS} WHERE study_id = $1 ORDER BY seq`,
          [study],
        );
        const state = pruner.create(claim.mode);
        let stop = false;
        for (const e of events.rows) {
          if (e.epoch === null) state.finish(e.trial_index, e.status);
          else {
            const d = state.report(e.trial_index, e.epoch, Number(e.value));
            if (e.trial_index === index && e.epoch === epoch) stop = d;
          }
        }
        return stop;
      }),
    finish: () => {}, // recorded with the result, in the same transaction (see runClaim)
  };
}

/**
 * A worker: claims queued trials (or trials whose lease expired) one at a time, runs each in a worker
 * thread, heart-beats while it runs, and stores the result. Resolves with the number of trials it
 * finished when `signal` aborts or it has been idle for `exitWhenIdleMs`.
 */
export async function runWorker(o: WorkerOptions): Promise<{ trials: number }> {
  const id = o.id ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const pollMs = o.pollMs ?? 1000;
  const verbose = o.verbose ?? true;
  const pool = await openPool(o.url, 3);
  const executors = new Map<string, Executor>();
  let finished = 0;
  let idleSince = performance.now();
  try {
    await ensureSchema(pool);
    while (!o.signal?.aborted) {
      let claim: Claim | undefined;
      try {
        claim = (await claimTrial(pool, id, o.study)).rows[0];
      } catch (e) {
        // The database is away (restarting, network): say so and try again, as a queue consumer does.
        console.error(`[${id}] cannot claim a trial: ${(e as Error).message}; retrying in ${pollMs} ms`);
        await sleep(pollMs, o.signal);
        continue;
      }
      if (!claim) {
        if (o.exitWhenIdleMs !== undefined && performance.now() - idleSince >= o.exitWhenIdleMs) break;
        await sleep(pollMs, o.signal);
        continue;
      }
      const row = await runClaim(pool, claim, id, o, executors);
      if (row) {
        finished++;
        if (verbose) console.log(`[${id}] ${claim.name}: ${trialLine(row)}`);
      }
      idleSince = performance.now();
    }
    return { trials: finished };
  } finally {
    await Promise.all([...executors.values()].map((e) => e.close()));
    await pool.end();
  }
}

/** Claims the first queued trial (or one whose lease expired), skipping rows other workers hold. */
function claimTrial(pool: Pool, owner: string, study: string | undefined) {
  return pool.query<Claim>(
    `WITH c AS (
       SELECT t.study_id, t.trial_index FROM ${TRIALS} t JOIN ${STUDIES} s ON s.id = t.study_id
       WHERE (t.status = 'queued' OR (t.status = 'running' AND t.heartbeat_at < now() - s.lease_ms * interval '1 millisecond'))
         AND ($2::text IS NULL OR s.name = $2)
       ORDER BY t.study_id, t.trial_index
       LIMIT 1 FOR UPDATE OF t SKIP LOCKED)
     UPDATE ${TRIALS} t SET status = 'running', lease_owner = $1, heartbeat_at = now(), attempts = t.attempts + 1
     FROM c, ${STUDIES} s
     WHERE t.study_id = c.study_id AND t.trial_index = c.trial_index AND s.id = t.study_id
     RETURNING t.study_id, t.trial_index, t.config, t.seed::float8 AS seed, t.attempts, s.trial_module, s.lease_ms, s.options, s.name, s.mode, s.metric`,
    [owner, study ?? null],
  );
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

async function runClaim(
  pool: Pool,
  claim: Claim,
  owner: string,
  o: WorkerOptions,
  executors: Map<string, Executor>,
): Promise<TrialResult | undefined> {
  const key = [claim.study_id, claim.trial_index, owner];
  const store = (row: TrialResult) =>
    transaction(pool, async (c) => {
      if (claim.options.pruner) await c.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_SPACE, claim.study_id]);
      const updated = await c.query(
        `UPDATE ${TRIALS} SET status = $4, result = $5, lease_owner = NULL, heartbeat_at = NULL
         WHERE study_id = $1 AND trial_index = $2 AND lease_owner = $3 AND status = 'running'`,
        [...key, row.status, JSON.stringify(row)],
      );
      if (claim.options.pruner && updated.rowCount)
        await c.query(`INSERT INTO ${EVENTS} (study_id, trial_index, status) VALUES ($1, $2, $3)`, [
          claim.study_id,
          claim.trial_index,
          row.status,
        ]);
    });
  const maxAttempts = claim.options.maxAttempts ?? 3;
  if (claim.attempts > maxAttempts) {
    const row: TrialResult = {
      index: claim.trial_index,
      config: claim.config,
      status: 'failed',
      metrics: {},
      seconds: 0,
      attempts: claim.attempts - 1,
      error: {
        kind: 'lease-expired',
        message: `its worker stopped sending heartbeats ${claim.attempts - 1} time(s); maxAttempts is ${maxAttempts}`,
      },
    };
    await store(row);
    return row;
  }
  const module = o.trialModule ?? claim.trial_module;
  let executor = executors.get(module);
  if (!executor) {
    executor = (await workerExecutors(module))();
    executors.set(module, executor);
  }
  // The lease: heartbeats every third of it; if another worker took the trial over, stop ours.
  const lost = new AbortController();
  const stopOnShutdown = () => lost.abort('worker stopping');
  o.signal?.addEventListener('abort', stopOnShutdown, { once: true });
  const beat = setInterval(
    () => {
      pool
        .query(
          `UPDATE ${TRIALS} SET heartbeat_at = now() WHERE study_id = $1 AND trial_index = $2 AND lease_owner = $3 AND status = 'running'`,
          key,
        )
        .then(
          (r) => {
            if (r.rowCount === 0) lost.abort('lease lost');
          },
          () => {},
        );
    },
    Math.max(10, Math.floor(claim.lease_ms / 3)),
  );
  try {
    const row = await runJob(
      executor,
      { index: claim.trial_index, config: claim.config, seed: claim.seed },
      {
        timeoutMs: claim.options.trialTimeoutMs,
        retries: claim.options.retries ?? 0,
        signal: lost.signal,
        prune: databasePruner(pool, claim),
        metric: claim.metric,
      },
    );
    if (row.status === 'cancelled') {
      // Shutting down (or the lease was lost): give the trial back without counting this claim.
      await pool.query(
        `UPDATE ${TRIALS} SET status = 'queued', attempts = attempts - 1, lease_owner = NULL, heartbeat_at = NULL
         WHERE study_id = $1 AND trial_index = $2 AND lease_owner = $3 AND status = 'running'`,
        key,
      );
      return undefined;
    }
    const attempts = claim.attempts + (row.attempts ?? 1) - 1;
    if (attempts > 1) row.attempts = attempts;
    else delete row.attempts;
    await store(row);
    return row;
  } finally {
    clearInterval(beat);
    o.signal?.removeEventListener('abort', stopOnShutdown);
  }
}

/** Statuses a trial has in the database: those of a result, plus waiting and claimed. */
export type StoredStatus = TrialStatus | 'queued' | 'running';
