/** Max-norm: a constraint that rescales each unit's incoming weight vector to norm ≤ c after every optimizer step. */
import {
  type Callback,
  checkOptionNames,
  greater,
  type Module,
  optionNames,
  type Parameter,
  sqrt,
  square,
  sum,
  tidy,
  ValueError,
  where,
} from '@backprop/core';
import { positive } from './check.js';
import { checkFilter, isWeight, type ParameterFilter, selectParameters } from './parameter-filter.js';

/** Options of {@link maxNorm} and {@link applyMaxNorm}. */
export interface MaxNormOptions {
  /**
   * Axes whose entries make up one norm (default 0). A dense weight W is `[inputs, units]`, so axis 0
   * takes each column: the incoming weights of one unit (Keras' `MaxNorm(axis=0)`; PyTorch's Linear
   * stores the transpose, so `torch.renorm(W, 2, 0, c)` there is the same constraint).
   */
  axis?: number | number[];
  /** Which parameters (default: names ending in `weight` of rank ≥ 2). */
  filter?: ParameterFilter;
}

const defaultFilter = (p: Parameter) => isWeight(p) && p.value.rank >= 2;

/**
 * Rescales, in place of each selected parameter, every slice whose L2 norm exceeds `c` to norm
 * exactly `c` (`w ← w·c/‖w‖`); slices within the ball are left bit-for-bit unchanged. Keras' `MaxNorm`
 * instead multiplies every slice by `min(‖w‖, c)/(‖w‖ + 1e-7)`, which differs by about 1e-7 relative.
 * For custom loops: call after `optimizer.step`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 * import { applyMaxNorm } from '@backprop/regularizers';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(4, 8, { weightInit: nn.constantInit(10) }));
 * applyMaxNorm(model.parameters(), 2); // each column of the weight now has norm 2
 * ```
 * @throws ValueError when c is not > 0, an axis is out of range, or a name in the filter is unknown.
 */
export function applyMaxNorm(params: readonly Parameter[], c: number, options: MaxNormOptions = {}): void {
  checkOptionNames('maxNorm', options, optionNames<MaxNormOptions>({ axis: true, filter: true }));
  const { axis = 0, filter = defaultFilter } = options;
  positive('maxNorm', 'c', c);
  checkFilter('maxNorm', filter);
  const chosen = selectParameters('maxNorm', params, filter);
  const axes = typeof axis === 'number' ? [axis] : axis;
  for (const p of chosen) {
    const rank = p.value.rank;
    if (axes.some((a) => !Number.isInteger(a) || a < -rank || a >= rank)) {
      throw new ValueError(`maxNorm: axis ${JSON.stringify(axis)} is out of range for ${p.name} of rank ${rank}`);
    }
  }
  for (const p of chosen) {
    const next = tidy(() => {
      const w = p.value;
      const norms = sqrt(sum(square(w), axes, true));
      return w.mul(where(greater(norms, c), norms.reciprocal().mul(c), 1));
    });
    p.assign(next);
  }
}

/**
 * The max-norm constraint as a `fit` callback: after every batch (after the optimizer step) each
 * selected weight's units are projected onto the ball of radius `c` (Srivastava et al. 2014 use c ≈ 3–4
 * together with dropout). `maxNorm(3)` for dense layers; see {@link applyMaxNorm}.
 *
 * @example
 * ```ts
 * import { maxNorm } from '@backprop/regularizers';
 *
 * // After every step, rescale each unit's incoming weights to an L2 norm of at most 3 (Srivastava et al.).
 * const callbacks = [maxNorm(3)];
 * ```
 */
export function maxNorm(c: number, options: MaxNormOptions = {}): Callback {
  positive('maxNorm', 'c', c);
  checkFilter('maxNorm', options.filter);
  const apply = (model: Module) =>
    applyMaxNorm(
      model.parameters().filter((p) => p.trainable),
      c,
      options,
    );
  return { onBatchEnd: (_batch, _logs, ctx) => apply(ctx.model) };
}
