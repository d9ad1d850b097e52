/** `scheduler`: a fit callback that sets an optimizer's learning rates from a schedule, per epoch or per step. */
import {
  type Callback,
  type CallbackState,
  checkOptionNames,
  type Optimizer,
  optionNames,
  ValueError,
} from '@backprop/core';
import { learningRateGroups, type Schedule } from './schedule.js';

/** Options of {@link scheduler}. */
export interface SchedulerOptions {
  /** Advance after every epoch (default, PyTorch's convention) or after every optimizer step. */
  per?: 'epoch' | 'step';
}

/** A scheduler: a callback for `fit`, plus manual stepping and its own state. */
export interface Scheduler extends Callback {
  /** Epochs or steps counted so far (k). */
  readonly k: number;
  /** Advances k by one and sets the rates (what the callback does; call it in hand-written loops). */
  step(): void;
  /** k, for checkpoints (`fit` saves it with the training state). */
  getState(): CallbackState;
  /** Restores k (the learning rates are restored with the optimizer's state). */
  setState(state: CallbackState): void;
}

/**
 * Drives `optimizer`'s learning rate by `schedule`: every group's rate becomes
 * schedule(k, its rate at construction). Sets k = 0's rate now; then, like PyTorch's
 * `scheduler.step()` after `optimizer.step()`, advances after each epoch (`per: 'epoch'`)
 * or each batch (`per: 'step'`).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { fit, losses, nn, setBackend, tensor } from '@backprop/core';
 * import { scheduler, sgd, stepDecay } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(1, 1));
 * const optimizer = sgd({ lr: 0.1, momentum: 0.9 });
 * const callbacks = [scheduler(optimizer, stepDecay({ stepSize: 30 }))]; // lr 0.1, then 0.01 from epoch 30, …
 * await fit(model, tensor([[1]]), tensor([[2]]), { loss: losses.mse, optimizer, epochs: 90, callbacks, verbose: false });
 * ```
 */
export function scheduler(optimizer: Optimizer, schedule: Schedule, options: SchedulerOptions = {}): Scheduler {
  checkOptionNames('scheduler', options, optionNames<SchedulerOptions>({ per: true }));
  const { per = 'epoch' } = options;
  if (per !== 'epoch' && per !== 'step')
    throw new ValueError(`scheduler: per must be 'epoch' or 'step', got ${String(per)}`);
  if (typeof schedule !== 'function') throw new ValueError('scheduler: schedule must be a function (k, baseLr) => lr');
  const groups = learningRateGroups('scheduler', optimizer);
  const bases = groups.map((g) => g.lr);
  let k = 0;
  const apply = () => {
    const lrs = bases.map((b) => schedule(k, b));
    lrs.forEach((lr) => {
      if (!Number.isFinite(lr) || lr < 0) throw new ValueError(`scheduler: the schedule gave lr ${lr} at k = ${k}`);
    });
    if (groups[0] === optimizer) optimizer.lr = lrs[0];
    else
      lrs.forEach((lr, i) => {
        groups[i].lr = lr;
      });
  };
  apply();
  const s: Scheduler = {
    get k() {
      return k;
    },
    step() {
      k++;
      apply();
    },
    stateName: 'scheduler',
    getState: () => ({ values: { k } }),
    setState(state) {
      const next = state?.values?.k;
      if (!Number.isSafeInteger(next) || (next as number) < 0)
        throw new ValueError(`scheduler.setState: k must be an integer ≥ 0, got ${JSON.stringify(next)}`);
      // The rates themselves are the optimizer's state (restored with it): another callback, such
      // as reduceOnPlateau, may have changed them since this scheduler last set them.
      k = next as number;
    },
  };
  if (per === 'epoch') s.onEpochEnd = () => s.step();
  else s.onBatchEnd = () => s.step();
  return s;
}
