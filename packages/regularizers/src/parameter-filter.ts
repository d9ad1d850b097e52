/** Choosing which parameters a penalty or constraint applies to: weights only by default, or a predicate or name list. */
import { type Parameter, ValueError } from '@backprop/core';

/**
 * Which parameters to act on: a predicate, or a list of exact dotted names (`'0.weight'`).
 * The default takes every parameter whose name ends in `weight` (weights, not biases, as the lecture's
 * `λ/2 Σ_l Σ_ij (W_ji^(l))²`); note batch normalization's γ is also named `weight`.
 */
export type ParameterFilter = ((p: Parameter) => boolean) | readonly string[];

/** True for parameters whose dotted name ends in `weight` (`0.weight`, `weight`), false for biases. */
export const isWeight = (p: Parameter): boolean => p.name === 'weight' || p.name.endsWith('.weight');

/** Throws a ValueError unless `filter` is undefined, a function or an array of strings. */
export function checkFilter(op: string, filter: unknown): void {
  if (filter === undefined || typeof filter === 'function') return;
  if (!Array.isArray(filter) || filter.some((n) => typeof n !== 'string')) {
    throw new ValueError(`${op}: filter must be a predicate or a list of parameter names, got ${String(filter)}`);
  }
}

/**
 * The parameters of `params` that `filter` selects. A name list must name existing parameters only:
 * an unknown name is a ValueError listing the names there are (a frozen parameter is not passed by `fit`).
 */
export function selectParameters(
  op: string,
  params: readonly Parameter[],
  filter: ParameterFilter = isWeight,
): Parameter[] {
  if (typeof filter === 'function') return params.filter(filter);
  const byName = new Map(params.map((p) => [p.name, p]));
  const unknown = filter.filter((n) => !byName.has(n));
  if (unknown.length > 0) {
    throw new ValueError(
      `${op}: unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}, got parameters [${[...byName.keys()].join(', ')}]; names are dotted paths like "0.weight" (frozen parameters are not passed)`,
    );
  }
  return filter.map((n) => byName.get(n)!);
}
