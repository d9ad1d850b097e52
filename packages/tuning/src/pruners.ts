/**
 * Pruners: stop unpromising trials early from the values they report each epoch. Asynchronous
 * successive halving (ASHA, Li et al. 2020), Hyperband on top of it (Li et al. 2018), and the
 * median stopping rule (Golovin et al. 2017, Google Vizier). The decision rules follow Optuna's
 * `SuccessiveHalvingPruner`, `HyperbandPruner` and `MedianPruner`.
 */
import { checkOptionNames, formatValue, optionNames, ValueError } from '@backprop/core';
import type { TrialStatus } from './results.js';

/** The state of one pruner in one search. */
export interface PrunerState {
  /** Trial `index` reached `epoch` (from 1) with `value` of the search's metric; true stops it. */
  report(index: number, epoch: number, value: number): boolean;
  /** Trial `index` ended; `ok` trials become the reference the median rule compares against. */
  finish(index: number, status: TrialStatus): void;
}

/** What a pruner is made from, as JSON (a distributed search stores it in the database). */
export type PrunerSpec =
  | { kind: 'successiveHalving'; options: SuccessiveHalvingOptions }
  | { kind: 'hyperband'; options: HyperbandOptions }
  | { kind: 'medianStopping'; options: MedianStoppingOptions };

/** A pruning rule; the search makes a fresh state from it, so one pruner can serve many searches. */
export interface Pruner {
  readonly name: string;
  /** The function and options that made it. */
  readonly spec: PrunerSpec;
  create(direction: 'min' | 'max'): PrunerState;
}

/** Makes the pruner a spec describes. */
export function prunerFromSpec(spec: PrunerSpec): Pruner {
  switch (spec?.kind) {
    case 'successiveHalving':
      return successiveHalving(spec.options);
    case 'hyperband':
      return hyperband(spec.options);
    case 'medianStopping':
      return medianStopping(spec.options);
    default:
      throw new ValueError(`prunerFromSpec: unknown pruner ${formatValue(spec)}`);
  }
}

function positiveInt(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw new ValueError(`${op}: ${name} must be a positive integer, got ${formatValue(v)}`);
  return v;
}

function nonNegativeInt(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    throw new ValueError(`${op}: ${name} must be a non-negative integer, got ${formatValue(v)}`);
  return v;
}

/** Options of {@link successiveHalving}. */
export interface SuccessiveHalvingOptions {
  /** Epochs every trial gets before its first comparison (r, default 1). */
  minResource?: number;
  /** Epochs of a full trial (R); no comparison is made at or past it. Default: no limit. */
  maxResource?: number;
  /** η (default 3): a rung keeps the best 1/η of the trials that reached it. */
  reductionFactor?: number;
  /** s (default 0): the first rung is at r·η^s epochs. */
  minEarlyStoppingRate?: number;
}

/** `v` when it is a number other than NaN; undefined for NaN and for anything else (null from JSON). */
function asNumber(v: unknown): number | undefined {
  return typeof v === 'number' && !Number.isNaN(v) ? v : undefined;
}

/** Optuna's promotion rule: keep the trial if it is in the top ⌊n/η⌋ (top 1 while n < η) of its rung. */
function promotable(value: number, rung: readonly number[], eta: number, direction: 'min' | 'max'): boolean {
  if (Number.isNaN(value)) return false;
  const finite = rung.map((v) => (Number.isNaN(v) ? (direction === 'min' ? Infinity : -Infinity) : v));
  const k = Math.max(Math.floor(finite.length / eta), 1);
  const sorted = [...finite].sort((a, b) => a - b);
  return direction === 'min' ? value <= sorted[k - 1] : value >= sorted[sorted.length - k];
}

function ashaState(
  o: Required<Omit<SuccessiveHalvingOptions, 'maxResource'>> & { maxResource?: number },
  direction: 'min' | 'max',
) {
  const rungs: number[][] = [];
  const passed = new Map<number, number>();
  const rungEpoch = (k: number) => o.minResource * o.reductionFactor ** (o.minEarlyStoppingRate + k);
  return {
    report(index: number, epoch: number, value: number): boolean {
      let k = passed.get(index) ?? 0;
      while (epoch >= rungEpoch(k) && (o.maxResource === undefined || rungEpoch(k) < o.maxResource)) {
        rungs[k] ??= [];
        // As Optuna: a NaN (or anything not a number, e.g. a null read back from JSON) at a rung
        // prunes the trial without entering the rung, so a diverged trial changes no later decision.
        if (asNumber(value) === undefined) {
          passed.set(index, k + 1);
          return true;
        }
        rungs[k].push(value);
        if (!promotable(value, rungs[k], o.reductionFactor, direction)) {
          passed.set(index, k + 1);
          return true;
        }
        k++;
      }
      passed.set(index, k);
      return false;
    },
    finish() {},
  };
}

function checkHalving(op: string, o: SuccessiveHalvingOptions) {
  checkOptionNames(
    op,
    o,
    op === 'hyperband'
      ? optionNames<HyperbandOptions>({ minResource: true, maxResource: true, reductionFactor: true })
      : optionNames<SuccessiveHalvingOptions>({
          minResource: true,
          maxResource: true,
          reductionFactor: true,
          minEarlyStoppingRate: true,
        }),
    {
      aliases: {
        eta: 'reductionFactor',
        reduction_factor: 'reductionFactor',
        min_resource: 'minResource',
        max_resource: 'maxResource',
      },
    },
  );
  const minResource = positiveInt(op, 'minResource', o.minResource ?? 1);
  const reductionFactor = o.reductionFactor ?? 3;
  if (typeof reductionFactor !== 'number' || !Number.isFinite(reductionFactor) || reductionFactor < 2)
    throw new ValueError(`${op}: reductionFactor must be a number ≥ 2, got ${formatValue(reductionFactor)}`);
  const minEarlyStoppingRate = nonNegativeInt(op, 'minEarlyStoppingRate', o.minEarlyStoppingRate ?? 0);
  const maxResource = o.maxResource === undefined ? undefined : positiveInt(op, 'maxResource', o.maxResource);
  if (maxResource !== undefined && maxResource < minResource)
    throw new ValueError(`${op}: maxResource (${maxResource}) must be ≥ minResource (${minResource})`);
  return { minResource, reductionFactor, minEarlyStoppingRate, maxResource };
}

/**
 * Asynchronous successive halving (ASHA): rungs at r·η^(s+k) epochs; a trial reaching a rung goes
 * on only if its value there is among the best ⌊n/η⌋ of the n trials that reached that rung so far
 * (the best one while n < η). Trials are never paused, so it works with any number of workers.
 *
 * @example
 * ```ts
 * import { logUniform, randomSearch, successiveHalving } from '@backprop/tuning';
 *
 * const results = await randomSearch(
 *   { lr: logUniform(1e-3, 1) },
 *   async (config, { report }) => {
 *     let loss = 1;
 *     for (let epoch = 1; epoch <= 9; epoch++) {
 *       loss *= 1 - Number(config.lr) / 2; // stands for one epoch of training
 *       if (await report(epoch, loss)) break; // the pruner stopped this trial
 *     }
 *     return { loss };
 *   },
 *   { metric: 'loss', trials: 9, pruner: successiveHalving({ minResource: 1, maxResource: 9, reductionFactor: 3 }), verbose: false },
 * );
 * console.log(results.withStatus('pruned').length); // 6 of the 9 trials
 * ```
 */
export function successiveHalving(options: SuccessiveHalvingOptions = {}): Pruner {
  const o = checkHalving('successiveHalving', options);
  return {
    name: 'successiveHalving',
    spec: { kind: 'successiveHalving', options: { ...options } },
    create: (direction) => ashaState(o, direction),
  };
}

/** Options of {@link hyperband}. */
export interface HyperbandOptions {
  /** Epochs a trial of the most aggressive bracket gets before its first comparison (default 1). */
  minResource?: number;
  /** Epochs of a full trial. */
  maxResource: number;
  /** η (default 3). */
  reductionFactor?: number;
}

/**
 * Hyperband: ⌊log_η(R/r)⌋ + 1 brackets of successive halving, bracket s starting its rungs at
 * r·η^s epochs, so a search hedges between stopping early and letting trials run. The last
 * bracket never prunes when R/r is a power of η (its first rung is R itself); otherwise its single
 * rung lies below R (R = 10, r = 1, η = 3: at 9 epochs) and it prunes there. Trial i goes to bracket i mod (number of brackets); trials compete only
 * within their bracket.
 *
 * @example
 * ```ts
 * import { hyperband, logUniform, randomSearch } from '@backprop/tuning';
 *
 * const pruner = hyperband({ minResource: 1, maxResource: 9, reductionFactor: 3 }); // 3 brackets
 * const results = await randomSearch(
 *   { lr: logUniform(1e-3, 1) },
 *   async (config, { report }) => {
 *     let loss = 1;
 *     for (let epoch = 1; epoch <= 9; epoch++) {
 *       loss *= 1 - Number(config.lr) / 2;
 *       if (await report(epoch, loss)) break;
 *     }
 *     return { loss };
 *   },
 *   { metric: 'loss', trials: 12, pruner, verbose: false },
 * );
 * console.log(results.best.status); // 'ok': pruned trials are never the best
 * ```
 */
export function hyperband(options: HyperbandOptions): Pruner {
  const o = checkHalving('hyperband', options);
  if (o.maxResource === undefined) throw new ValueError('hyperband: maxResource (epochs of a full trial) is required');
  const brackets = Math.floor(Math.log(o.maxResource / o.minResource) / Math.log(o.reductionFactor) + 1e-9) + 1;
  return {
    name: 'hyperband',
    spec: { kind: 'hyperband', options: { ...options } },
    create(direction) {
      const states = Array.from({ length: brackets }, (_, s) =>
        ashaState({ ...o, minEarlyStoppingRate: s }, direction),
      );
      return {
        report: (index, epoch, value) => states[index % brackets].report(index, epoch, value),
        finish() {},
      };
    },
  };
}

/** Options of {@link medianStopping}. */
export interface MedianStoppingOptions {
  /** No trial is stopped at or before this epoch (default 0). */
  warmupEpochs?: number;
  /** Completed trials needed before any trial is stopped (default 5, as Optuna's MedianPruner). */
  startupTrials?: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The median stopping rule: after the warm-up, stop a trial whose best value so far is worse than
 * the median of the values that completed trials reported at the same epoch.
 *
 * @example
 * ```ts
 * import { medianStopping, randomSearch, uniform } from '@backprop/tuning';
 *
 * const results = await randomSearch(
 *   { rate: uniform(0.05, 0.5) },
 *   async (config, { report }) => {
 *     let valLoss = 1;
 *     for (let epoch = 1; epoch <= 10; epoch++) {
 *       valLoss *= 1 - Number(config.rate);
 *       if (await report(epoch, valLoss)) break;
 *     }
 *     return { valLoss };
 *   },
 *   { metric: 'valLoss', trials: 10, pruner: medianStopping({ warmupEpochs: 2, startupTrials: 3 }), verbose: false },
 * );
 * console.log(results.withStatus('pruned').map((r) => r.stoppedEpoch)); // the epochs the slow trials stopped at
 * ```
 */
export function medianStopping(options: MedianStoppingOptions = {}): Pruner {
  checkOptionNames(
    'medianStopping',
    options,
    optionNames<MedianStoppingOptions>({ warmupEpochs: true, startupTrials: true }),
    {
      aliases: { n_warmup_steps: 'warmupEpochs', n_startup_trials: 'startupTrials' },
    },
  );
  const warmupEpochs = nonNegativeInt('medianStopping', 'warmupEpochs', options.warmupEpochs ?? 0);
  const startupTrials = nonNegativeInt('medianStopping', 'startupTrials', options.startupTrials ?? 5);
  return {
    name: 'medianStopping',
    spec: { kind: 'medianStopping', options: { ...options } },
    create(direction) {
      const curves = new Map<number, Map<number, number>>();
      const completed: Map<number, number>[] = [];
      const better = (a: number, b: number) => (direction === 'min' ? a < b : a > b);
      return {
        report(index, epoch, value) {
          const curve = curves.get(index) ?? new Map<number, number>();
          curves.set(index, curve);
          // Anything not a number (a null read back from JSON) counts as NaN, never as 0.
          curve.set(epoch, asNumber(value) ?? Number.NaN);
          if (completed.length < startupTrials || epoch <= warmupEpochs) return false;
          const atEpoch = completed.map((c) => c.get(epoch)).filter((v): v is number => asNumber(v) !== undefined);
          if (atEpoch.length === 0) return false;
          let best = Number.NaN;
          for (const v of curve.values()) if (!Number.isNaN(v) && (Number.isNaN(best) || better(v, best))) best = v;
          if (Number.isNaN(best)) return true;
          return better(median(atEpoch), best);
        },
        finish(index, status) {
          const curve = curves.get(index);
          curves.delete(index);
          if (status === 'ok' && curve) completed.push(curve);
        },
      };
    },
  };
}
