/** Parameter groups: subsets of parameters with their own hyperparameters (learning rate, weight decay, ...). */
import type { Parameter } from '@backprop/core';

/** The hyperparameters every optimizer has. */
export interface BaseHyper {
  /** γ, the learning rate. */
  lr: number;
  /** λ, weight decay (coupled, except AdamW's). */
  weightDecay: number;
}

/**
 * A group's selection and overrides: list the parameters (`params`) or select them with a
 * predicate (`match`); any hyperparameter left out takes the optimizer's default. A group must
 * select something, and a parameter may be listed (`params`) by one group only; predicates may
 * overlap (the first group that matches wins).
 *
 * @example No weight decay on biases:
 * ```ts
 * adamW({ lr: 1e-3, groups: [{ match: (p) => p.name.endsWith('bias'), weightDecay: 0 }] });
 * ```
 */
export type ParamGroupSpec<H> = Partial<H> & {
  /** The parameters of this group. */
  params?: readonly Parameter[];
  /** Or a predicate selecting them (by name, shape, ...). */
  match?: (p: Parameter) => boolean;
};

/** A resolved group: every hyperparameter set; change `lr` (schedules do) or others between steps. */
export type ParamGroup<H> = H & {
  readonly params?: readonly Parameter[];
  readonly match?: (p: Parameter) => boolean;
};

/**
 * A hyperparameter value as a group's own: arrays (`betas`) and plain objects are copied, deeply,
 * so no group shares one with another group or with the options the caller passed (an in-place
 * edit of one group's `betas` changes that group only, eager, compiled and resumed alike). Other
 * values (numbers, strings, booleans, class instances) are taken as they are.
 */
export function ownHyperValue<T>(value: T): T {
  if (Array.isArray(value)) return value.map(ownHyperValue) as T;
  if (value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null)
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, ownHyperValue(v)])) as T;
  }
  return value;
}

/** A group's hyperparameters with its own copy of every array and plain-object value (not of `params` or `match`). */
function ownGroup<H>(values: object): ParamGroup<H> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) out[k] = k === 'params' || k === 'match' ? v : ownHyperValue(v);
  return out as ParamGroup<H>;
}

/**
 * Resolves group specs against defaults; the default group (every other parameter) comes last.
 * Every group holds its own copies of array and plain-object hyperparameters (see
 * {@link ownHyperValue}): neither the defaults nor a spec are aliased.
 */
export function resolveGroups<H extends BaseHyper>(
  defaults: H,
  specs: readonly ParamGroupSpec<H>[] = [],
): ParamGroup<H>[] {
  const groups: ParamGroup<H>[] = specs.map((s) => {
    const overrides = Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined));
    return ownGroup<H>({ ...defaults, ...overrides });
  });
  groups.push(ownGroup<H>({ ...defaults }));
  return groups;
}

/** The group a parameter belongs to: the first that lists or matches it, else the default (last). */
export function groupOf<H>(groups: readonly ParamGroup<H>[], p: Parameter): ParamGroup<H> {
  for (let i = 0; i < groups.length - 1; i++) {
    const g = groups[i];
    if (g.params?.includes(p) || g.match?.(p)) return g;
  }
  return groups[groups.length - 1];
}
