/** Running a search: trials in order or in parallel worker threads, resumable, with progress lines. */
import { ValueError, formatValue } from '@backprop/core';
import { type GridOptions, gridConfigs } from './grid.js';
import { randomConfigs } from './random-configs.js';
import { type Mode, resolveMode, SearchResults, type TrialResult } from './results.js';
import { type Config, configKey, type SearchSpace } from './space.js';
import { runInWorkers } from './worker-pool.js';

/** What a trial gets besides its configuration. */
export interface TrialContext {
  /** Seed for this trial's initialization and shuffling: the search's seed + the trial index. */
  seed: number;
  index: number;
}

/** Trains and validates one configuration; returns its metrics (e.g. `{ valLoss, valAccuracy }`). */
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
   * Worker threads to run trials in parallel (Node only; default 1 = in this thread). Needs
   * `trialModule`, since a function cannot cross threads.
   */
  parallel?: number;
  /** A module whose `trial` (or default) export is the trial, for `parallel` > 1. */
  trialModule?: string | URL;
  /** Finished trials from an earlier run: configurations already done are not run again. */
  resume?: SearchResults | readonly TrialResult[];
  /** Called after each trial (e.g. to save partial results). */
  onTrial?: (result: TrialResult, done: number, total: number) => void | Promise<void>;
  /** Print one line per trial (default true). */
  verbose?: boolean;
}

function describe(config: Config): string {
  return Object.entries(config)
    .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(3) : v}`)
    .join(' ');
}

/** Runs `trial` on each configuration; see {@link gridSearch} and {@link randomSearch}. */
export async function runSearch(
  configs: readonly Config[],
  trial: Trial | undefined,
  options: SearchOptions,
): Promise<SearchResults> {
  const { metric, seed = 0, parallel = 1, trialModule, onTrial, verbose = true } = options;
  if (typeof metric !== 'string' || metric === '')
    throw new ValueError('search: options.metric must name a metric, e.g. "valAccuracy"');
  if (!Number.isInteger(parallel) || parallel < 1)
    throw new ValueError(`search: parallel must be a positive integer, got ${formatValue(parallel)}`);
  if (parallel > 1 && !trialModule)
    throw new ValueError('search: parallel > 1 needs trialModule (a module exporting `trial`)');
  if (parallel === 1 && typeof trial !== 'function') throw new ValueError('search: expected a trial function');
  const mode = resolveMode(metric, options.mode);
  const previous = options.resume instanceof SearchResults ? options.resume.rows : (options.resume ?? []);
  const done = new Map(previous.filter((r) => !r.error).map((r) => [`${r.index}|${configKey(r.config)}`, r]));
  const rows: TrialResult[] = [];
  const todo: { index: number; config: Config }[] = [];
  configs.forEach((config, index) => {
    const finished = done.get(`${index}|${configKey(config)}`);
    if (finished) rows.push(finished);
    else todo.push({ index, config });
  });
  const total = configs.length;
  const record = async (r: TrialResult) => {
    rows.push(r);
    if (verbose) {
      const m = r.error ? `failed: ${r.error}` : `${metric} ${r.metrics[metric]?.toPrecision(4)}`;
      console.log(`trial ${r.index + 1}/${total}  ${describe(r.config)}  ${m}  (${r.seconds.toFixed(1)}s)`);
    }
    await onTrial?.(r, rows.length, total);
  };
  if (parallel > 1) {
    await runInWorkers(
      String(trialModule),
      todo.map((t) => ({ ...t, seed: seed + t.index })),
      parallel,
      record,
    );
  } else {
    for (const { index, config } of todo) {
      const start = performance.now();
      try {
        const metrics = await trial!(config, { seed: seed + index, index });
        await record({ index, config, metrics, seconds: (performance.now() - start) / 1000 });
      } catch (e) {
        await record({
          index,
          config,
          metrics: {},
          seconds: (performance.now() - start) / 1000,
          error: (e as Error).message,
        });
      }
    }
  }
  rows.sort((a, b) => a.index - b.index);
  return new SearchResults(rows, metric, mode);
}

/** Grid search (the lecture's tuning slide): every combination of the space's values. */
export function gridSearch(
  space: SearchSpace,
  trial: Trial | undefined,
  options: SearchOptions & GridOptions,
): Promise<SearchResults> {
  return runSearch(gridConfigs(space, options), trial, options);
}

/** Random search (Bergstra & Bengio 2012): `trials` independent draws from the space. */
export function randomSearch(
  space: SearchSpace,
  trial: Trial | undefined,
  options: SearchOptions & { trials: number },
): Promise<SearchResults> {
  return runSearch(randomConfigs(space, options.trials, options.seed ?? 0), trial, options);
}
