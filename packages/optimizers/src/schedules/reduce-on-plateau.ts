/** `reduceOnPlateau`: PyTorch's ReduceLROnPlateau as a fit callback reading a validation metric. */
import {
  type Callback,
  checkOptionNames,
  type EpochLogs,
  formatValue,
  type Optimizer,
  optionNames,
  resolveMetricMode,
  type TrainingContext,
  ValueError,
} from '@backprop/core';
import { learningRateGroups } from './schedule.js';

/** Options of {@link reduceOnPlateau}; defaults are PyTorch's, except `mode` (read from the monitored name). */
export interface ReduceOnPlateauOptions {
  /** The epoch log to watch (default `'valLoss'`). */
  monitor?: string;
  /**
   * `'min'`: lower is better; `'max'`: higher is better; `'auto'` (default): read from the monitored
   * name (core's `metricMode`: min for `valLoss`, max for `valAccuracy`, `valF1`, …), and a name it
   * cannot place is a ValueError asking for the mode. (PyTorch's default, `'min'`, would cut the rate
   * whenever an accuracy improved.)
   */
  mode?: 'auto' | 'min' | 'max';
  /** Multiply rates by this on a plateau (default 0.1; must be < 1). */
  factor?: number;
  /** Epochs without improvement tolerated (default 10). */
  patience?: number;
  /** Improvement needed to count (default 1e-4). */
  threshold?: number;
  /** `'rel'` (default): best·(1 ∓ threshold); `'abs'`: best ∓ threshold. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** Lower bound of the rates (default 0). */
  minLr?: number;
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
}

/** The callback, with manual stepping. */
export interface PlateauScheduler extends Callback {
  /** Feeds one metric value (what the callback does at each epoch end). */
  step(metric: number): void;
  readonly best: number;
  readonly numBadEpochs: number;
}

/**
 * Divides the learning rates by 1/`factor` when `monitor` (default `valLoss`) has not improved
 * for more than `patience` epochs, exactly as PyTorch's ReduceLROnPlateau: each group's rate
 * becomes max(lr·factor, minLr) if that lowers it by more than `eps`; then `cooldown` epochs
 * are not counted. Needs `fit`'s `validation` for `valLoss`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { fit, losses, nn, setBackend, tensor } from '@backprop/core';
 * import { adam, reduceOnPlateau } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(1, 1));
 * const optimizer = adam({ lr: 1e-2 });
 * const plateau = reduceOnPlateau(optimizer, { monitor: 'loss', factor: 0.5, patience: 3 });
 * await fit(model, tensor([[1]]), tensor([[2]]), { loss: losses.mse, optimizer, epochs: 20, callbacks: [plateau], verbose: false });
 * ```
 */
export function reduceOnPlateau(optimizer: Optimizer, options: ReduceOnPlateauOptions = {}): PlateauScheduler {
  checkOptionNames(
    'reduceOnPlateau',
    options,
    optionNames<ReduceOnPlateauOptions>({
      monitor: true,
      mode: true,
      factor: true,
      patience: true,
      threshold: true,
      thresholdMode: true,
      cooldown: true,
      minLr: true,
      eps: true,
    }),
    { aliases: { min_lr: 'minLr', threshold_mode: 'thresholdMode', minDelta: 'threshold', min_delta: 'threshold' } },
  );
  const {
    monitor = 'valLoss',
    mode: givenMode = 'auto',
    factor = 0.1,
    patience = 10,
    threshold = 1e-4,
    thresholdMode = 'rel',
    cooldown = 0,
    minLr = 0,
    eps = 1e-8,
  } = options;
  if (!(factor < 1 && factor >= 0))
    throw new ValueError(`reduceOnPlateau: factor must be in [0, 1), got ${formatValue(factor)}`);
  const mode = resolveMetricMode('reduceOnPlateau', monitor, givenMode);
  if (thresholdMode !== 'rel' && thresholdMode !== 'abs')
    throw new ValueError(`reduceOnPlateau: thresholdMode must be 'rel' or 'abs', got ${String(thresholdMode)}`);
  for (const [name, v] of Object.entries({ patience, cooldown })) {
    if (!Number.isInteger(v) || v < 0)
      throw new ValueError(`reduceOnPlateau: ${name} must be an integer ≥ 0, got ${formatValue(v)}`);
  }
  for (const [name, v] of Object.entries({ threshold, minLr, eps })) {
    if (!Number.isFinite(v) || v < 0)
      throw new ValueError(`reduceOnPlateau: ${name} must be a finite number ≥ 0, got ${formatValue(v)}`);
  }
  const groups = learningRateGroups('reduceOnPlateau', optimizer);
  let best = mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  let bad = 0;
  let cooling = 0;
  let why: string | undefined;
  const isBetter = (a: number): boolean => {
    if (mode === 'min') return thresholdMode === 'rel' ? a < best * (1 - threshold) : a < best - threshold;
    return thresholdMode === 'rel' ? a > best * (threshold + 1) : a > best + threshold;
  };
  const s: PlateauScheduler = {
    stateName: 'reduceOnPlateau',
    monitor,
    getState: () => ({ values: { best, bad, cooling } }),
    setState(state) {
      const v = state?.values ?? {};
      if (
        typeof v.best !== 'number' ||
        !Number.isSafeInteger(v.bad) ||
        !Number.isSafeInteger(v.cooling) ||
        (v.bad as number) < 0 ||
        (v.cooling as number) < 0
      )
        throw new ValueError(
          `reduceOnPlateau.setState: expected { best: number, bad: integer ≥ 0, cooling: integer ≥ 0 }, got ${JSON.stringify(v)}`,
        );
      best = v.best;
      bad = v.bad as number;
      cooling = v.cooling as number;
    },
    get best() {
      return best;
    },
    get numBadEpochs() {
      return bad;
    },
    step(metric: number) {
      if (typeof metric !== 'number')
        throw new ValueError(`reduceOnPlateau: the metric must be a number, got ${typeof metric}`);
      if (isBetter(metric)) {
        best = metric;
        bad = 0;
      } else bad++;
      if (cooling > 0) {
        cooling--;
        bad = 0;
      }
      if (bad > patience) {
        for (const g of groups) {
          const next = Math.max(g.lr * factor, minLr);
          if (g.lr - next > eps) {
            why = `reduceOnPlateau: ${monitor} has not improved on ${best} for ${bad} epochs`;
            g.lr = next;
          }
        }
        cooling = cooldown;
        bad = 0;
      }
    },
    onEpochEnd(_epoch: number, logs: EpochLogs, ctx?: TrainingContext) {
      const v = logs[monitor];
      if (v === undefined) {
        throw new ValueError(
          `reduceOnPlateau: no "${monitor}" in the epoch logs, got ${Object.keys(logs).join(', ')}; pass fit a validation set or set monitor`,
        );
      }
      s.step(v);
      if (why) ctx?.log?.(why);
      why = undefined;
    },
  };
  return s;
}
