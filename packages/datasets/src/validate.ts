/** Argument checks that throw core's ValueError with a message naming the function, the argument and its value. */
import { ValueError } from '@backprop/core';

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return `[${v.join(',')}]`;
  return String(v);
}

/** Throws `ValueError('<fn>: <name> must be <what>, got <value>')`. */
export function fail(fn: string, name: string, what: string, value: unknown): never {
  throw new ValueError(`${fn}: ${name} must be ${what}, got ${show(value)}`);
}

/** Checks `value` is an integer ≥ 1. */
export function positiveInt(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) fail(fn, name, 'a positive integer', value);
  return value;
}

/** Checks `value` is an integer ≥ 0. */
export function nonNegativeInt(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    fail(fn, name, 'a non-negative integer', value);
  }
  return value;
}

/** Checks `value` is a finite number ≥ 0. */
export function nonNegative(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail(fn, name, 'a finite number ≥ 0', value);
  }
  return value;
}

/** Checks `value` is a safe integer usable as a seed. */
export function seedOf(fn: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) fail(fn, 'seed', 'a safe integer', value);
  return value;
}
