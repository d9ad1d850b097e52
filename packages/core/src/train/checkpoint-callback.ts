/**
 * A callback that saves checkpoints of the whole training state — model, optimizer, stateful
 * callbacks, generators and the position in the data — every N epochs, every N batches, and
 * whenever a monitored metric improves. Resume with `fit(model, data, { ...options, resume: bytes })`.
 */

import { ValueError } from '../errors.js';
import { checkOptionNames, optionNames } from '../validate.js';
import type { Callback, EpochLogs } from './callbacks.js';
import { resolveMetricMode } from './metric-mode.js';

/** What a saved checkpoint is for. */
export interface CheckpointInfo {
  /** Epochs finished. */
  epoch: number;
  /** Batches of the next epoch finished (0 at an epoch's end). */
  batch: number;
  /** 'every' for an epoch save, 'batch' for a save within an epoch, 'best' when the monitored metric improved. */
  reason: 'every' | 'batch' | 'best';
  /** The epoch's logs (undefined for a save within an epoch). */
  logs: EpochLogs | undefined;
}

/** Options of {@link checkpoint}. */
export interface CheckpointOptions {
  /** Receives the safetensors bytes (write them to a file, IndexedDB, ...). */
  save: (bytes: Uint8Array, info: CheckpointInfo) => void | Promise<void>;
  /** Save every this many epochs (0: never at epoch ends). Default 1. */
  every?: number;
  /** Also save every this many batches within an epoch (default 0: never). */
  everyBatches?: number;
  /** Also save when this metric improves (e.g. 'valLoss'). */
  monitor?: string;
  /**
   * Whether smaller or larger is better for `monitor`; `'auto'` (default) reads it from the name
   * (`metricMode`: min for `valLoss`, max for `valAccuracy`, `valR2`, `valF1`, …) and refuses a name it
   * cannot place, since saving the lowest R² as the best would keep the worst weights.
   */
  mode?: 'auto' | 'min' | 'max';
}

const count = (name: string, v: number): number => {
  if (!Number.isInteger(v) || v < 0)
    throw new ValueError(`checkpoint: ${name} must be an integer ≥ 0, got ${JSON.stringify(v)}`);
  return v;
};

/**
 * Saves checkpoints during `fit`. It runs after every other callback (`runsLast`), so the saved
 * state already includes this epoch's scheduler step and early-stopping update, and its own
 * best value is saved too: a resumed run saves exactly the checkpoints the straight run would.
 *
 * @example
 * ```ts
 * import { writeFile } from 'node:fs/promises';
 * import { cpu } from '@backprop/backend-cpu';
 * import { checkpoint, fit, losses, nn, setBackend, tensor } from '@backprop/core';
 * import { adam } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(1, 1));
 * const save = checkpoint({ save: (bytes, info) => writeFile(`run-${info.epoch}.ckpt`, bytes), monitor: 'loss' });
 * await fit(model, tensor([[1]]), tensor([[2]]), { loss: losses.mse, optimizer: adam(), epochs: 3, callbacks: [save], verbose: false });
 * ```
 */
export function checkpoint(options: CheckpointOptions): Callback {
  checkOptionNames(
    'checkpoint',
    options,
    optionNames<CheckpointOptions>({ save: true, every: true, everyBatches: true, monitor: true, mode: true }),
  );
  const { save, every = 1, everyBatches = 0, monitor, mode } = options;
  if (typeof save !== 'function') throw new ValueError('checkpoint: save must be a function (bytes, info) => …');
  count('every', every);
  count('everyBatches', everyBatches);
  if (mode !== undefined && monitor === undefined)
    throw new ValueError(
      `checkpoint: mode ${JSON.stringify(mode)} needs monitor, the metric whose best value it saves`,
    );
  const better =
    monitor !== undefined && resolveMetricMode('checkpoint', monitor, mode ?? 'auto') === 'max'
      ? (a: number, b: number) => a > b
      : (a: number, b: number) => a < b;
  let best: number | null = null;
  return {
    runsLast: true,
    stateName: 'checkpoint',
    ...(monitor !== undefined ? { monitor } : {}),
    getState: () => ({ values: { best } }),
    setState({ values }) {
      const b = values?.best;
      if (b !== null && typeof b !== 'number')
        throw new ValueError(`checkpoint.setState: best must be a number or null, got ${JSON.stringify(b)}`);
      best = b;
    },
    onTrainBegin() {
      best = null;
    },
    async onBatchEnd(_batch, _logs, ctx) {
      const { epoch, batch } = ctx.state.position;
      if (everyBatches > 0 && batch % everyBatches === 0 && ctx.state.progress.seen > 0)
        await save(await ctx.state.save(), { epoch, batch, reason: 'batch', logs: undefined });
    },
    async onEpochEnd(epoch, logs, ctx) {
      const done = epoch + 1;
      const write = async (reason: CheckpointInfo['reason']) =>
        save(await ctx.state.save(), { epoch: done, batch: 0, reason, logs });
      if (monitor !== undefined) {
        const value = logs[monitor];
        if (value === undefined)
          throw new ValueError(`checkpoint: metric "${monitor}" is not in the logs (${Object.keys(logs).join(', ')})`);
        if (best === null || better(value, best)) {
          best = value;
          await write('best');
        }
      }
      if (every > 0 && done % every === 0) await write('every');
    },
  };
}
