/** EarlyStopping: a `fit` callback that stops training when a monitored metric stops improving, as Keras' EarlyStopping. */
import {
  type Callback,
  type CallbackState,
  checkOptionNames,
  dispose,
  type EpochLogs,
  keep,
  optionNames,
  resolveMetricMode,
  type Tensor,
  type TrainingContext,
  tidy,
  ValueError,
} from '@backprop/core';
import { bool, nonNegative, nonNegativeInt } from './check.js';

/** Options of {@link earlyStopping}. */
export interface EarlyStoppingOptions {
  /** The epoch log to watch (default `'valLoss'`; `fit` writes `loss`, `valLoss`, `accuracy`, `valAccuracy`, ...). */
  monitor?: string;
  /**
   * `'min'` (lower is better, a loss), `'max'` (higher is better, an accuracy), or `'auto'` (default):
   * the direction of the metric named, `'min'` for `loss`, `mse` and `mae`, `'max'` for `accuracy`,
   * `binaryAccuracy`, `logitAccuracy`, `top5Accuracy` (any k), `r2`, `precision`, `recall`, `f1`,
   * `auc` and any name containing "acc" — each also with the `val` prefix (`valR2`). Any other name
   * is a ValueError asking for `'min'` or `'max'`, as Keras 3 raises for a metric it cannot place.
   */
  mode?: 'auto' | 'min' | 'max';
  /** An improvement must exceed this (default 0); Keras' `min_delta`. */
  minDelta?: number;
  /** Epochs without improvement to wait before stopping (default 0). */
  patience?: number;
  /** Put back the weights (and buffers) of the best epoch when training ends (default false; `true` or `false` only). */
  restoreBest?: boolean;
  /** Ignore epochs before this one (0-based), a warm-up; Keras' `start_from_epoch` (default 0). */
  startEpoch?: number;
  /**
   * Only reset the patience counter once the metric beats this value (Keras' `baseline`). Rule
   * `'keras'` only: scikit-learn's MLP has no baseline, so `rule: 'sklearn'` with one is refused.
   */
  baseline?: number;
  /**
   * `'keras'` (default) or `'sklearn'`: scikit-learn's MLP rule, where the counter grows on every epoch
   * that does not beat the best by at least `minDelta`, the best moves on any strict improvement, and
   * training stops once the counter *exceeds* `patience`.
   */
  rule?: 'keras' | 'sklearn';
}

/** Every option of {@link earlyStopping}. */
const EARLY_STOPPING_OPTIONS = optionNames<EarlyStoppingOptions>({
  monitor: true,
  mode: true,
  minDelta: true,
  patience: true,
  restoreBest: true,
  startEpoch: true,
  baseline: true,
  rule: true,
});

/** Keras' names for these options (camel- and snake-case). */
const EARLY_STOPPING_ALIASES = {
  restoreBestWeights: 'restoreBest',
  restore_best_weights: 'restoreBest',
  min_delta: 'minDelta',
  startFromEpoch: 'startEpoch',
  start_from_epoch: 'startEpoch',
};

/**
 * Stops `fit` when `monitor` has not improved for `patience` epochs — Keras' `EarlyStopping` exactly:
 * at each epoch ≥ `startEpoch`, `wait += 1`; if `current` improves on `best` by more than `minDelta`
 * (min: `current + minDelta < best`, max: `current − minDelta > best`), then `best ← current`, the
 * weights are snapshotted and `wait ← 0` (if `baseline` is also beaten); otherwise, once
 * `wait ≥ patience` and epoch > 0, training stops after this epoch. With `restoreBest`, the best epoch's weights
 * are put back at the end of training whether or not it stopped early (Keras 3; tf.keras ≤ 2.10
 * restored only on an early stop). A missing `monitor` key is a ValueError (Keras only warns).
 * Mode `'auto'` reads the direction from the metric's name (see {@link EarlyStoppingOptions.mode})
 * and refuses a name it does not know rather than guess: minimizing an R² or an F1 would stop on
 * its worst epoch and, with `restoreBest`, put those weights back.
 *
 * scikit-learn's MLP (`early_stopping=True, n_iter_no_change=10, tol=1e-4`, best weights restored) is
 * `earlyStopping({ rule: 'sklearn', monitor: 'valAccuracy', patience: 10, minDelta: 1e-4, restoreBest: true })`.
 *
 * @example
 * ```ts
 * import { EarlyStopping } from '@backprop/regularizers';
 *
 * // scikit-learn's MLP early stopping (n_iter_no_change=10, tol=1e-4), for fit's callbacks:
 * const stop = new EarlyStopping({ rule: 'sklearn', monitor: 'valAccuracy', patience: 10, minDelta: 1e-4, restoreBest: true });
 * console.log(stop.mode); // 'max', from the monitored name
 * ```
 */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  readonly minDelta: number;
  readonly patience: number;
  readonly restoreBest: boolean;
  readonly startEpoch: number;
  readonly baseline: number | undefined;
  readonly rule: 'keras' | 'sklearn';
  /** Epochs since the last improvement. */
  wait = 0;
  /** Best value seen (±Infinity before the first). */
  best = Number.POSITIVE_INFINITY;
  /** 0-based epoch of `best` (−1 before the first). */
  bestEpoch = -1;
  /** 0-based epoch at which training was stopped (−1 if it was not). */
  stoppedEpoch = -1;
  #snapshot: Map<string, Tensor> | undefined;
  /** Its name in checkpoints. */
  readonly stateName = 'earlyStopping';

  constructor(options: EarlyStoppingOptions = {}) {
    checkOptionNames('earlyStopping', options, EARLY_STOPPING_OPTIONS, { aliases: EARLY_STOPPING_ALIASES });
    const {
      monitor = 'valLoss',
      mode = 'auto',
      minDelta = 0,
      patience = 0,
      restoreBest = false,
      startEpoch = 0,
      baseline,
      rule = 'keras',
    } = options;
    if (typeof monitor !== 'string' || monitor === '')
      throw new ValueError(`earlyStopping: monitor must be a metric name like 'valLoss', got ${String(monitor)}`);
    if (!['auto', 'min', 'max'].includes(mode))
      throw new ValueError(`earlyStopping: mode must be 'auto', 'min' or 'max', got ${String(mode)}`);
    if (!['keras', 'sklearn'].includes(rule))
      throw new ValueError(`earlyStopping: rule must be 'keras' or 'sklearn', got ${String(rule)}`);
    if (baseline !== undefined && (typeof baseline !== 'number' || Number.isNaN(baseline)))
      throw new ValueError(`earlyStopping: baseline must be a number, got ${String(baseline)}`);
    if (baseline !== undefined && rule === 'sklearn')
      throw new ValueError(
        "earlyStopping: baseline is Keras' option; rule 'sklearn' has none (scikit-learn's MLP has no baseline), so it would be ignored; drop baseline, or use rule 'keras'",
      );
    const direction = resolveMetricMode('earlyStopping', monitor, mode);
    const restore = bool('earlyStopping', 'restoreBest', restoreBest);
    this.monitor = monitor;
    this.mode = direction;
    // NOTE: Keras takes |min_delta| and gives it the direction of the mode, so a negative minDelta is its absolute value.
    this.minDelta = nonNegative(
      'earlyStopping',
      'minDelta',
      typeof minDelta === 'number' ? Math.abs(minDelta) : minDelta,
    );
    this.patience = nonNegativeInt('earlyStopping', 'patience', patience);
    this.startEpoch = nonNegativeInt('earlyStopping', 'startEpoch', startEpoch);
    this.restoreBest = restore;
    this.baseline = baseline;
    this.rule = rule;
    this.#reset();
  }

  #reset(): void {
    this.wait = 0;
    this.best = this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    this.bestEpoch = -1;
    this.stoppedEpoch = -1;
    this.#dropSnapshot();
  }

  /** Keras' `_is_improvement`: `monitor_op(current − min_delta, reference)` with min_delta signed by the mode. */
  #improves(current: number, reference: number): boolean {
    return this.mode === 'min' ? current + this.minDelta < reference : current - this.minDelta > reference;
  }

  onTrainBegin(): void {
    this.#reset();
  }

  onEpochEnd(epoch: number, logs: EpochLogs, ctx: TrainingContext): void {
    const current = logs[this.monitor];
    if (current === undefined) {
      throw new ValueError(
        `earlyStopping: the epoch logs have no "${this.monitor}", got [${Object.keys(logs).join(', ')}]; pass fit a validation set or monitor 'loss'`,
      );
    }
    if (epoch < this.startEpoch) return;
    if (this.rule === 'sklearn') {
      this.#sklearnStep(epoch, current, ctx);
      return;
    }
    if (this.restoreBest && !this.#snapshot) this.#save(ctx, epoch);
    this.wait += 1;
    if (this.#improves(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBest) this.#save(ctx, epoch);
      if (this.baseline === undefined || this.#improves(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) this.#stop(epoch, ctx, current);
  }

  #sklearnStep(epoch: number, current: number, ctx: TrainingContext): void {
    // scikit-learn's _update_no_improvement_count: loss > best − tol (or score < best + tol) counts.
    const beats = this.mode === 'min' ? current <= this.best - this.minDelta : current >= this.best + this.minDelta;
    this.wait = beats ? 0 : this.wait + 1;
    if (this.mode === 'min' ? current < this.best : current > this.best) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBest) this.#save(ctx, epoch);
    }
    if (this.wait > this.patience) this.#stop(epoch, ctx, current);
  }

  #stop(epoch: number, ctx: TrainingContext, current: number): void {
    this.stoppedEpoch = epoch;
    ctx.stop(
      `earlyStopping: ${this.monitor} did not improve by more than ${this.minDelta} for ${this.wait} epochs (now ${current}, best ${this.best} at epoch ${this.bestEpoch + 1})`,
    );
  }

  /** wait, best, bestEpoch, stoppedEpoch and the best weights (with `restoreBest`), for checkpoints. */
  getState(): CallbackState {
    const { wait, best, bestEpoch, stoppedEpoch } = this;
    return { values: { wait, best, bestEpoch, stoppedEpoch }, tensors: this.#snapshot ?? new Map() };
  }

  /** Restores a {@link getState}; checks every value first and keeps its own copies of the weights. */
  setState(state: CallbackState): void {
    const v = state?.values ?? {};
    const int = (x: unknown, min: number) => Number.isSafeInteger(x) && (x as number) >= min;
    if (!int(v.wait, 0) || typeof v.best !== 'number' || !int(v.bestEpoch, -1) || !int(v.stoppedEpoch, -1))
      throw new ValueError(
        `earlyStopping.setState: expected { wait: integer ≥ 0, best: number, bestEpoch, stoppedEpoch: integers ≥ −1 }, got ${JSON.stringify(v)}`,
      );
    const tensors = state.tensors ?? new Map<string, Tensor>();
    for (const [k, t] of tensors) t.assertLive(`earlyStopping.setState (${k})`);
    const copy = tensors.size > 0 ? tidy(() => new Map([...tensors].map(([k, t]) => [k, keep(t.add(0))]))) : undefined;
    this.#dropSnapshot();
    this.#snapshot = copy;
    this.wait = v.wait as number;
    this.best = v.best;
    this.bestEpoch = v.bestEpoch as number;
    this.stoppedEpoch = v.stoppedEpoch as number;
  }

  onTrainEnd(ctx: TrainingContext): void {
    if (this.restoreBest && this.#snapshot) {
      ctx.model.loadStateDict(this.#snapshot);
      ctx.log?.(`earlyStopping: restored the weights of epoch ${this.bestEpoch + 1} (${this.monitor} ${this.best})`);
    }
    this.#dropSnapshot();
  }

  #save(ctx: TrainingContext, epoch: number): void {
    // The state dict holds live tensors that training replaces and disposes: copy them.
    const copy = tidy(() => new Map([...ctx.model.stateDict()].map(([k, t]) => [k, keep(t.add(0))])));
    this.#dropSnapshot();
    this.#snapshot = copy;
    if (this.bestEpoch < 0) this.bestEpoch = epoch;
  }

  #dropSnapshot(): void {
    if (this.#snapshot) dispose([...this.#snapshot.values()]);
    this.#snapshot = undefined;
  }
}

/**
 * Early stopping for `fit`: `callbacks: [earlyStopping({ patience: 5, restoreBest: true })]`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { fit, losses, nn, setBackend, tensor } from '@backprop/core';
 * import { adam } from '@backprop/optimizers';
 * import { earlyStopping } from '@backprop/regularizers';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(1, 1));
 * const callbacks = [earlyStopping({ monitor: 'loss', patience: 5, restoreBest: true })];
 * await fit(model, tensor([[1], [2]]), tensor([[2], [4]]), { loss: losses.mse, optimizer: adam(), epochs: 500, callbacks, verbose: false });
 * ```
 * @throws ValueError for an unknown mode or rule, mode 'auto' with a monitor whose direction it does not know, a
 * non-finite minDelta, a patience or startEpoch that is not an integer ≥ 0, or a restoreBest that is not true or false.
 */
export const earlyStopping = (options?: EarlyStoppingOptions): EarlyStopping => new EarlyStopping(options);
