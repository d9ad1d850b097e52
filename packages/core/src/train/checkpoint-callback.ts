/**
 * A callback that saves checkpoints: model, optimizer state, epoch and the random generator,
 * every N epochs and whenever a monitored metric improves. Resume with `resumeFrom`, then
 * `fit(..., { initialEpoch })`: the run continues exactly where it stopped.
 */
import { ValueError } from '../errors.js';
import { loadCheckpoint, saveCheckpoint } from '../io/checkpoint.js';
import type { Module } from '../nn/module.js';
import { getRandomState, setRandomState } from '../ops/random.js';
import type { Callback, EpochLogs } from './callbacks.js';
import type { Optimizer } from './optimizer.js';

/** What a saved checkpoint is for. */
export interface CheckpointInfo {
  /** Epochs finished (resume with `initialEpoch: epoch`). */
  epoch: number;
  /** 'every' for the periodic save, 'best' when the monitored metric improved. */
  reason: 'every' | 'best';
  logs: EpochLogs;
}

/** Options of {@link checkpoint}. */
export interface CheckpointOptions {
  /** Receives the safetensors bytes (write them to a file, IndexedDB, ...). */
  save: (bytes: Uint8Array, info: CheckpointInfo) => void | Promise<void>;
  /** Save every this many epochs (0: never periodically). Default 1. */
  every?: number;
  /** Also save when this metric improves (e.g. 'valLoss'). */
  monitor?: string;
  /** Whether smaller or larger is better for `monitor` (default: 'max' for names containing "acc", else 'min'). */
  mode?: 'min' | 'max';
}

/** Saves checkpoints during `fit`. */
export function checkpoint({ save, every = 1, monitor, mode }: CheckpointOptions): Callback {
  if (!Number.isInteger(every) || every < 0)
    throw new ValueError(`checkpoint: every must be a non-negative integer, got ${every}`);
  const better =
    (mode ?? (monitor && /acc/i.test(monitor) ? 'max' : 'min')) === 'max'
      ? (a: number, b: number) => a > b
      : (a: number, b: number) => a < b;
  let best: number | undefined;
  return {
    async onEpochEnd(epoch, logs, ctx) {
      const done = epoch + 1;
      const write = async (reason: CheckpointInfo['reason']) => {
        const bytes = await saveCheckpoint(ctx.model, ctx.optimizer, {
          epoch: String(done),
          random: JSON.stringify(getRandomState()),
          lr: String(ctx.optimizer.lr),
        });
        await save(bytes, { epoch: done, reason, logs });
      };
      if (monitor !== undefined) {
        const value = logs[monitor];
        if (value === undefined)
          throw new ValueError(`checkpoint: metric "${monitor}" is not in the logs (${Object.keys(logs).join(', ')})`);
        if (best === undefined || better(value, best)) {
          best = value;
          await write('best');
        }
      }
      if (every > 0 && done % every === 0) await write('every');
    },
  };
}

/** Restores a checkpoint into `model` and `optimizer` and the random generator; returns the epoch to resume from. */
export function resumeFrom(bytes: Uint8Array, model: Module, optimizer: Optimizer): number {
  const meta = loadCheckpoint(bytes, model, optimizer);
  if (meta.random) setRandomState(JSON.parse(meta.random));
  if (meta.lr) optimizer.lr = Number(meta.lr);
  const epoch = Number(meta.epoch);
  if (!Number.isInteger(epoch) || epoch < 0)
    throw new ValueError(`resumeFrom: the checkpoint has no epoch (metadata ${JSON.stringify(meta)})`);
  return epoch;
}
