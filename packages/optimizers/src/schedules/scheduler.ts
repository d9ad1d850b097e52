/** `scheduler`: a fit callback that sets an optimizer's learning rates from a schedule, per epoch or per step. */
import {
  type Callback,
  type CallbackState,
  checkOptionNames,
  type Optimizer,
  optionNames,
  ValueError,
} from '@backprop/core';
import { learningRateGroups, type Schedule, scheduleChaining, scheduleDescription } from './schedule.js';

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
   * the count, and `base0`, `base1`, … one per parameter group), each group's multiplier for the
   * changes made by others (`mult0`, …) and the rate this scheduler last wrote (`last0`, …) and,
   * when the schedule has one, its description (`schedule`: the factory and its options as JSON, e.g.
   * `stepDecay({"stepSize":30,"gamma":0.1})`).
   */
  getState(): CallbackState;
  /**
   * Restores k and the base rates (the learning rates themselves are restored with the
   * optimizer's state), so a resumed run continues the saved one exactly even when its optimizer
   * was built with another `lr`. A ValueError, changing nothing, when the state was saved with
   * another `per`, another number of groups, or a schedule of another description. A state that
   * holds only `k` (saved by an older version) restores k alone, and the base rates stay this
   * scheduler's. A state without multipliers and last rates (saved by an older version) restores
   * multipliers of 1 and takes the optimizer's current rates as the last written, so it resumes as
   * that version did.
   */
  setState(state: CallbackState): void;
}

/**
 * Drives `optimizer`'s learning rate by `schedule`: every group's rate becomes
 * schedule(k, its rate at construction). Sets k = 0's rate now; then, like PyTorch's
 * `scheduler.step()` after `optimizer.step()`, advances after each epoch (`per: 'epoch'`)
 * or each batch (`per: 'step'`).
 *
 * When something else changes the rate too — `reduceOnPlateau`, a second scheduler, your own
 * code — the change is kept, as PyTorch's chainable schedulers keep it: each group has a
 * multiplier m (1 at first), and at each step, if the group's rate is not the one this scheduler
 * last wrote, m is multiplied by current / last written; the rate written is then
 * schedule(k, base)·m. So a plateau cut of 0.1 under `cosineAnnealing` lowers the rest of the
 * cosine curve tenfold (it used to last one epoch, the next step recomputing the rate from the
 * base), and `scheduler(opt, linearWarmup(…))` with `scheduler(opt, exponentialDecay(…))` multiply
 * (the second used to undo the first). While nothing else touches the rate, m stays 1 and the
 * rates are schedule(k, base) exactly. Two exceptions follow PyTorch's CosineAnnealingLR:
 * under `cosineAnnealing` with `etaMin` m scales the distance above etaMin,
 * etaMin + (schedule(k, base) − etaMin)·m, and the step that leaves a trough adds the curve's
 * rise to the current rate (so m starts again from 1, plus any change made at the trough). A
 * change of a rate this scheduler last set to 0 (to etaMin, for cosineAnnealing) cannot be
 * carried as a factor: that step is a ValueError naming the scheduler and the group, and writes
 * nothing. A schedule wrapped in another (`linearWarmup`'s `after`) is scaled as a whole rate.
 *
 * `fit` runs callbacks at an epoch end in list order, so `[scheduler(…), reduceOnPlateau(…)]`
 * is PyTorch's `scheduler.step(); plateau.step(loss)`: the cut comes after the schedule's step and
 * is carried by the next one. The other order, `[reduceOnPlateau(…), scheduler(…)]`, is PyTorch's
 * `plateau.step(loss); scheduler.step()`: the cut is carried at once. Both orders give the same
 * rates except where `minLr`, `eps` or a cosine trough come in, as they do in PyTorch (the
 * plateau then sees the rate before the schedule's step, not after it).
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
  const { floor, restart } = scheduleChaining(schedule);
  const name = `scheduler(${description ?? 'a schedule of your own'})`;
  const groupName = (i: number) => (groups.length > 1 ? `group ${i}'s` : 'the');
  let k = 0;
  // Per group: the multiplier that carries changes made by others, and the rate this scheduler last wrote.
  let mults = groups.map(() => 1);
  let lasts: number[] = [];
  /** Computes step `at`'s rates (checking all first), then writes them; nothing changes on an error. */
  const apply = (at: number) => {
    const next = groups.map((g, i) => {
      const base = bases[i];
      const scheduled = schedule(at, base);
      if (!Number.isFinite(scheduled) || scheduled < 0)
        throw new ValueError(`scheduler: the schedule gave lr ${scheduled} at k = ${at}`);
      const current = g.lr;
      const last = lasts[i];
      const touched = last !== undefined && current !== last;
      let m = mults[i];
      const rise = at > 0 ? restart?.(at, base) : undefined;
      if (rise !== undefined) {
        // Leaving cosineAnnealing's trough: PyTorch adds the rise to the current rate, so a change
        // made at the trough is kept as an offset, and the multiplier starts again from it.
        if (!touched) return { lr: scheduled, m: 1 };
        const lr = current + rise;
        return { lr, m: scheduled === floor ? 1 : (lr - floor) / (scheduled - floor) };
      }
      if (touched) {
        if (last === floor)
          throw new ValueError(
            `${name}: ${groupName(i)} learning rate is ${current}, but this scheduler last set it to ${last}${floor === 0 ? '' : ` (the schedule's etaMin)`}: something else (another scheduler, reduceOnPlateau, your code) changed it, and a change of a rate at ${floor === 0 ? '0' : 'etaMin'} cannot be carried into the schedule as a factor; leave the rate at ${last} while this scheduler drives it`,
          );
        m *= (current - floor) / (last - floor);
      }
      const lr = m === 1 ? scheduled : floor + (scheduled - floor) * m;
      if (!Number.isFinite(lr) || lr < 0)
        throw new ValueError(
          `${name}: ${groupName(i)} learning rate would be ${lr} at k = ${at} (the schedule's ${scheduled}, scaled by ${m} for the changes made by others)`,
        );
      return { lr, m };
    });
    next.forEach(({ lr }, i) => {
      if (groups[0] === optimizer) optimizer.lr = lr;
      else groups[i].lr = lr;
    });
    mults = next.map((n) => n.m);
    lasts = groups.map((g) => g.lr);
    k = at;
  };
  apply(0);
  const s: Scheduler = {
    get k() {
      return k;
    },
    step() {
      apply(k + 1);
    },
    stateName: 'scheduler',
    getState: () => ({
      values: {
        k,
        per,
        groups: bases.length,
        ...Object.fromEntries(bases.map((b, i) => [`base${i}`, b])),
        ...Object.fromEntries(mults.map((m, i) => [`mult${i}`, m])),
        ...Object.fromEntries(lasts.map((l, i) => [`last${i}`, l])),
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
      const chain = readChain(values, bases.length);
      k = next as number;
      if (restored) bases = restored;
      mults = chain ? chain.mults : groups.map(() => 1);
      lasts = chain ? chain.lasts : groups.map((g) => g.lr);
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

/**
 * The multipliers (`mult0`, …) and last written rates (`last0`, …) of a scheduler's saved state,
 * checked; undefined for a state saved before they were recorded.
 */
function readChain(values: CallbackState['values'], count: number): { mults: number[]; lasts: number[] } | undefined {
  const keys = Object.keys(values).filter((key) => /^(mult|last)\d+$/.test(key));
  if (keys.length === 0) return undefined;
  if (keys.length !== 2 * count)
    throw new ValueError(
      `scheduler.setState: expected a multiplier and a last rate (mult0, last0, …) for each of the ${count} parameter groups, got ${keys.sort().join(', ')}`,
    );
  const read = (key: string, min: number) => {
    const v = values[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min)
      throw new ValueError(
        `scheduler.setState: ${key} must be a finite number${min === 0 ? ' ≥ 0' : ''}, got ${JSON.stringify(v)}`,
      );
    return v;
  };
  return {
    mults: Array.from({ length: count }, (_, i) => read(`mult${i}`, Number.NEGATIVE_INFINITY)),
    lasts: Array.from({ length: count }, (_, i) => read(`last${i}`, 0)),
  };
}
