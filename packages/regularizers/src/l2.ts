/** The L2 weight penalty λ/2 Σ W², the lecture's weight decay, over the weight matrices. */
import { checkOptionNames, optionNames, sum } from '@backprop/core';
import { nonNegative } from './check.js';
import { type PenaltyOptions, WeightPenalty } from './weight-penalty.js';

/**
 * L2 penalty `λ/2 · Σ_l Σ_ij (W_ij^(l))²`, exactly the lecture's, over the weight matrices only: by
 * default the parameters named `weight` of rank ≥ 2 (dense weights). Biases are excluded, and so is the
 * rank-1 scale γ of `batchNorm1d` and `layerNorm` even though PyTorch also names it `weight`: the
 * lecture's sum runs over the connection weights W^(l), γ is not one of them, and shrinking γ towards 0
 * fights the normalization rather than the model's capacity (Keras' `kernel_regularizer` leaves it alone
 * too). Its gradient is `λW`.
 *
 * Other parameters on request with `filter`: `l2(λ, { filter: isWeight })` adds γ back (the default
 * before weight matrices became the default), `l2(λ, { filter: () => true })` penalizes every parameter,
 * biases included, which is the gradient of PyTorch's coupled `SGD(weight_decay=λ)`. scikit-learn's MLP
 * adds `α/2 · Σ‖W‖² / n_samples` (n = the batch size; weights only): use `l2(α / n)`. Keras'
 * `regularizers.L2(l)` is `l · Σ W²` without the ½: use `l2(2·l)`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { fit, losses, nn, setBackend, tensor } from '@backprop/core';
 * import { sgd } from '@backprop/optimizers';
 * import { l2 } from '@backprop/regularizers';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(1, 1));
 * // Adds 1e-4·Σw² over the weights (not the biases) to the loss.
 * await fit(model, tensor([[1]]), tensor([[2]]), { loss: losses.mse, optimizer: sgd(), penalties: [l2(1e-4)], verbose: false });
 * ```
 * @throws ValueError when λ is not a finite number ≥ 0 or the filter is malformed.
 */
export function l2(lambda: number, options: PenaltyOptions = {}): WeightPenalty {
  checkOptionNames('l2', options, optionNames<PenaltyOptions>({ filter: true }));
  const { filter } = options;
  nonNegative('l2', 'lambda', lambda);
  return new WeightPenalty('l2', (w) => sum(w.square()).mul(lambda / 2), filter);
}
