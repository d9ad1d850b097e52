/** Cache keys that tell apart every value a computation can tell apart. */
import { ValueError } from './errors.js';

/** True for the numbers JSON does not write as themselves: NaN, ±Infinity (as `null`) and -0 (as `0`). */
export const jsonLosesNumber = (v: unknown): v is number =>
  typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0));

/** What stands for a number JSON cannot write (an array holding a NUL-prefixed tag: no attribute looks like it). */
const tag = (v: number) => ['\u0000number', exactNumber(v)];

/**
 * `value` as JSON with every number exact: NaN, Infinity, -Infinity and -0 written as themselves,
 * where `JSON.stringify` writes the first three as `null` and -0 as `0`. For keys of caches that
 * hold code built from the value (compiled graphs, ONNX sessions, generated loops): two values
 * that compute differently — a pad of -∞ and one of +∞, a -0 and a 0 — never share an entry.
 * Throws a ValueError for a value JSON cannot write (a cycle, a bigint).
 *
 * @example
 * ```ts
 * import { exactKey } from '@backprop/core';
 *
 * console.log(JSON.stringify({ value: -Infinity }) === JSON.stringify({ value: Infinity })); // true: both {"value":null}
 * console.log(exactKey({ value: -Infinity }) === exactKey({ value: Infinity })); // false
 * ```
 */
export function exactKey(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v) => (jsonLosesNumber(v) ? tag(v) : v)) ?? String(value);
  } catch (error) {
    // A cycle or a bigint: JSON cannot write it.
    throw new ValueError(`exactKey: the value cannot be written as JSON (${(error as Error).message})`);
  }
}

/**
 * A number as text that reads back as the same double (-0 included, where `String` writes `0`),
 * for keys built by hand.
 *
 * @example
 * ```ts
 * import { exactNumber } from '@backprop/core';
 *
 * console.log(String(-0), exactNumber(-0)); // "0" "-0"
 * ```
 */
export function exactNumber(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}
