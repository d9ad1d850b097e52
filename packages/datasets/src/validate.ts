/** Argument checks of the datasets: core's validators, plus the datasets' seed rule (any safe integer). */
import { invalid } from '@backprop/core';

/** Throws `ValueError('<fn>: <name> must be <what>, got <value>')` (core's `invalid`). */
export const fail = invalid;

export { nonNegative, nonNegativeInt, positiveInt } from '@backprop/core';

/** Checks `value` is a safe integer usable as a seed. */
export function seedOf(fn: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) invalid(fn, 'seed', 'a safe integer', value);
  return value;
}
