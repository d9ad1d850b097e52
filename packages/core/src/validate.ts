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

/**
 * `true` or `false`, nothing else: a truthiness test would read the string `'false'` (from a config
 * file or a command line) as true, and `0` or `null` as false, without a word.
 */
export function boolean(op: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') invalid(op, name, 'true or false', value);
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

/**
 * Every name of an options interface, which the compiler checks complete: a name missing from the
 * record, or one the interface lacks, does not compile, so the list cannot drift from the type.
 *
 * @example
 * ```ts
 * import { optionNames } from '@backprop/core';
 *
 * interface PlotOptions { width?: number; title?: string }
 * const PLOT_OPTIONS = optionNames<PlotOptions>({ width: true, title: true }); // ['width', 'title']
 * ```
 */
export function optionNames<T>(names: Record<keyof T, true>): readonly string[] {
  return Object.keys(names);
}

/** True for `{ … }` and `Object.create(null)` objects: not arrays, tensors, class instances or primitives. */
function isPlainObject(v: unknown): v is object {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** How a misplaced argument reads: "a Tensor [2, 3] (float32)", "an array", "a Map", or its value. */
function describeArgument(v: unknown): string {
  if (Array.isArray(v)) return `an array ${formatValue(v)}`;
  if (v !== null && typeof v === 'object') {
    const t = v as { constructor?: { name?: string }; shape?: unknown; dtype?: unknown };
    const name = t.constructor?.name || 'object';
    if (Array.isArray(t.shape) && typeof t.dtype === 'string') return `a ${name} [${t.shape.join(', ')}] (${t.dtype})`;
    return `a ${name}`;
  }
  return `${typeof v} ${formatValue(v)}`;
}

/** Options of {@link checkOptionNames}. */
export interface CheckOptionNamesOptions {
  /** What a key is called in the message (default 'option'). */
  what?: string;
  /** Names other libraries give these options, each to the name it means here (`{ validationSplit: 'validation' }`). */
  aliases?: Readonly<Record<string, string>>;
  /** Hints for names that have no counterpart here (`{ activation: 'add nn.relu() after the layer' }`). */
  hints?: Readonly<Record<string, string>>;
}

/**
 * Throws a ValueError naming the first key of `options` that is not in `known`: an option spelled
 * as another library spells it, or a typo, would otherwise be ignored and the call would run with
 * its default without a word. The message names what the key most likely means (an alias, or a
 * known name that differs only in case and underscores) and lists the known names. Options that
 * are not a plain object (a tensor passed where the options go, an array, a number) are a
 * ValueError too; `undefined` means none.
 *
 * @example
 * ```ts
 * import { checkOptionNames } from '@backprop/core';
 *
 * checkOptionNames('plot', { width: 3 }, ['width', 'title']); // fine
 * checkOptionNames('plot', { Title: 'x' }, ['width', 'title']); // ValueError: plot: unknown option 'Title' (did you mean title?); …
 * ```
 */
export function checkOptionNames(
  op: string,
  options: unknown,
  known: readonly string[],
  { what = 'option', aliases = {}, hints = {} }: CheckOptionNamesOptions = {},
): void {
  if (options === undefined) return;
  if (!isPlainObject(options)) {
    throw new ValueError(
      `${op}: the ${what}s must be given as an object ({ ${known.slice(0, 3).join(', ')}${known.length > 3 ? ', …' : ''} }), got ${describeArgument(options)}`,
    );
  }
  const simple = (s: string) => s.toLowerCase().replace(/_/g, '');
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const alias = Object.hasOwn(aliases, key) && known.includes(aliases[key]) ? aliases[key] : undefined;
    const meant = alias ?? known.find((k) => simple(k) === simple(key));
    const hint = meant ? ` (did you mean ${meant}?)` : Object.hasOwn(hints, key) ? ` (${hints[key]})` : '';
    throw new ValueError(`${op}: unknown ${what} '${key}'${hint}; the ${what}s are ${known.join(', ')}`);
  }
}
