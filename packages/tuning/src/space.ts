/** Search spaces: each hyperparameter is a constant, a list of choices, or a distribution. */
import { formatValue, ValueError } from '@backprop/core';
import { checkHyperValue } from './check-space.js';

/** A value a hyperparameter can take. */
export type HyperValue = number | string | boolean | readonly (number | string | boolean)[];

/** A distribution random search samples from (grid search needs lists or `grid` points). */
export interface Distribution {
  readonly kind: 'uniform' | 'logUniform' | 'intUniform';
  readonly low: number;
  readonly high: number;
  /** Turns a uniform u ∈ [0, 1) into a value. */
  sample(u: number): number;
  /** `n` evenly spaced values (in log space for logUniform), for grid search. */
  grid(n: number): number[];
}

/** A hyperparameter: a constant, a list of choices, or a distribution. */
export type Hyper = HyperValue | Choice | Distribution;

/** A list of alternatives, written `choice([...])` (a plain array works too). */
export interface Choice {
  readonly kind: 'choice';
  readonly values: readonly HyperValue[];
}

/** A search space: hyperparameter names to their ranges. */
export type SearchSpace = Record<string, Hyper>;

/** One point of a search space. */
export type Config = Record<string, HyperValue>;

function checkRange(op: string, low: number, high: number): void {
  if (!Number.isFinite(low) || !Number.isFinite(high) || !(low <= high)) {
    throw new ValueError(`${op}: need finite low ≤ high, got ${formatValue(low)}, ${formatValue(high)}`);
  }
}

/**
 * A hyperparameter that takes one of `values`: grid search tries each, random search draws one
 * uniformly. A plain array in a search space means the same.
 *
 * @example
 * ```ts
 * import { choice, gridConfigs } from '@backprop/tuning';
 *
 * const space = { units: choice([16, 32, 64]), activation: ['relu', 'tanh'] };
 * console.log(gridConfigs(space).length); // 6
 * ```
 */
export function choice(values: readonly HyperValue[]): Choice {
  if (!Array.isArray(values) || values.length === 0)
    throw new ValueError('choice: expected a non-empty list of values');
  return { kind: 'choice', values };
}

/**
 * Uniform on [low, high): random search samples it, grid search takes evenly spaced points.
 *
 * @example
 * ```ts
 * import { randomConfigs, uniform } from '@backprop/tuning';
 *
 * const dropout = uniform(0, 0.5);
 * console.log(dropout.grid(3)); // [0, 0.25, 0.5]
 * const [config] = randomConfigs({ dropout }, 1, 7); // config.dropout in [0, 0.5)
 * ```
 */
export function uniform(low: number, high: number): Distribution {
  checkRange('uniform', low, high);
  return {
    kind: 'uniform',
    low,
    high,
    sample: (u) => low + u * (high - low),
    grid: (n) => Array.from({ length: n }, (_, i) => (n === 1 ? low : low + (i * (high - low)) / (n - 1))),
  };
}

/**
 * Log-uniform on [low, high), for learning rates and penalties (Bergstra & Bengio 2012): each
 * decade is as likely as the next. Its grid points are log-spaced.
 *
 * @example
 * ```ts
 * import { logUniform, randomSearch } from '@backprop/tuning';
 *
 * const lr = logUniform(1e-4, 1e-1);
 * console.log(lr.grid(4)); // ≈ [0.0001, 0.001, 0.01, 0.1]
 * const results = await randomSearch({ lr }, async (config) => ({ loss: (Math.log10(Number(config.lr)) + 2) ** 2 }), {
 *   metric: 'loss',
 *   trials: 8,
 *   verbose: false,
 * });
 * console.log(results.best.config.lr); // the draw closest to 0.01
 * ```
 */
export function logUniform(low: number, high: number): Distribution {
  checkRange('logUniform', low, high);
  if (low <= 0) throw new ValueError(`logUniform: low must be > 0, got ${formatValue(low)}`);
  const [a, b] = [Math.log(low), Math.log(high)];
  return {
    kind: 'logUniform',
    low,
    high,
    sample: (u) => Math.exp(a + u * (b - a)),
    grid: (n) =>
      Array.from({ length: n }, (_, i) => (i === 0 ? low : i === n - 1 ? high : Math.exp(a + (i * (b - a)) / (n - 1)))),
  };
}

/**
 * Uniform over the integers low..high inclusive (e.g. a number of layers or units).
 *
 * @example
 * ```ts
 * import { gridConfigs, intUniform } from '@backprop/tuning';
 *
 * const layers = intUniform(1, 5);
 * console.log(layers.grid(3)); // [1, 3, 5]
 * console.log(gridConfigs({ layers }, { pointsPerDistribution: 5 }).length); // 5
 * ```
 */
export function intUniform(low: number, high: number): Distribution {
  checkRange('intUniform', low, high);
  if (!Number.isInteger(low) || !Number.isInteger(high))
    throw new ValueError(`intUniform: bounds must be integers, got ${formatValue(low)}, ${formatValue(high)}`);
  return {
    kind: 'intUniform',
    low,
    high,
    sample: (u) => Math.min(high, low + Math.floor(u * (high - low + 1))),
    grid: (n) => [
      ...new Set(Array.from({ length: n }, (_, i) => Math.round(n === 1 ? low : low + (i * (high - low)) / (n - 1)))),
    ],
  };
}

/** True for a `choice(...)`. */
export function isChoice(h: Hyper): h is Choice {
  return typeof h === 'object' && !Array.isArray(h) && (h as Choice).kind === 'choice';
}

/** True for a distribution. */
export function isDistribution(h: Hyper): h is Distribution {
  return typeof h === 'object' && !Array.isArray(h) && typeof (h as Distribution).sample === 'function';
}

/**
 * A stable key for a configuration (sorted names), used to recognise finished trials: the order
 * the hyperparameters were written in does not matter. Every value must be one JSON writes and
 * reads back as itself (a finite number, a string, a boolean, or a list of those): NaN, ±Infinity
 * and `undefined` would all be written as `null` and two configurations would share a key, so
 * they are a ValueError.
 *
 * @example
 * ```ts
 * import { configKey } from '@backprop/tuning';
 *
 * console.log(configKey({ units: 32, lr: 0.1 })); // [["lr",0.1],["units",32]]
 * console.log(configKey({ lr: 0.1, units: 32 }) === configKey({ units: 32, lr: 0.1 })); // true
 * ```
 */
export function configKey(config: Config): string {
  if (config === null || typeof config !== 'object' || Array.isArray(config))
    throw new ValueError(
      `configKey: expected a configuration (an object of hyperparameter values), got ${formatValue(config)}`,
    );
  for (const [name, value] of Object.entries(config)) checkHyperValue('configKey', name, value);
  return JSON.stringify(
    Object.keys(config)
      .sort()
      .map((k) => [k, config[k]]),
  );
}
