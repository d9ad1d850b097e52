/** Linear warmup, optionally followed by another schedule. */
import { formatValue, optionNames, ValueError } from '@backprop/core';
import {
  checkScheduleStep,
  described,
  factoryDescription,
  type Schedule,
  scheduleDescription,
  scheduleOptions,
} from './schedule.js';

/** Options of {@link linearWarmup}. */
export interface LinearWarmupOptions {
  /** Steps (or epochs) of warmup. */
  steps: number;
  /** The factor at k = 0 (default 1/3, PyTorch's LinearLR). */
  startFactor?: number;
  /** The schedule after warmup, counted from 0 at its end (default: constant γ₀). */
  after?: Schedule;
}

/**
 * γ_k = γ₀·(s + (1 − s)·k/n) for k < n, then `after(k − n, γ₀)`. Without `after` it is PyTorch's
 * LinearLR(start_factor=s, end_factor=1, total_iters=n).
 *
 * @example
 * ```ts
 * import { cosineAnnealing, linearWarmup, scheduler, adamW } from '@backprop/optimizers';
 *
 * const optimizer = adamW({ lr: 1e-3 });
 * const schedule = linearWarmup({ steps: 500, after: cosineAnnealing({ tMax: 9500 }) });
 * const callback = scheduler(optimizer, schedule, { per: 'step' }); // for fit's callbacks
 * ```
 */
export function linearWarmup(options: LinearWarmupOptions): Schedule {
  const {
    steps,
    startFactor = 1 / 3,
    after,
  } = scheduleOptions(
    'linearWarmup',
    options,
    optionNames<LinearWarmupOptions>({ steps: true, startFactor: true, after: true }),
    { aliases: { warmupSteps: 'steps', total_iters: 'steps', start_factor: 'startFactor' } },
  );
  if (!Number.isInteger(steps) || steps < 1)
    throw new ValueError(`linearWarmup: steps must be a positive integer, got ${formatValue(steps)}`);
  if (!(startFactor >= 0 && startFactor <= 1))
    throw new ValueError(`linearWarmup: startFactor must be in [0, 1], got ${startFactor}`);
  if (after !== undefined && typeof after !== 'function')
    throw new ValueError(
      `linearWarmup: after must be a schedule, a function (k, baseLr) => lr such as cosineAnnealing({ tMax }), got ${formatValue(after)}`,
    );
  const schedule: Schedule = (k, base) => {
    checkScheduleStep('linearWarmup', k);
    if (k < steps) return base * (startFactor + ((1 - startFactor) * k) / steps);
    return after ? after(k - steps, base) : base;
  };
  // Described only when the schedule after warmup is (or there is none): an undescribed one can't be compared.
  if (after === undefined) return described(schedule, factoryDescription('linearWarmup', { steps, startFactor }));
  const then = scheduleDescription(after);
  if (then === undefined) return schedule;
  return described(
    schedule,
    `${factoryDescription('linearWarmup', { steps, startFactor }).slice(0, -2)},"after":${then}})`,
  );
}
