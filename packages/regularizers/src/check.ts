/** Argument checks shared by the regularizers: each throws a typed error before any state changes. */
import { ValueError } from '@backprop/core';

/** Throws a ValueError unless `value` is a finite number ≥ 0. */
export function nonNegative(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValueError(`${op}: ${name} must be a finite number ≥ 0, got ${String(value)}`);
  }
  return value;
}

/** Throws a ValueError unless `value` is a finite number > 0. */
export function positive(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ValueError(`${op}: ${name} must be a finite number > 0, got ${String(value)}`);
  }
  return value;
}

/** Throws a ValueError unless `value` is an integer ≥ 0. */
export function nonNegativeInt(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ValueError(`${op}: ${name} must be an integer ≥ 0, got ${String(value)}`);
  }
  return value;
}

/** Throws a ValueError unless `value` is undefined or a non-negative safe integer (a seed). */
export function seedOf(op: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ValueError(`${op}: seed must be a non-negative safe integer, got ${String(value)}`);
  }
  return value;
}
