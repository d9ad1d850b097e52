/**
 * Checks of search spaces and configurations, made before any configuration is built or any trial
 * runs. A search keys finished trials by their configuration written as JSON (`configKey`, and the
 * resume file), so every value must be one JSON writes and reads back as itself: a finite number,
 * a string, a boolean, or a list of those. NaN, ±Infinity, `undefined`, `null`, functions and
 * other objects would be dropped or written as `null`, and a resumed search would take one trial
 * for another.
 */
import { formatValue, ValueError } from '@backprop/core';
import type { Config, Hyper, SearchSpace } from './space.js';

const DISTRIBUTION_KINDS = ['uniform', 'logUniform', 'intUniform'];

/** Why `value` cannot be a hyperparameter's value (undefined when it can); `nested`: inside a list value. */
function invalidValue(value: unknown, nested = false): string | undefined {
  if (typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') {
    return Number.isFinite(value)
      ? undefined
      : `${formatValue(value)} is not a finite number (a resume file, which is JSON, cannot hold it)`;
  }
  if (Array.isArray(value) && !nested) {
    for (let i = 0; i < value.length; i++) {
      const why = invalidValue(value[i], true);
      if (why) return `element ${i}: ${why}`;
    }
    return undefined;
  }
  return `${formatValue(value)} is not a number, string, boolean${nested ? '' : ' or list of those'}`;
}

/** Throws ValueError unless `value` can be hyperparameter `name`'s value; `where` says where it came from. */
export function checkHyperValue(op: string, name: string, value: unknown, where = ''): void {
  const why = invalidValue(value);
  if (why) throw new ValueError(`${op}: "${name}"${where ? ` ${where}` : ''}: ${why}`);
}

/** Throws ValueError unless `values` is a non-empty list of valid values of hyperparameter `name`. */
function checkChoices(op: string, name: string, values: unknown): void {
  if (!Array.isArray(values) || values.length === 0)
    throw new ValueError(`${op}: "${name}" has no values; a list of choices needs at least one`);
  values.forEach((v, i) => checkHyperValue(op, name, v, `choice ${i}`));
}

/** Throws ValueError unless `h` is a constant, a non-empty list, `choice(...)` or a distribution. */
function checkHyper(op: string, name: string, h: Hyper | undefined | null): void {
  if (Array.isArray(h)) {
    checkChoices(op, name, h);
  } else if (h !== null && typeof h === 'object') {
    const o = h as unknown as Record<string, unknown>;
    if (o.kind === 'choice') checkChoices(op, name, o.values);
    else if (typeof o.sample !== 'function' || typeof o.grid !== 'function') throwNotHyper(op, name, o);
  } else {
    checkHyperValue(op, name, h);
  }
}

function throwNotHyper(op: string, name: string, o: Record<string, unknown>): never {
  const hint = DISTRIBUTION_KINDS.includes(String(o.kind))
    ? `; a distribution read from JSON has lost its functions: build it with ${String(o.kind)}(low, high)`
    : '';
  throw new ValueError(
    `${op}: "${name}" must be a number, string, boolean, a list of choices, choice([...]) or a distribution ` +
      `(uniform, logUniform, intUniform), got ${formatValue(o)}${hint}`,
  );
}

/**
 * Throws ValueError, naming the hyperparameter, unless `space` is a plain object whose every
 * entry is a valid constant, a non-empty list of valid values, `choice(...)` or a distribution.
 * `nonEmpty`: also refuse a space that names no hyperparameter.
 */
export function checkSearchSpace(op: string, space: SearchSpace, nonEmpty = false): void {
  const proto = space !== null && typeof space === 'object' ? Object.getPrototypeOf(space) : undefined;
  if (Array.isArray(space) || (proto !== Object.prototype && proto !== null))
    throw new ValueError(`${op}: the search space must be an object of hyperparameters, got ${formatValue(space)}`);
  if (nonEmpty && Object.keys(space).length === 0)
    throw new ValueError(
      `${op}: the search space is empty; name at least one hyperparameter, e.g. { lr: logUniform(1e-4, 1e-1) }`,
    );
  for (const [name, h] of Object.entries(space)) checkHyper(op, name, h);
}

/** Throws ValueError unless every configuration is a plain object of valid hyperparameter values. */
export function checkConfigs(op: string, configs: readonly Config[]): void {
  if (!Array.isArray(configs))
    throw new ValueError(`${op}: expected a list of configurations, got ${formatValue(configs)}`);
  configs.forEach((config, i) => {
    if (config === null || typeof config !== 'object' || Array.isArray(config))
      throw new ValueError(
        `${op}: configuration ${i} must be an object of hyperparameters, got ${formatValue(config)}`,
      );
    for (const [name, v] of Object.entries(config)) checkHyperValue(op, name, v, `in configuration ${i}`);
  });
}
