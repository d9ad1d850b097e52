/** Argument checks of the regularizers: core's validators (typed errors before any state changes). */
import { invalid } from '@backprop/core';

export { nonNegative, nonNegativeInt, positive, seedOf } from '@backprop/core';

/**
 * A boolean option: `true` or `false`, nothing else. A truthiness test would read the string
 * `'false'` (from a config file or a command line) as true, and `0` or `null` as false, silently.
 */
export function bool(op: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') invalid(op, name, 'true or false', value);
  return value;
}
