/** Callbacks: hooks `fit` calls at the start and end of training, epochs and batches. */
import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor.js';
import type { Optimizer } from './optimizer.js';
import type { TrainingState } from './training-state.js';

/**
 * What one epoch measured, as Keras' epoch logs: the mean training `loss`, each metric under its
 * name (`accuracy`, `top5Accuracy`, …), the same on the validation data `val`-prefixed
 * (`valLoss`, `valAccuracy`, … with `validation`), and `lr`, the learning rate of the optimizer's
 * first parameter group at the end of the epoch (when it has one). `Names` are the metric names
 * (`fit` infers them from `metrics`); every other key reads as a number too.
 */
export type EpochLogs<Names extends string = string> = {
  /**
   * Mean training loss over the epoch's examples (penalties included). `valLoss` is the data loss
   * alone, as `evaluate` computes it and as a PyTorch loop usually does; Keras adds the
   * regularization losses to `val_loss` too, so the two differ by the penalty.
   */
  loss: number;
  /** The learning rate of the first parameter group at the end of the epoch, when the optimizer has one. */
  lr?: number;
} & { [K in Names | `val${Capitalize<Names>}` | 'valLoss']: number } & Record<string, number>;

/** A host value a stateful callback saves: numbers (±Infinity and NaN included), strings, flags, null. */
export type StateValue = number | string | boolean | null;

/** A callback's state in a checkpoint: host values, and tensors (early stopping's best weights). */
export interface CallbackState {
  readonly values: Readonly<Record<string, StateValue>>;
  readonly tensors?: ReadonlyMap<string, Tensor>;
}

/** What callbacks can see and do. */
export interface TrainingContext {
  readonly model: Module;
  readonly optimizer: Optimizer;
  /** Logs of finished epochs. */
  readonly history: readonly EpochLogs[];
  /** Number of epochs requested. */
  readonly epochs: number;
  /**
   * The whole training state (for checkpoints: `await ctx.state.save()`). A callback of your own
   * that saves it at a hook should set `runsLast: true`, as `checkpoint()` does, so it saves the
   * state the other callbacks leave at that hook (a scheduler already stepped); saved earlier, a
   * resumed run would be one step behind them.
   */
  readonly state: TrainingState;
  /** Asks `fit` to stop after the current epoch; `fit` prints the reason (when verbose) and returns it as `stopReason`. */
  stop(reason?: string): void;
  /**
   * Prints a line through `fit`'s progress output (when `verbose`), prefixed with the epoch
   * during one: say when a callback changes training — restores weights, changes a rate and why.
   * Optional, so contexts made by hand need not have it: call it as `ctx.log?.(message)`.
   */
  log?(message: string): void;
}

/**
 * Hooks into the training loop; every hook is optional and may be async. A callback whose
 * behaviour depends on what it saw (a scheduler's step count, early stopping's best value)
 * names itself with `stateName` and implements `getState` / `setState`, so checkpoints save it
 * and a resumed run continues exactly.
 */
export interface Callback {
  onTrainBegin?(ctx: TrainingContext): void | Promise<void>;
  /**
   * Called when an epoch begins, and again for the epoch a resumed run continues in the middle
   * of (then `ctx.state.position.batch` > 0): what it sets outside the training state, such as a
   * layer frozen or unfrozen with `p.trainable`, is not in a checkpoint. A stateful callback's
   * state is restored as saved, after this hook had run for that epoch: count epochs in
   * `onEpochEnd`, or make `onEpochBegin` depend on `epoch` only.
   */
  onEpochBegin?(epoch: number, ctx: TrainingContext): void | Promise<void>;
  onBatchEnd?(batch: number, logs: { loss: number; size: number }, ctx: TrainingContext): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: EpochLogs, ctx: TrainingContext): void | Promise<void>;
  onTrainEnd?(ctx: TrainingContext): void | Promise<void>;
  /**
   * Run after every other callback at each hook (`fit` does this for checkpoints, so they save
   * the state the others left: a scheduler already stepped, early stopping already updated).
   */
  readonly runsLast?: boolean;
  /**
   * The epoch-log key the callback reads in `onEpochEnd` (`'valLoss'`, `'valAccuracy'`, …), when it
   * watches one, as early stopping, a plateau scheduler and `checkpoint({ monitor })` do. `fit`
   * checks it before the first step against the keys its epoch logs will have: monitoring
   * `'valLoss'` without a validation set, or a metric that was not asked for, is a ValueError
   * before anything trains instead of one when the first epoch ends. While the list holds a
   * callback of your own with `onEpochEnd` (no `monitor`, no `stateName`), which may add keys to
   * the logs itself, monitors are looked up when the epoch ends instead.
   */
  readonly monitor?: string;
  /** A stable name checked when a checkpoint is restored ('scheduler', 'earlyStopping'). */
  readonly stateName?: string;
  /** The callback's state; its tensors stay the callback's own (do not dispose them). */
  getState?(): CallbackState;
  /**
   * Restores a state from `getState`: checks it whole before changing anything, throws a typed
   * error naming the bad value, and keeps its own references to the tensors.
   */
  setState?(state: CallbackState): void;
}

/**
 * A callback from a function called at the end of every epoch.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { fit, losses, nn, onEpochEnd, setBackend, tensor } from '@backprop/core';
 * import { adam } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(1, 1));
 * const log = onEpochEnd((epoch, logs) => console.log(epoch, logs.loss)); // epochs count from 0
 * await fit(model, tensor([[1]]), tensor([[2]]), { loss: losses.mse, optimizer: adam(), epochs: 3, callbacks: [log], verbose: false });
 * ```
 */
export function onEpochEnd(
  fn: (epoch: number, logs: EpochLogs, ctx: TrainingContext) => void | Promise<void>,
): Callback {
  return { onEpochEnd: fn };
}
