/** `scheduler`: a fit callback that sets an optimizer's learning rates from a schedule, per epoch or per step. */
import {
  type Callback,
  type CallbackState,
  checkOptionNames,
  type Optimizer,
  optionNames,
  ValueError,
} from '@backprop/core';
import { learningRateGroups, type Schedule, scheduleDescription } from './schedule.js';

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
  /**
   * For checkpoints (`fit` saves it with the training state): `k`, `per`, the base rates (`groups`,
   * the count, and `base0`, `base1`, … one per parameter group) and, when the schedule has one,
   * its description (`schedule`: the factory and its options as JSON, e.g.
   * `stepDecay({"stepSize":30,"gamma":0.1})`).
   */
  getState(): CallbackState;
  /**
   * Restores k and the base rates (the learning rates themselves are restored with the
   * optimizer's state), so a resumed run continues the saved one exactly even when its optimizer
   * was built with another `lr`. A ValueError, changing nothing, when the state was saved with
   * another `per`, another number of groups, or a schedule of another description. A state that
   * holds only `k` (saved by an older version) restores k alone, and the base rates stay this
   * scheduler's.
   */
  setState(state: CallbackState): void;
}

/**
 * Drives `optimizer`'s learning rate by `schedule`: every group's rate becomes
 * schedule(k, its rate at construction). Sets k = 0's rate now; then, like PyTorch's
 * `scheduler.step()` after `optimizer.step()`, advances after each epoch (`per: 'epoch'`)
 * or each batch (`per: 'step'`).
 *
 * Its state (saved in checkpoints) holds the base rates, so a run resumed from a checkpoint
 * follows the saved run's schedule whatever `lr` the new optimizer was built with (as PyTorch's
 * `base_lrs`), and the description of the schedule: resuming with another `per` or a schedule of
 * another description (another factory or other options) is a ValueError. A schedule function of
 * your own has no description and is not checked (its base rates and `per` still are).
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
  let bases = groups.map((g) => g.lr);
  const description = scheduleDescription(schedule);
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
    getState: () => ({
      values: {
        k,
        per,
        groups: bases.length,
        ...Object.fromEntries(bases.map((b, i) => [`base${i}`, b])),
        ...(description === undefined ? {} : { schedule: description }),
      },
    }),
    setState(state) {
      const values = state?.values ?? {};
      const next = values.k;
      if (!Number.isSafeInteger(next) || (next as number) < 0)
        throw new ValueError(`scheduler.setState: k must be an integer ≥ 0, got ${JSON.stringify(next)}`);
      const restored = readBases(values, bases.length);
      if (values.per !== undefined && values.per !== per)
        throw new ValueError(
          `scheduler.setState: the state was saved by a scheduler with per: ${JSON.stringify(values.per)}, this one has per: '${per}' (it would read the saved k as a count of ${per}s); resume with the saved run's per`,
        );
      const saved = values.schedule;
      if (saved !== undefined && saved !== null && typeof saved !== 'string')
        throw new ValueError(`scheduler.setState: schedule must be a description string, got ${JSON.stringify(saved)}`);
      if (typeof saved === 'string' && description !== undefined && saved !== description)
        throw new ValueError(
          `scheduler.setState: the state was saved by a scheduler of schedule ${saved}, this one's is ${description}; resume with the saved run's schedule`,
        );
      // The rates themselves are the optimizer's state (restored with it): another callback, such
      // as reduceOnPlateau, may have changed them since this scheduler last set them.
      k = next as number;
      if (restored) bases = restored;
    },
  };
  if (per === 'epoch') s.onEpochEnd = () => s.step();
  else s.onBatchEnd = () => s.step();
  return s;
}

/**
 * The base rates of a scheduler's saved state, checked (one per group, finite, ≥ 0); undefined
 * for a state saved before they were recorded (k alone).
 */
function readBases(values: CallbackState['values'], count: number): number[] | undefined {
  const keys = Object.keys(values).filter((key) => /^base\d+$/.test(key));
  if (values.groups === undefined && keys.length === 0) return undefined;
  const n = values.groups;
  if (!Number.isSafeInteger(n) || (n as number) < 1 || keys.length !== n)
    throw new ValueError(
      `scheduler.setState: expected groups (the number of base rates) and as many rates base0, base1, …, got groups ${JSON.stringify(n)} and ${keys.length} rates`,
    );
  if (n !== count)
    throw new ValueError(
      `scheduler.setState: the state holds the base rates of ${n} parameter groups, the optimizer has ${count}; resume with the saved run's groups`,
    );
  return Array.from({ length: count }, (_, i) => {
    const b = values[`base${i}`];
    if (typeof b !== 'number' || !Number.isFinite(b) || b < 0)
      throw new ValueError(`scheduler.setState: base${i} must be a finite number ≥ 0, got ${JSON.stringify(b)}`);
    return b;
  });
}
