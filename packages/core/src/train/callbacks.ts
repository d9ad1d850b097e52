/** Callbacks: hooks `fit` calls at the start and end of training, epochs and batches. */
import type { Module } from '../nn/module.js';
import type { Optimizer } from './optimizer.js';

/** Metric values of one epoch: `loss`, `accuracy`, `valLoss`, `valAccuracy`, ... */
export type EpochLogs = Record<string, number>;

/** What callbacks can see and do. */
export interface TrainingContext {
  readonly model: Module;
  readonly optimizer: Optimizer;
  /** Logs of finished epochs. */
  readonly history: readonly EpochLogs[];
  /** Number of epochs requested. */
  readonly epochs: number;
  /** Asks `fit` to stop after the current epoch. */
  stop(reason?: string): void;
}

/** Hooks into the training loop; every hook is optional and may be async. */
export interface Callback {
  onTrainBegin?(ctx: TrainingContext): void | Promise<void>;
  onEpochBegin?(epoch: number, ctx: TrainingContext): void | Promise<void>;
  onBatchEnd?(batch: number, logs: { loss: number; size: number }, ctx: TrainingContext): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: EpochLogs, ctx: TrainingContext): void | Promise<void>;
  onTrainEnd?(ctx: TrainingContext): void | Promise<void>;
}

/** A callback from a function called at the end of every epoch. */
export function onEpochEnd(
  fn: (epoch: number, logs: EpochLogs, ctx: TrainingContext) => void | Promise<void>,
): Callback {
  return { onEpochEnd: fn };
}
