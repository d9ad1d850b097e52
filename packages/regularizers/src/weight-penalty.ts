/** WeightPenalty: the shared shape of L1, L2 and elastic net — a sum over selected parameters of a per-tensor term. */
import { add, type Parameter, type Penalty, scalar, type Tensor } from '@backprop/core';
import { checkFilter, type ParameterFilter, selectParameters } from './parameter-filter.js';

/** Options every penalty takes. */
export interface PenaltyOptions {
  /**
   * Which parameters are penalized: a predicate or a list of exact dotted names. Default: the weight
   * matrices (parameters named `weight` of rank ≥ 2), so biases and the γ of batch and layer
   * normalization are not penalized. `isWeight` adds γ back (the default before), `() => true`
   * penalizes every parameter, biases included (PyTorch's `weight_decay`).
   */
  filter?: ParameterFilter;
}

/**
 * A penalty Σ_p term(W_p) over the selected parameters (by default the weight matrices, see {@link PenaltyOptions.filter}). Implements core's `Penalty`: `fit` adds
 * `loss(params)` to the training loss (inside the gradient), and a custom loop may call it the same way.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { abs, max, nn, setBackend } from '@backprop/core';
 * import { isWeight, WeightPenalty } from '@backprop/regularizers';
 *
 * await setBackend(cpu());
 * const maxAbs = new WeightPenalty('maxAbs', (w) => max(abs(w)), isWeight); // a custom penalty, summed over weights
 * const value = maxAbs.loss(nn.sequential(nn.dense(2, 2)).parameters());
 * ```
 */
export class WeightPenalty implements Penalty {
  readonly #filter: ParameterFilter | undefined;

  constructor(
    /** A short name for logs. */
    readonly name: string,
    private readonly term: (w: Tensor) => Tensor,
    filter: ParameterFilter | undefined,
  ) {
    checkFilter(name, filter);
    this.#filter = filter;
  }

  /** The parameters this penalty acts on, among `params` (throws on unknown names in a name list). */
  select(params: readonly Parameter[]): Parameter[] {
    return selectParameters(this.name, params, this.#filter);
  }

  /** The scalar penalty for `params` (0 when none is selected). */
  loss(params: readonly Parameter[]): Tensor {
    const chosen = this.select(params);
    let total: Tensor | undefined;
    for (const p of chosen) {
      if (p.value.dtype !== 'float32') continue;
      const t = this.term(p.value);
      total = total ? add(total, t) : t;
    }
    return total ?? scalar(0);
  }
}
