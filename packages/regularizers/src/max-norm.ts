/** Max-norm: a constraint that rescales each unit's incoming weight vector to norm ≤ c after every optimizer step. */
import {
  type Callback,
  checkOptionNames,
  formatValue,
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
   * stores the transpose, so `torch.renorm(W, 2, 0, c)` there is the same constraint). An integer or
   * a non-empty list of distinct integers, checked when the constraint is made.
   */
  axis?: number | number[];
  /** Which parameters (default: names ending in `weight` of rank ≥ 2). */
  filter?: ParameterFilter;
}

const defaultFilter = (p: Parameter) => isWeight(p) && p.value.rank >= 2;

/** Every option of {@link maxNorm} and {@link applyMaxNorm}. */
const MAX_NORM_OPTIONS = optionNames<MaxNormOptions>({ axis: true, filter: true });

// NOTE: no alias for torch.renorm's `dim`: it names the axis whose slices are renormed, the complement of `axis` here.
const MAX_NORM_ALIASES = { axes: 'axis' };

/** The checked options: the axes as a list, the filter, and the axis as given (for messages). */
interface Checked {
  axes: number[];
  filter: ParameterFilter;
  axis: number | number[];
}

/**
 * The checks that need no parameter: c, the option names, the filter's form and the axes (an
 * integer or a non-empty list of distinct integers).
 */
function checkOptions(c: unknown, options: MaxNormOptions): Checked {
  checkOptionNames('maxNorm', options, MAX_NORM_OPTIONS, { aliases: MAX_NORM_ALIASES });
  const { axis = 0, filter } = options;
  positive('maxNorm', 'c', c);
  checkFilter('maxNorm', filter);
  const axes = typeof axis === 'number' ? [axis] : axis;
  if (
    !Array.isArray(axes) ||
    axes.length === 0 ||
    !axes.every((a) => Number.isInteger(a)) ||
    new Set(axes).size !== axes.length
  ) {
    // An empty list would take each entry as its own "slice", clipping |w| elementwise: not a max-norm.
    throw new ValueError(
      `maxNorm: axis must be an integer or a non-empty list of distinct integers (the axes of one norm), got ${formatValue(axis)}`,
    );
  }
  return { axes: [...axes], filter: filter ?? defaultFilter, axis };
}

/**
 * The parameters `filter` selects, each checked against `axes` (in range, no axis named twice):
 * every selected parameter is checked before any is changed.
 */
function chosenParameters(params: readonly Parameter[], { axes, filter, axis }: Checked): Parameter[] {
  const chosen = selectParameters('maxNorm', params, filter);
  for (const p of chosen) {
    const rank = p.value.rank;
    const bad = axes.find((a) => a < -rank || a >= rank);
    if (bad !== undefined) {
      throw new ValueError(
        `maxNorm: axis ${bad} is out of range for ${p.name} of rank ${rank}: expected axes in [${-rank}, ${rank - 1}]`,
      );
    }
    if (new Set(axes.map((a) => (a < 0 ? a + rank : a))).size !== axes.length) {
      throw new ValueError(
        `maxNorm: axis ${formatValue(axis)} names the same axis of ${p.name} (rank ${rank}) twice; give each axis once`,
      );
    }
  }
  return chosen;
}

function project(chosen: readonly Parameter[], c: number, axes: number[]): void {
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
 * Rescales, in place of each selected parameter, every slice whose L2 norm exceeds `c` to norm
 * exactly `c` (`w ← w·c/‖w‖`); slices within the ball are left bit-for-bit unchanged. Keras' `MaxNorm`
 * instead multiplies every slice by `min(‖w‖, c)/(‖w‖ + 1e-7)`, which differs by about 1e-7 relative.
 * For custom loops: call after `optimizer.step`. Every argument and every selected parameter is
 * checked before any parameter changes.
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
 * @throws ValueError when c is not > 0, an option is unknown, the axis is not an integer or a non-empty list of
 * distinct integers or is out of range for a selected parameter, or the filter is malformed or names an unknown parameter.
 */
export function applyMaxNorm(params: readonly Parameter[], c: number, options: MaxNormOptions = {}): void {
  const checked = checkOptions(c, options);
  project(chosenParameters(params, checked), c, checked.axes);
}

/**
 * The max-norm constraint as a `fit` callback: after every batch (after the optimizer step) each
 * selected weight's units are projected onto the ball of radius `c` (Srivastava et al. 2014 use c ≈ 3–4
 * together with dropout). `maxNorm(3)` for dense layers; see {@link applyMaxNorm}.
 *
 * Its arguments are checked when it is made; what depends on the model — a name in `filter` that
 * is not a trainable parameter, an axis beyond a selected parameter's rank — when training begins,
 * before the first optimizer step.
 *
 * @example
 * ```ts
 * import { maxNorm } from '@backprop/regularizers';
 *
 * // After every step, rescale each unit's incoming weights to an L2 norm of at most 3 (Srivastava et al.).
 * const callbacks = [maxNorm(3)];
 * ```
 * @throws ValueError when c is not > 0, an option is unknown, the axis is not an integer or a non-empty list of
 * distinct integers, or the filter is not a predicate or a list of distinct names.
 */
export function maxNorm(c: number, options: MaxNormOptions = {}): Callback {
  const checked = checkOptions(c, options);
  const chosen = (model: Module) =>
    chosenParameters(
      model.parameters().filter((p) => p.trainable),
      checked,
    );
  return {
    // The optimizer has not stepped yet: a filter or axis that does not fit the model fails here, with every weight unchanged.
    onTrainBegin: (ctx) => void chosen(ctx.model),
    onBatchEnd: (_batch, _logs, ctx) => project(chosen(ctx.model), c, checked.axes),
  };
}
