/** Step, exponential and inverse-time decay. */
import { formatValue, ValueError } from '@backprop/core';
import type { Schedule } from './schedule.js';

function check(op: string, name: string, value: number, positive = true): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || (positive ? value <= 0 : value < 0)) {
    throw new ValueError(
      `${op}: ${name} must be a finite number ${positive ? '> 0' : '≥ 0'}, got ${formatValue(value)}`,
    );
  }
}

/** γ_k = γ₀·γ^⌊k/s⌋, PyTorch's StepLR (`stepSize` s, `gamma` default 0.1). */
export function stepDecay({ stepSize, gamma = 0.1 }: { stepSize: number; gamma?: number }): Schedule {
  if (!Number.isInteger(stepSize) || stepSize < 1)
    throw new ValueError(`stepDecay: stepSize must be a positive integer, got ${stepSize}`);
  check('stepDecay', 'gamma', gamma, false);
  return (k, base) => base * gamma ** Math.floor(k / stepSize);
}

/** γ_k = γ₀·γᵏ, PyTorch's ExponentialLR. */
export function exponentialDecay({ gamma }: { gamma: number }): Schedule {
  check('exponentialDecay', 'gamma', gamma, false);
  return (k, base) => base * gamma ** k;
}

/**
 * γ_k = γ₀/(1 + k/τ): the lecture's condition for SGD to converge, Σγ_k = ∞ and Σγ_k² < ∞,
 * holds. (Keras' InverseTimeDecay with decay_rate 1 and decay_steps τ.)
 */
export function inverseTimeDecay({ tau }: { tau: number }): Schedule {
  check('inverseTimeDecay', 'tau', tau);
  return (k, base) => base / (1 + k / tau);
}
