/** The L1 weight penalty λ Σ |W| over the weight matrices. */
import { checkOptionNames, optionNames, sum } from '@backprop/core';
import { nonNegative } from './check.js';
import { type PenaltyOptions, WeightPenalty } from './weight-penalty.js';

/**
 * L1 penalty `λ · Σ_l Σ_ij |W_ij^(l)|` over the weight matrices only by default (parameters named
 * `weight` of rank ≥ 2; biases and the γ of batch and layer normalization are excluded, as for
 * `l2`; `filter: isWeight` adds γ, `filter: () => true` takes everything). Its gradient is
 * `λ·sign(W)`, with sign(0) = 0 (core's `abs` rule, as PyTorch's). Same as Keras' `regularizers.L1(λ)`
 * as a `kernel_regularizer`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 * import { l1 } from '@backprop/regularizers';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(3, 1));
 * const penalty = l1(0.01).loss(model.parameters()); // 0.01·Σ|w| over the weights, a scalar tensor
 * ```
 * @throws ValueError when λ is not a finite number ≥ 0 or the filter is malformed.
 */
export function l1(lambda: number, options: PenaltyOptions = {}): WeightPenalty {
  checkOptionNames('l1', options, optionNames<PenaltyOptions>({ filter: true }));
  const { filter } = options;
  nonNegative('l1', 'lambda', lambda);
  return new WeightPenalty('l1', (w) => sum(w.abs()).mul(lambda), filter);
}
