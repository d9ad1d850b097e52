/**
 * Running a search: trials in order or in parallel worker threads, with time limits, retries of
 * crashed trials, pruning from intermediate values, cancellation, resume files and progress lines.
 */
import { BackpropError, checkOptionNames, formatValue, optionNames, seedOf, ValueError } from '@backprop/core';
import { checkConfigs, checkSearchSpace } from './check-space.js';
import { type GridOptions, gridConfigs } from './grid.js';
import type { Pruner, PrunerState } from './pruners.js';
import { randomConfigs } from './random-configs.js';
import {
  type Mode,
  resolveMode,
  SearchResults,
  type TrialError,
  type TrialResult,
  type TrialStatus,
} from './results.js';
import { type Config, configKey, type SearchSpace } from './space.js';
import { missingMetric } from './thrown.js';
import {
  checkTrialModule,
  type Executor,
  inThreadExecutor,
  type Job,
  type Outcome,
  workerExecutors,
} from './worker-pool.js';

/** What a trial gets besides its configuration. */
export interface TrialContext {
  /** Seed for this trial's initialization and shuffling: the search's seed + the trial index. */
  seed: number;
  index: number;
  /** Aborted when the trial runs past `trialTimeoutMs` or the search is cancelled (in-thread trials). */
  signal: AbortSignal;
  /**
   * Reports the search's metric after `epoch` (from 1) for the pruner; resolves to true when the
   * pruner says to stop. The trial should then return its metrics so far (it is recorded as
   * `pruned` either way). Without a pruner it always resolves to false.
   *
   * `epoch` must be an integer ≥ 0 and `value` a number (NaN for a diverged epoch is fine): any
   * other call (`report(1.5, v)`, `report('2', v)`, `report(2, '0.5')`) throws a ValueError at once,
   * naming `report`, the trial and the argument, and the trial is recorded as `failed` (kind
   * `threw`) even if it catches the error; the other trials go on.
   */
  report(epoch: number, value: number): Promise<boolean>;
}

/**
 * Trains and validates one configuration; returns its metrics (e.g. `{ valLoss, valAccuracy }`).
 * They must include the search's metric: a result without it (`{ valLos: 0.1 }` for 'valLoss') is
 * recorded as `failed` (kind `threw`), naming the metric and the keys returned.
 */
export type Trial = (config: Config, context: TrialContext) => Promise<Record<string, number>>;

/** Options every search takes. */
export interface SearchOptions {
  /** The validation metric that selects the best trial (e.g. 'valAccuracy'). */
  metric: string;
  /** Whether smaller or larger is better (default 'auto': max for accuracies). */
  mode?: Mode;
  /** Base seed (default 0). */
  seed?: number;
  /**
   * Worker threads to run trials in parallel (Node only; default 1). Needs `trialModule`, since
   * a function cannot cross threads.
   */
  parallel?: number;
  /**
   * A module whose `trial` (or default) export is the trial: an absolute path, a URL (e.g.
   * `new URL('./trial.js', import.meta.url)`) or a package name; a relative path ('./trial.js') is a
   * ValueError, since the worker would resolve it from this package's folder. With it (and no trial function),
   * trials run in worker threads even when `parallel` is 1, so a crash, an uncaught exception or
   * a hang in one trial cannot take the search down.
   */
  trialModule?: string | URL;
  /**
   * Time limit of one trial in milliseconds. A worker past it is stopped and replaced; a trial
   * in this thread is abandoned (its `signal` aborts). Recorded as failed, kind 'timeout'.
   */
  trialTimeoutMs?: number;
  /** Times to re-run a trial whose worker crashed or exited, or that timed out (default 0). Trials that throw are not re-run. */
  retries?: number;
  /** Cancels the search: running trials stop (recorded as cancelled) and the search rejects with {@link SearchAbortedError}. */
  signal?: AbortSignal;
  /** Stops unpromising trials from what they `report` each epoch (see `successiveHalving`, `hyperband`, `medianStopping`). */
  pruner?: Pruner;
  /** Finished trials from an earlier run: configurations already done (or pruned) are not run again. */
  resume?: SearchResults | readonly TrialResult[];
  /**
   * A JSON file (Node): read as `resume` when it exists, rewritten after every trial and when the
   * search ends or is cancelled. Rerun the same search with the same file to continue it. Rows of
   * the file past this search's last trial (it was run before with more configurations or trials)
   * are kept in the file as they are, but are not in the returned results. A file with two rows for
   * one trial is a ValueError naming them, before any trial runs.
   */
  resumeFile?: string;
  /** Called after each trial (e.g. to save partial results). */
  onTrial?: (result: TrialResult, done: number, total: number) => void | Promise<void>;
  /** Print one line per trial (default true). */
  verbose?: boolean;
}

/**
 * The search was cancelled through `options.signal`. `results` holds every trial that ended
 * (cancelled ones included); the name is 'AbortError', as for an aborted `fetch`.
 *
 * @example
 * ```ts
 * import { gridSearch, SearchAbortedError } from '@backprop/tuning';
 *
 * const controller = new AbortController();
 * try {
 *   await gridSearch({ units: [16, 32, 64, 128] }, async (config) => ({ valLoss: 1 / Number(config.units) }), {
 *     metric: 'valLoss',
 *     signal: controller.signal,
 *     onTrial: (_result, done) => {
 *       if (done === 2) controller.abort(); // stop after two trials
 *     },
 *     verbose: false,
 *   });
 * } catch (e) {
 *   if (!(e instanceof SearchAbortedError)) throw e;
 *   console.log(e.results.rows.length); // 2: the trials that ended before the abort
 * }
 * ```
 */
export class SearchAbortedError extends BackpropError {
  constructor(
    readonly results: SearchResults,
    readonly reason: unknown,
  ) {
    const done = results.rows.filter((r) => r.status === 'ok' || r.status === 'pruned').length;
    super(`search: cancelled after ${done} finished trial(s); error.results holds them`);
    this.name = 'AbortError';
  }
}

function describe(config: Config): string {
  return Object.entries(config)
    .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(3) : v}`)
    .join(' ');
}

/** Every option of {@link runSearch} (gridSearch and randomSearch add one each). */
const SEARCH_OPTIONS = optionNames<SearchOptions>({
  metric: true,
  mode: true,
  seed: true,
  parallel: true,
  trialModule: true,
  trialTimeoutMs: true,
  retries: true,
  signal: true,
  pruner: true,
  resume: true,
  resumeFile: true,
  onTrial: true,
  verbose: true,
});

function checkOptions(o: SearchOptions, op = 'search', extra: readonly string[] = []): void {
  checkOptionNames(op, o, [...SEARCH_OPTIONS, ...extra], { aliases: { nTrials: 'trials', n_trials: 'trials' } });
  const { metric, parallel = 1, trialTimeoutMs, retries = 0, pruner, signal, seed } = o;
  seedOf(op, seed);
  if (typeof metric !== 'string' || metric === '')
    throw new ValueError('search: options.metric must name a metric, e.g. "valAccuracy"');
  if (!Number.isInteger(parallel) || parallel < 1)
    throw new ValueError(`search: parallel must be a positive integer, got ${formatValue(parallel)}`);
  if (
    trialTimeoutMs !== undefined &&
    !(typeof trialTimeoutMs === 'number' && trialTimeoutMs > 0 && trialTimeoutMs < 2 ** 31)
  )
    throw new ValueError(
      `search: trialTimeoutMs must be a positive number of milliseconds, got ${formatValue(trialTimeoutMs)}`,
    );
  if (!Number.isInteger(retries) || retries < 0)
    throw new ValueError(`search: retries must be a non-negative integer, got ${formatValue(retries)}`);
  if (pruner !== undefined && typeof pruner?.create !== 'function')
    throw new ValueError('search: pruner must be made by successiveHalving, hyperband or medianStopping');
  if (signal !== undefined && typeof signal?.addEventListener !== 'function')
    throw new ValueError('search: signal must be an AbortSignal');
}

/** Rows a search keeps from an earlier run: those that ran to the end or were pruned. */
export function finishedRows(rows: readonly TrialResult[]): TrialResult[] {
  return rows.filter((r) => r.status === 'ok' || r.status === 'pruned');
}

/** Decides on a trial's intermediate values: a pruner's state, or (distributed) one kept elsewhere. */
export interface PruneHooks {
  /** True stops the trial. */
  report(index: number, epoch: number, value: number): boolean | Promise<boolean>;
  finish(index: number, status: TrialStatus): void | Promise<void>;
}

/** Runs `job` with retries, asking `prune` about its reports; returns its row. */
export async function runJob(
  executor: Executor,
  job: Job,
  o: { prune?: PruneHooks; timeoutMs?: number; retries: number; signal?: AbortSignal; metric?: string },
): Promise<TrialResult> {
  const curve = new Map<number, number>();
  let prunedAt: number | undefined;
  const report = async (epoch: number, value: number) => {
    if (prunedAt !== undefined) return true;
    if (curve.has(epoch)) return false; // a retry repeating an epoch the pruner already saw
    curve.set(epoch, value);
    if (o.prune && (await o.prune.report(job.index, epoch, value))) prunedAt ??= epoch;
    return prunedAt !== undefined;
  };
  let attempts = 0;
  let out: Outcome;
  for (;;) {
    attempts++;
    out = await executor.run(job, { report, timeoutMs: o.timeoutMs, signal: o.signal });
    const crashed = out.kind === 'failed' && out.error.kind !== 'threw';
    if (!(crashed && attempts <= o.retries && !o.signal?.aborted)) break;
  }
  // A result without the search's metric (a typo in its name) can never be compared: it fails
  // here, as a metric that is not a number fails in checkMetrics, instead of an ok row never best.
  const missing = out.kind === 'done' && o.metric !== undefined ? missingMetric(out.metrics, o.metric) : undefined;
  if (missing) out = { kind: 'failed', error: { kind: 'threw', message: missing }, seconds: out.seconds };
  const status: TrialStatus =
    out.kind === 'cancelled'
      ? 'cancelled'
      : out.kind === 'failed'
        ? 'failed'
        : prunedAt !== undefined
          ? 'pruned'
          : 'ok';
  const row: TrialResult = {
    index: job.index,
    config: job.config,
    seed: job.seed,
    status,
    metrics: out.kind === 'done' ? out.metrics : {},
    seconds: out.seconds,
  };
  if (out.kind === 'failed') row.error = out.error;
  if (status === 'pruned') row.stoppedEpoch = prunedAt;
  if (attempts > 1) row.attempts = attempts;
  if (curve.size) row.curve = [...curve].sort((a, b) => a[0] - b[0]);
  await o.prune?.finish(job.index, status);
  return row;
}

/** Replays finished rows into a fresh pruner state, in index order, so a resumed search prunes as before. */
export function replayIntoPruner(state: PrunerState, rows: readonly TrialResult[]): void {
  for (const r of [...rows].sort((a, b) => a.index - b.index)) {
    // A value that is not a number (null: JSON's NaN in a row not read through fromJSON) is NaN.
    for (const [epoch, value] of r.curve ?? [])
      state.report(r.index, epoch, typeof value === 'number' ? value : Number.NaN);
    state.finish(r.index, r.status);
  }
}

/** The line printed for a finished trial. */
export function trialLine(r: TrialResult, total?: number, metric?: string): string {
  const value = metric === undefined ? undefined : r.metrics[metric];
  const m =
    r.status === 'failed'
      ? `failed (${r.error?.kind}): ${r.error?.message}`
      : r.status === 'cancelled'
        ? 'cancelled'
        : `${metric === undefined ? JSON.stringify(r.metrics) : `${metric} ${value === undefined ? '-' : value.toPrecision(4)}`}${r.status === 'pruned' ? `  pruned at epoch ${r.stoppedEpoch}` : ''}`;
  return `trial ${r.index + 1}${total === undefined ? '' : `/${total}`}  ${describe(r.config)}  ${m}  (${r.seconds.toFixed(1)}s)`;
}

async function readResumeFile(file: string): Promise<TrialResult[]> {
  const { readFile } = await import('node:fs/promises');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  try {
    return [...SearchResults.fromJSON(text).rows];
  } catch (e) {
    if (e instanceof ValueError) throw new ValueError(`search: resume file ${file}: ${e.message}`);
    throw e;
  }
}

/**
 * The rows of the resume file and of `resume` as one list. The same trial in both is taken once
 * when the rows are the same (the file passed both ways); two different rows for one trial are a
 * ValueError, since which to trust cannot be known.
 */
function joinResumed(fileRows: readonly TrialResult[], resumed: readonly TrialResult[]): TrialResult[] {
  const inFile = new Map(fileRows.map((r) => [r.index, JSON.stringify(r)]));
  const extra = resumed.filter((r) => {
    const other = inFile.get(r.index);
    if (other === undefined) return true;
    if (other === JSON.stringify(r)) return false;
    throw new ValueError(
      `search: the resume file and options.resume hold different rows for trial ${r.index}; pass one of them`,
    );
  });
  return [...fileRows, ...extra];
}

async function writeResumeFile(file: string, results: SearchResults): Promise<void> {
  const { rename, writeFile } = await import('node:fs/promises');
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(results, null, 1));
  await rename(tmp, file);
}

/**
 * Runs `trial` on each configuration of a list you made yourself (in this thread, or in worker
 * threads with `trialModule`); {@link gridSearch} and {@link randomSearch} make the list from a
 * search space and call it.
 *
 * @example
 * ```ts
 * import { runSearch } from '@backprop/tuning';
 *
 * const configs = [{ lr: 0.1 }, { lr: 0.01 }, { lr: 0.001 }];
 * const results = await runSearch(configs, async (config, { seed }) => ({ loss: Number(config.lr) * (seed + 1) }), {
 *   metric: 'loss',
 *   seed: 1,
 *   verbose: false,
 * });
 * console.log(results.best.config); // { lr: 0.001 }: loss 0.001 × 4
 * ```
 */
export async function runSearch(
  configs: readonly Config[],
  trial: Trial | undefined,
  options: SearchOptions,
): Promise<SearchResults> {
  checkOptions(options);
  checkConfigs('search', configs);
  const { metric, seed = 0, parallel = 1, trialModule, onTrial, verbose = true, retries = 0, resumeFile } = options;
  const useWorkers = parallel > 1 || (typeof trial !== 'function' && trialModule !== undefined);
  if (parallel > 1 && !trialModule)
    throw new ValueError('search: parallel > 1 needs trialModule (a module exporting `trial`)');
  if (useWorkers) checkTrialModule('search', trialModule);
  if (!useWorkers && typeof trial !== 'function') throw new ValueError('search: expected a trial function');
  const mode = resolveMode(metric, options.mode, 'search');
  const fileRows = resumeFile ? await readResumeFile(resumeFile) : [];
  const previous = joinResumed(
    fileRows,
    options.resume instanceof SearchResults
      ? options.resume.rows
      : new SearchResults(options.resume ?? [], metric, mode).rows,
  );
  // Rows of the file past this search's last trial (a longer search, or more trials, ran on it
  // before): written back untouched with every save, never dropped, but not this search's results.
  const beyond = fileRows.filter((r) => r.index >= configs.length);
  if (beyond.length > 0 && verbose)
    console.log(
      `search: ${resumeFile} holds ${beyond.length} row(s) past this search's ${configs.length} trial(s); they stay in the file and are not in the results`,
    );
  const done = new Map(finishedRows(previous).map((r) => [`${r.index}|${configKey(r.config)}`, r]));
  const rows: TrialResult[] = [];
  const todo: Job[] = [];
  configs.forEach((config, index) => {
    const finished = done.get(`${index}|${configKey(config)}`);
    // A row from a search with another seed (a replicate run pointed at the same file) is not this
    // trial's result: taking it would return the old numbers as the new run's.
    if (finished?.seed !== undefined && finished.seed !== seed + index)
      throw new ValueError(
        `search: the resumed results ran trial ${index} with seed ${finished.seed}, this search gives it seed ${seed + index} (seed ${seed} + its index); resume with the seed the results were made with, or start from a new file`,
      );
    if (finished) rows.push(finished);
    else todo.push({ index, config, seed: seed + index });
  });
  const prunerState = options.pruner?.create(mode);
  if (prunerState) replayIntoPruner(prunerState, rows);
  const total = configs.length;
  const snapshot = () =>
    new SearchResults(
      [...rows].sort((a, b) => a.index - b.index),
      metric,
      mode,
    );
  let saving = Promise.resolve();
  const save = () => {
    if (resumeFile)
      saving = saving.then(() =>
        writeResumeFile(
          resumeFile,
          beyond.length ? new SearchResults([...snapshot().rows, ...beyond], metric, mode) : snapshot(),
        ),
      );
    return saving;
  };
  // Exceptions that escaped a worker trial after it returned (a timer it left behind): that trial
  // is recorded as failed (uncaught), even when its row was already recorded.
  const late = new Map<number, TrialError>();
  const blame = (r: TrialResult): TrialResult => {
    const error = late.get(r.index);
    if (!error || (r.status !== 'ok' && r.status !== 'pruned')) return r;
    const { stoppedEpoch: _, ...rest } = r;
    return { ...rest, status: 'failed', metrics: {}, error };
  };
  const onLateError = (index: number, error: TrialError) => {
    late.set(index, error);
    const i = rows.findIndex((r) => r.index === index);
    if (i >= 0 && rows[i] !== blame(rows[i])) {
      rows[i] = blame(rows[i]);
      if (verbose) console.log(trialLine(rows[i], total, metric));
      void save().catch(() => {});
    }
  };
  const record = async (row: TrialResult) => {
    const r = blame(row);
    rows.push(r);
    if (verbose) console.log(trialLine(r, total, metric));
    await save();
    await onTrial?.(r, rows.length, total);
  };

  // One controller stops every lane: the user's signal, or a lane whose onTrial threw.
  const stop = new AbortController();
  const onUserAbort = () => stop.abort(options.signal?.reason);
  if (options.signal?.aborted) stop.abort(options.signal.reason);
  else options.signal?.addEventListener('abort', onUserAbort, { once: true });
  const makeExecutor = useWorkers
    ? await workerExecutors(String(trialModule), onLateError)
    : () => inThreadExecutor(trial!);
  const queue = [...todo];
  const lanes = Array.from({ length: Math.min(useWorkers ? parallel : 1, queue.length) }, async () => {
    const executor = makeExecutor();
    try {
      for (let job = queue.shift(); job && !stop.signal.aborted; job = queue.shift()) {
        const row = await runJob(executor, job, {
          prune: prunerState,
          timeoutMs: options.trialTimeoutMs,
          retries,
          signal: stop.signal,
          metric,
        });
        await record(row);
      }
    } catch (e) {
      stop.abort(e);
      throw e;
    } finally {
      await executor.close();
    }
  });
  const settled = await Promise.allSettled(lanes);
  options.signal?.removeEventListener('abort', onUserAbort);
  await save();
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
  const results = snapshot();
  if (options.signal?.aborted) throw new SearchAbortedError(results, options.signal.reason);
  return results;
}

/**
 * Grid search (the lecture's tuning slide): every combination of the space's values (see
 * {@link gridConfigs}), each trained and validated by `trial`; the best is selected on `metric`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { losses, setBackend } from '@backprop/core';
 * import { moons } from '@backprop/datasets';
 * import { adam } from '@backprop/optimizers';
 * import { fitTrial, gridSearch } from '@backprop/tuning';
 *
 * await setBackend(cpu());
 * const train = moons({ n: 200, noise: 0.1 });
 * const results = await gridSearch(
 *   { lr: [0.01, 0.05], units: [8, 16], epochs: 3 },
 *   (config, { seed }) =>
 *     fitTrial(config, seed, {
 *       train,
 *       validation: 0.2,
 *       outputs: 2,
 *       loss: losses.softmaxCrossEntropy,
 *       optimizer: (c) => adam({ lr: Number(c.lr) }),
 *     }),
 *   { metric: 'valAccuracy', verbose: false },
 * );
 * console.log(results.rows.length); // 4
 * console.log(results.best.config); // the configuration with the highest valAccuracy
 * ```
 */
export async function gridSearch(
  space: SearchSpace,
  trial: Trial | undefined,
  options: SearchOptions & GridOptions,
): Promise<SearchResults> {
  checkSearchSpace('gridSearch', space, true);
  checkOptions(options, 'gridSearch', ['pointsPerDistribution']);
  const { pointsPerDistribution, ...search } = options;
  return runSearch(gridConfigs(space, { pointsPerDistribution }), trial, search);
}

/**
 * Random search (Bergstra & Bengio 2012): `trials` independent draws from the space (see
 * {@link randomConfigs}), reproducible from `seed`; usually finds good configurations in far fewer
 * trials than a grid when only some hyperparameters matter.
 *
 * @example
 * ```ts
 * import { intUniform, logUniform, randomSearch } from '@backprop/tuning';
 *
 * const results = await randomSearch(
 *   { lr: logUniform(1e-4, 1), layers: intUniform(1, 3) },
 *   async (config) => ({ valLoss: (Math.log10(Number(config.lr)) + 2) ** 2 + Number(config.layers) }),
 *   { metric: 'valLoss', trials: 20, seed: 1, verbose: false },
 * );
 * console.log(String(results)); // a table of the 20 trials, best first
 * console.log(results.best.config.layers); // 1
 * ```
 */
export async function randomSearch(
  space: SearchSpace,
  trial: Trial | undefined,
  options: SearchOptions & { trials: number },
): Promise<SearchResults> {
  checkSearchSpace('randomSearch', space, true);
  checkOptions(options, 'randomSearch', ['trials']);
  if (!Number.isInteger(options?.trials) || options.trials < 1)
    throw new ValueError(`randomSearch: trials must be a positive integer, got ${formatValue(options?.trials)}`);
  const { trials, ...search } = options;
  return runSearch(randomConfigs(space, trials, options.seed ?? 0), trial, search);
}
