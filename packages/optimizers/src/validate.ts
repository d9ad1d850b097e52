/** Eager validation of hyperparameters and of the params/grads pairs a step receives. */
import {
  boolean,
  checkOptionNames,
  DTypeError,
  formatShape,
  formatValue,
  inRange,
  invalid,
  nonNegative,
  optionNames,
  otherCopyHint,
  Parameter,
  ShapeError,
  shapesEqual,
  Tensor,
  ValueError,
} from '@backprop/core';
import type { CommonOptions } from './optimizer-base.js';
import type { BaseHyper } from './param-groups.js';

/** Throws a ValueError unless `value` is a finite number ≥ 0 (core's `nonNegative`). */
export const checkNonNegative: (op: string, name: string, value: unknown) => void = nonNegative;

/** Throws a ValueError unless lo ≤ value < hi (or ≤ hi with `closed`) (core's `inRange`). */
export const checkInRange: (
  op: string,
  name: string,
  value: unknown,
  lo: number,
  hi: number,
  closed?: boolean,
) => void = inRange;

/** The options every optimizer takes besides its hyperparameters. */
const COMMON_OPTIONS = optionNames<CommonOptions<BaseHyper>>({ groups: true, clipGradNorm: true, clipGradValue: true });

/**
 * An optimizer's options as given: `undefined` means none; anything but a plain object is a
 * ValueError. TF.js and Keras take the learning rate as the first argument (`tf.train.sgd(0.1)`),
 * and a number read as options would otherwise train with the default rate without a word.
 */
export function optimizerOptions<T extends object>(op: string, options: T | undefined): T {
  if (options === undefined) return {} as T;
  const proto = options !== null && typeof options === 'object' ? Object.getPrototypeOf(options) : undefined;
  if (proto === Object.prototype || proto === null) return options;
  const hint = typeof options === 'number' ? ` (the learning rate goes in the options: { lr: ${options} })` : '';
  throw new ValueError(`${op}: the options must be given as an object ({ lr, … }), got ${formatValue(options)}${hint}`);
}

/** Other libraries' names for our options: Keras / TF.js (`beta1`, `epsilon`, `decay`, `rho`), Optax, PyTorch. */
const ALIASES: Readonly<Record<string, string>> = {
  beta1: 'betas',
  beta2: 'betas',
  b1: 'betas',
  b2: 'betas',
  epsilon: 'eps',
  learningRate: 'lr',
  learning_rate: 'lr',
  decay: 'alpha',
  rho: 'alpha',
  initialAccumulator: 'initialAccumulatorValue',
};

/** Checks an optimizer's options besides its hyperparameters (`rest`) and each group's keys. */
export function checkOptimizerOptionNames(
  op: string,
  hyperparameters: readonly string[],
  rest: object,
  groups: readonly object[] | undefined,
): void {
  // The subclass took its hyperparameters out of the options: `rest` holds the common options and strays.
  checkOptionNames(op, rest, [...hyperparameters, ...COMMON_OPTIONS], { aliases: ALIASES });
  groups?.forEach((g, i) => {
    if (g === null || typeof g !== 'object' || Array.isArray(g))
      throw new ValueError(`${op}: groups[${i}] must be a parameter group object, got ${formatValue(g)}`);
    checkOptionNames(`${op} (groups[${i}])`, g, [...hyperparameters, 'params', 'match'], {
      what: 'group key',
      aliases: ALIASES,
    });
  });
  if (groups) checkGroupSelectors(op, groups);
}

/**
 * Checks how each group selects its parameters: a list of Parameters (`params`), a predicate
 * (`match`), or both, and no parameter listed by two groups. A group that selects nothing would
 * never apply its hyperparameters; a parameter listed twice would silently take the first group's
 * (PyTorch refuses both). Predicates may overlap: a parameter takes the first group it matches.
 */
function checkGroupSelectors(op: string, groups: readonly object[]): void {
  const listedBy = new Map<Parameter, number>();
  groups.forEach((g, i) => {
    const { params, match } = g as { params?: unknown; match?: unknown };
    if (params === undefined && match === undefined)
      throw new ValueError(
        `${op}: groups[${i}] selects no parameters: give it params (a list of Parameters) or match (a predicate)`,
      );
    if (match !== undefined && typeof match !== 'function')
      throw new ValueError(`${op}: groups[${i}].match must be a function of a Parameter, got ${formatValue(match)}`);
    if (params === undefined) return;
    if (!Array.isArray(params))
      throw new ValueError(`${op}: groups[${i}].params must be a list of Parameters, got ${formatValue(params)}`);
    params.forEach((p, j) => {
      if (!(p instanceof Parameter))
        throw new ValueError(
          `${op}: groups[${i}].params[${j}] is not a Parameter (model.parameters() lists them), got ${formatValue(p)}${otherCopyHint(p, 'Parameter')}`,
        );
      const first = listedBy.get(p);
      if (first !== undefined && first !== i)
        throw new ValueError(
          `${op}: parameter ${p.name} is listed by groups[${first}] and groups[${i}]; a parameter belongs to one group`,
        );
      listedBy.set(p, i);
    });
  });
}

/** The ranges a transformation's hyperparameter can be held to: ≥ 0, [0, 1], [0, 1) (a β), or any finite number. */
export type TransformRule = 'nonNegative' | 'unit' | 'beta' | 'finite';

/** True when `value` is a number in `rule`'s range (the check's fast path: it allocates nothing). */
export function meetsRule(value: unknown, rule: TransformRule): boolean {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (rule === 'finite') return true;
  return value >= 0 && (rule === 'unit' ? value <= 1 : rule === 'beta' ? value < 1 : true);
}

/**
 * Throws a ValueError unless `value` satisfies the rule its optimizer applies to it (a Tensor,
 * handed over by an optimizer, is taken as it is): the public transforms check their
 * hyperparameters as the optimizer classes do, since a negative decay or a NaN rate would corrupt
 * the parameters without a word. The optimizer classes build their transforms at every step, so
 * the passing case costs a few comparisons and allocates nothing.
 */
export function checkTransform(op: string, name: string, value: unknown, rule: TransformRule = 'nonNegative'): void {
  if (meetsRule(value, rule) || value instanceof Tensor) return;
  if (rule === 'nonNegative') checkNonNegative(op, name, value);
  else if (rule === 'unit') checkInRange(op, name, value, 0, 1, true);
  else if (rule === 'beta') checkInRange(op, name, value, 0, 1);
  else throw new ValueError(`${op}: ${name} must be a finite number, got ${formatValue(value)}`);
}

/** Throws a ValueError unless `value` is true or false (core's `boolean`). */
export const checkBoolean: (op: string, name: string, value: unknown) => void = boolean;

/** Throws a ValueError unless `value` is one of `choices`. */
export function checkChoice(op: string, name: string, value: unknown, choices: readonly string[]): void {
  if (!choices.includes(value as string)) invalid(op, name, `one of ${choices.map((c) => `'${c}'`).join(', ')}`, value);
}

/** Throws a ValueError unless `betas` is a pair in [0, 1). */
export function checkBetas(op: string, betas: readonly [number, number]): void {
  if (!Array.isArray(betas) || betas.length !== 2)
    throw new ValueError(`${op}: betas must be a pair [β₁, β₂], got ${formatValue(betas)}`);
  checkInRange(op, 'betas[0]', betas[0], 0, 1);
  checkInRange(op, 'betas[1]', betas[1], 0, 1);
}

/**
 * Checks that `params` and `grads` pair up: same count, Parameters with live float32
 * values, live gradients of the same shape and dtype, no parameter twice.
 */
export function checkPairs(op: string, params: readonly Parameter[], grads: readonly Tensor[]): void {
  if (!Array.isArray(params) || !Array.isArray(grads)) throw new ValueError(`${op}: params and grads must be arrays`);
  if (params.length !== grads.length) {
    throw new ValueError(`${op}: params and grads must pair up, got ${params.length} params and ${grads.length} grads`);
  }
  const seen = new Set<Parameter>();
  params.forEach((p, i) => {
    if (!(p instanceof Parameter))
      throw new ValueError(`${op}: params[${i}] is not a Parameter${otherCopyHint(p, 'Parameter')}`);
    if (seen.has(p)) throw new ValueError(`${op}: parameter ${p.name} appears twice in params`);
    seen.add(p);
    const g = grads[i];
    if (!g || typeof g.assertLive !== 'function') throw new ValueError(`${op}: grads[${i}] is not a Tensor`);
    p.value.assertLive(`${op} (param ${p.name})`);
    g.assertLive(`${op} (grad of ${p.name})`);
    if (p.value.dtype !== 'float32')
      throw new DTypeError(`${op}: parameter ${p.name} must be float32, got ${p.value.dtype}`);
    if (g.dtype !== p.value.dtype)
      throw new DTypeError(`${op}: the grad of ${p.name} is ${g.dtype}, the parameter ${p.value.dtype}`);
    if (!shapesEqual(g.shape, p.value.shape)) {
      throw new ShapeError(
        `${op}: the grad of ${p.name} has shape ${formatShape(g.shape)}, the parameter ${formatShape(p.value.shape)}`,
      );
    }
  });
}

/**
 * Checks `Optimizer.step`'s options: flags that are booleans, and a guard only together with
 * `inPlace` (on its own it would guard nothing). The guard's dtype and shape are checked where it
 * is used (`InPlaceUpdates`).
 */
export function checkStepOptions(op: string, options: unknown): void {
  if (options === null || typeof options !== 'object')
    throw new ValueError(`${op}: options must be an object, got ${formatValue(options)}`);
  const { releaseGradients, inPlace, guard } = options as Record<string, unknown>;
  for (const [name, v] of [
    ['releaseGradients', releaseGradients],
    ['inPlace', inPlace],
  ] as const)
    if (v !== undefined && typeof v !== 'boolean')
      throw new ValueError(`${op}: options.${name} must be true or false, got ${formatValue(v)}`);
  if (guard !== undefined && inPlace !== true)
    throw new ValueError(`${op}: options.guard applies to in-place updates only; pass inPlace: true with it`);
}
