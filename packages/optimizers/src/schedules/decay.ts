/** Step, exponential and inverse-time decay. */
import { formatValue, ValueError } from '@backprop/core';
import { checkScheduleStep, described, factoryDescription, type Schedule, scheduleOptions } from './schedule.js';

function check(op: string, name: string, value: number, positive = true): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || (positive ? value <= 0 : value < 0)) {
    throw new ValueError(
      `${op}: ${name} must be a finite number ${positive ? '> 0' : '≥ 0'}, got ${formatValue(value)}`,
    );
  }
}

/**
 * γ_k = γ₀·γ^⌊k/s⌋, PyTorch's StepLR (`stepSize` s, `gamma` default 0.1).
 *
 * @example
 * ```ts
 * import { stepDecay } from '@backprop/optimizers';
 *
 * const schedule = stepDecay({ stepSize: 30, gamma: 0.1 });
 * console.log(schedule(0, 0.1), schedule(30, 0.1), schedule(60, 0.1)); // 0.1 0.01 0.001 (up to rounding)
 * ```
 */
export function stepDecay(options: { stepSize: number; gamma?: number }): Schedule {
  const { stepSize, gamma = 0.1 } = scheduleOptions('stepDecay', options, ['stepSize', 'gamma'], {
    aliases: { step_size: 'stepSize', decayRate: 'gamma' },
  });
  if (!Number.isInteger(stepSize) || stepSize < 1)
    throw new ValueError(`stepDecay: stepSize must be a positive integer, got ${stepSize}`);
  check('stepDecay', 'gamma', gamma, false);
  return described(
    (k, base) => {
      checkScheduleStep('stepDecay', k);
      return base * gamma ** Math.floor(k / stepSize);
    },
    factoryDescription('stepDecay', { stepSize, gamma }),
  );
}

/**
 * γ_k = γ₀·γᵏ, PyTorch's ExponentialLR.
 *
 * @example
 * ```ts
 * import { exponentialDecay } from '@backprop/optimizers';
 *
 * const schedule = exponentialDecay({ gamma: 0.5 });
 * console.log(schedule(0, 1), schedule(1, 1), schedule(2, 1)); // 1 0.5 0.25
 * ```
 */
export function exponentialDecay(options: { gamma: number }): Schedule {
  const { gamma } = scheduleOptions('exponentialDecay', options, ['gamma'], {
    aliases: { decayRate: 'gamma', decay_rate: 'gamma' },
  });
  check('exponentialDecay', 'gamma', gamma, false);
  return described(
    (k, base) => {
      checkScheduleStep('exponentialDecay', k);
      return base * gamma ** k;
    },
    factoryDescription('exponentialDecay', { gamma }),
  );
}

/**
 * γ_k = γ₀/(1 + k/τ): the lecture's condition for SGD to converge, Σγ_k = ∞ and Σγ_k² < ∞,
 * holds. (Keras' InverseTimeDecay with decay_rate 1 and decay_steps τ.)
 *
 * @example
 * ```ts
 * import { inverseTimeDecay, scheduler, sgd } from '@backprop/optimizers';
 *
 * const optimizer = sgd({ lr: 0.1 });
 * const callback = scheduler(optimizer, inverseTimeDecay({ tau: 10 })); // pass it in fit's callbacks
 * ```
 */
export function inverseTimeDecay(options: { tau: number }): Schedule {
  const { tau } = scheduleOptions('inverseTimeDecay', options, ['tau']);
  check('inverseTimeDecay', 'tau', tau);
  return described(
    (k, base) => {
      checkScheduleStep('inverseTimeDecay', k);
      return base / (1 + k / tau);
    },
    factoryDescription('inverseTimeDecay', { tau }),
  );
}
