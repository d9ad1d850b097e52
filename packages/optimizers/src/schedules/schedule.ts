/** The schedule type, the constant schedule, and the checks every schedule makes. */
import {
  type CheckOptionNamesOptions,
  checkOptionNames,
  formatValue,
  type Optimizer,
  ValueError,
} from '@backprop/core';

/**
 * A learning-rate schedule: the rate at step or epoch k (from 0) of a group whose initial
 * rate is `baseLr`. A pure function of its arguments.
 */
export type Schedule = (k: number, baseLr: number) => number;

/**
 * γ_k = γ₀.
 *
 * @example
 * ```ts
 * import { constant } from '@backprop/optimizers';
 *
 * console.log(constant()(10, 0.01)); // 0.01: the base rate at every step
 * ```
 */
export const constant = (): Schedule => described((_k, base) => base, 'constant()');

/** The descriptions of schedules: the factory and its options, as `stepDecay({"stepSize":30,"gamma":0.1})`. */
const descriptions = new WeakMap<Schedule, string>();

/**
 * The description of `schedule`, what `scheduler` saves and compares on resume:
 * `stepDecay({"stepSize":30,"gamma":0.1})` for `stepDecay({ stepSize: 30 })` (defaults filled in);
 * undefined for a function of your own, which is not checked.
 */
export function scheduleDescription(schedule: Schedule): string | undefined {
  return typeof schedule === 'function' ? descriptions.get(schedule) : undefined;
}

/** Gives `schedule` its description (what the factories of this package call; see {@link scheduleDescription}). */
export function described<S extends Schedule>(schedule: S, description: string): S {
  descriptions.set(schedule, description);
  return schedule;
}

/**
 * How `scheduler` carries a change made by something else (reduceOnPlateau, another scheduler,
 * you) into this schedule's later rates: the multiplier scales the rate's distance above `floor`
 * (0 for every schedule but cosineAnnealing, whose floor is etaMin, as PyTorch's recursive form);
 * `restart(k, base)`, where defined, is the amount the schedule adds at step k, a step PyTorch's
 * chainable form computes by adding it to the current rate (cosineAnnealing leaving its trough).
 */
export interface ScheduleChaining {
  floor: number;
  restart?(k: number, base: number): number | undefined;
}

const chainings = new WeakMap<Schedule, ScheduleChaining>();

/** The chaining of `schedule` (what `scheduler` reads): floor 0 and no restarts unless a factory set one. */
export function scheduleChaining(schedule: Schedule): ScheduleChaining {
  return chainings.get(schedule) ?? { floor: 0 };
}

/** Gives `schedule` its chaining (see {@link ScheduleChaining}). */
export function chained<S extends Schedule>(schedule: S, chaining: ScheduleChaining): S {
  chainings.set(schedule, chaining);
  return schedule;
}

/** `op({"option":value,…})`, the description of a factory's schedule. */
export const factoryDescription = (op: string, options: Record<string, unknown>): string =>
  `${op}(${JSON.stringify(options)})`;

/**
 * A schedule factory's options, checked by name; they hold a required value, so leaving them out
 * is a ValueError naming them (not a TypeError from reading them).
 */
export function scheduleOptions<T extends object>(
  op: string,
  options: T | undefined,
  known: readonly string[],
  names?: CheckOptionNamesOptions,
): T {
  if (options === undefined) throw new ValueError(`${op}: the options are required ({ ${known.join(', ')} })`);
  checkOptionNames(op, options, known, names);
  return options;
}

/**
 * Throws a ValueError unless k is an integer ≥ 0: a schedule is defined at steps or epochs, and a
 * negative or fractional k would give a rate no run reaches (a negative one above the base rate).
 */
export function checkScheduleStep(op: string, k: number): void {
  if (!Number.isInteger(k) || k < 0) throw new ValueError(`${op}: k must be an integer ≥ 0, got ${formatValue(k)}`);
}

/**
 * The learning rates a schedule drives: each parameter group's (`paramGroups`), or the optimizer's
 * single `lr`. Anything else is a ValueError naming `op` here, not a TypeError at the first epoch.
 */
export function learningRateGroups(op: string, optimizer: Optimizer): { lr: number }[] {
  if (optimizer === null || typeof optimizer !== 'object' || typeof optimizer.step !== 'function')
    throw new ValueError(`${op}: optimizer must be an Optimizer, e.g. sgd({ lr: 0.1 }), got ${formatValue(optimizer)}`);
  const groups = (optimizer as { paramGroups?: unknown }).paramGroups;
  const list = (Array.isArray(groups) ? groups : [optimizer]) as { lr: unknown }[];
  list.forEach((g, i) => {
    if (typeof g?.lr !== 'number' || !Number.isFinite(g.lr) || g.lr < 0)
      throw new ValueError(
        `${op}: the optimizer's ${list.length > 1 ? `group ${i} ` : ''}learning rate must be a finite number ≥ 0, got ${formatValue(g?.lr)}`,
      );
  });
  return list as { lr: number }[];
}
