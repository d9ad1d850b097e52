/** The elastic-net penalty: an L1 and an L2 term together, over the weight matrices. */
import { add, checkOptionNames, optionNames, sum } from '@backprop/core';
import { nonNegative } from './check.js';
import { type PenaltyOptions, WeightPenalty } from './weight-penalty.js';

/** Options of {@link elasticNet}. */
export interface ElasticNetOptions extends PenaltyOptions {
  /** Coefficient of Σ|W| (default 0). */
  l1?: number;
  /** Coefficient of ½ Σ W² (default 0), as in `l2`. */
  l2?: number;
}

/**
 * Elastic net `l1 · Σ|W| + l2/2 · Σ W²` over the weight matrices only by default (parameters named
 * `weight` of rank ≥ 2; biases and the γ of batch and layer normalization are excluded, as for
 * `l2`; `filter: isWeight` adds γ, `filter: () => true` takes everything). scikit-learn's
 * `ElasticNet(alpha, l1_ratio)` penalty `α·ρ·‖w‖₁ + α(1−ρ)/2·‖w‖²` is `{ l1: αρ, l2: α(1−ρ) }`;
 * Keras' `L1L2(l1, l2)` (no ½) is `{ l1, l2: 2·l2 }`.
 *
 * @example
 * ```ts
 * import { elasticNet } from '@backprop/regularizers';
 *
 * const penalty = elasticNet({ l1: 1e-5, l2: 1e-4 }); // pass in fit's or trainStep's `penalties`
 * ```
 * @throws ValueError when a coefficient is not a finite number ≥ 0 or the filter is malformed.
 */
export function elasticNet(options: ElasticNetOptions = {}): WeightPenalty {
  checkOptionNames('elasticNet', options, optionNames<ElasticNetOptions>({ l1: true, l2: true, filter: true }));
  const { l1 = 0, l2 = 0, filter } = options;
  nonNegative('elasticNet', 'l1', l1);
  nonNegative('elasticNet', 'l2', l2);
  return new WeightPenalty('elasticNet', (w) => add(sum(w.abs()).mul(l1), sum(w.square()).mul(l2 / 2)), filter);
}
