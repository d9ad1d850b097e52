/**
 * Argument checks every package uses: each returns the value when it is valid and otherwise
 * throws a ValueError reading `<op>: <name> must be <what>, got <value>`, with the value printed
 * as JSON would print it (strings quoted, so `"0.01"` is visibly not `0.01`; NaN and ±Infinity
 * by name).
 */
import { ValueError } from './errors.js';

/** How a value reads in an error message. */
export function formatValue(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'function') return 'a function';
  if (v === undefined) return 'undefined';
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x)) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Throws `ValueError('<op>: <name> must be <what>, got <value>')`. */
export function invalid(op: string, name: string, what: string, value: unknown): never {
  throw new ValueError(`${op}: ${name} must be ${what}, got ${formatValue(value)}`);
}

/** A finite number. */
export function finite(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) invalid(op, name, 'a finite number', value);
  return value;
}

/** A finite number ≥ 0. */
export function nonNegative(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    invalid(op, name, 'a finite number ≥ 0', value);
  return value;
}

/** A finite number > 0. */
export function positive(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    invalid(op, name, 'a finite number > 0', value);
  return value;
}

/** An integer ≥ 0. */
export function nonNegativeInt(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) invalid(op, name, 'an integer ≥ 0', value);
  return value;
}

/** An integer ≥ 1. */
export function positiveInt(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    invalid(op, name, 'a positive integer', value);
  return value;
}

/** A number in [lo, hi) (or [lo, hi] with `closed`). */
export function inRange(op: string, name: string, value: unknown, lo: number, hi: number, closed = false): number {
  const ok = typeof value === 'number' && value >= lo && (closed ? value <= hi : value < hi);
  if (!ok) invalid(op, name, `in [${lo}, ${hi}${closed ? ']' : ')'}`, value);
  return value as number;
}

/** A seed: undefined (none), or a non-negative safe integer. */
export function seedOf(op: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    invalid(op, 'seed', 'a non-negative safe integer', value);
  return value;
}
