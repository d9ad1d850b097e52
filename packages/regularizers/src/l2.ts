/** The L2 weight penalty λ/2 Σ W², the lecture's weight decay. */
import { sum } from '@backprop/core';
import { nonNegative } from './check.js';
import { type PenaltyOptions, WeightPenalty } from './weight-penalty.js';

/**
 * L2 penalty `λ/2 · Σ_l Σ_ij (W_ij^(l))²` over weights only (biases excluded unless `filter` says
 * otherwise), exactly the lecture's. Its gradient is `λW`, so it equals PyTorch's coupled
 * `SGD(weight_decay=λ)` (which adds λθ to every parameter's gradient, biases included) restricted to
 * the weights. scikit-learn's MLP adds `α/2 · Σ‖W‖² / n_samples` (n = the batch size): use `l2(α / n)`.
 * Keras' `regularizers.L2(l)` is `l · Σ W²` without the ½: use `l2(2·l)`.
 *
 * @example fit(model, train, { ..., penalties: [l2(1e-4)] })
 * @throws ValueError when λ is not a finite number ≥ 0 or the filter is malformed.
 */
export function l2(lambda: number, { filter }: PenaltyOptions = {}): WeightPenalty {
  nonNegative('l2', 'lambda', lambda);
  return new WeightPenalty('l2', (w) => sum(w.square()).mul(lambda / 2), filter);
}
