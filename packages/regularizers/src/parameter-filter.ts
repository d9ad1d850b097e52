/** Choosing which parameters a penalty or constraint applies to: weight matrices only by default, or a predicate or name list. */
import { formatValue, type Parameter, ValueError } from '@backprop/core';

/**
 * Which parameters to act on: a predicate, or a list of exact dotted names (`'0.weight'`).
 * The default takes the weight matrices — parameters named `weight` of rank ≥ 2, `(p) => isWeight(p) && p.value.rank >= 2` —
 * as the lecture's `λ/2 Σ_l Σ_ij (W_ji^(l))²` (Keras' `kernel_regularizer`). Biases and the rank-1 γ of
 * batch and layer normalization (also named `weight`, as in PyTorch) are left out.
 */
export type ParameterFilter = ((p: Parameter) => boolean) | readonly string[];

/**
 * True for parameters whose dotted name ends in `weight` (`0.weight`, `weight`), false for biases.
 * This includes the rank-1 γ of `batchNorm1d` and `layerNorm`; as a penalty's `filter` it gives the
 * penalties' default before weight matrices became the default (`l2(λ, { filter: isWeight })`).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 * import { isWeight, l2 } from '@backprop/regularizers';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(2, 2));
 * console.log(model.namedParameters().map(([name, p]) => [name, isWeight(p)])); // [['0.weight', true], ['0.bias', false]]
 * const penalty = l2(1e-4, { filter: isWeight }); // every weight, matrices or not
 * ```
 */
export const isWeight = (p: Parameter): boolean => p.name === 'weight' || p.name.endsWith('.weight');

/**
 * True for weight matrices: parameters named `weight` ({@link isWeight}) of rank ≥ 2 — dense
 * `[inputs, units]` weights and the like — and false for biases and the rank-1 scale γ of batch and
 * layer normalization. The default of the penalties (`l2`, `l1`, `elasticNet`) and of `maxNorm`.
 */
export const isWeightMatrix = (p: Parameter): boolean => isWeight(p) && p.value.rank >= 2;

/**
 * Throws a ValueError unless `filter` is undefined, a function or an array of distinct strings: a
 * name listed twice would select its parameter twice (an L2 penalty would count it twice).
 */
export function checkFilter(op: string, filter: unknown): void {
  if (filter === undefined || typeof filter === 'function') return;
  if (!Array.isArray(filter) || filter.some((n) => typeof n !== 'string')) {
    throw new ValueError(`${op}: filter must be a predicate or a list of parameter names, got ${String(filter)}`);
  }
  const twice = [...new Set(filter.filter((n, i) => filter.indexOf(n) !== i))];
  if (twice.length > 0) {
    throw new ValueError(
      `${op}: filter must list each parameter once, got ${twice.map((n) => `"${n}"`).join(', ')} more than once in ${formatValue(filter)}`,
    );
  }
}

/**
 * The parameters of `params` that `filter` selects. A name list must name existing parameters only,
 * each once: an unknown name is a ValueError listing the names there are (a frozen parameter is not
 * passed by `fit`), and so is a name listed twice.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 * import { selectParameters } from '@backprop/regularizers';
 *
 * await setBackend(cpu());
 * const params = nn.sequential(nn.dense(2, 2)).parameters();
 * const weights = selectParameters('myPenalty', params); // by default: the weight matrices
 * ```
 */
export function selectParameters(
  op: string,
  params: readonly Parameter[],
  filter: ParameterFilter = isWeightMatrix,
): Parameter[] {
  checkFilter(op, filter);
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
