/** Regression metrics: mean absolute error and R² (scikit-learn's `r2_score`), exact over an epoch. */
import { formatShape, ShapeError } from '../errors.js';
import { mul, sub } from '../ops/binary.js';
import { cast } from '../ops/cast.js';
import { concat } from '../ops/concat.js';
import { sum } from '../ops/reduce.js';
import { reshape } from '../ops/reshape.js';
import { abs } from '../ops/unary.js';
import type { Tensor } from '../tensor.js';
import type { Metric, MetricFn } from './metric.js';

/** Rows in a batch (1 for a scalar prediction). */
const rowsOf = (prediction: Tensor): number => (prediction.rank === 0 ? 1 : prediction.shape[0]);

/**
 * The sum over examples (rows along axis 0 of `prediction`) of the mean of `values` over an
 * example's outputs: what the per-example metrics return, which `fit` and `evaluate` divide by the
 * number of examples. `values` holds one number per output (an absolute error, a 1 or 0 for a
 * correct prediction), so a prediction [N, T, K] with a value per position has T per example.
 */
export function sumPerExample(values: Tensor, prediction: Tensor): Tensor {
  const perExample = values.size / Math.max(rowsOf(prediction), 1);
  return perExample > 1 ? mul(sum(values), 1 / perExample) : sum(values);
}

/**
 * The target as float32 in the prediction's shape (targets of shape [N] for predictions [N, 1]
 * too), so that no broadcast turns a difference into an N×N matrix.
 */
export function targetLike(op: string, prediction: Tensor, target: Tensor): Tensor {
  if (target.size !== prediction.size)
    throw new ShapeError(
      `${op}: expected one target per output, got prediction ${formatShape(prediction.shape)} and target ${formatShape(target.shape)}`,
    );
  return reshape(target.dtype === 'float32' ? target : cast(target, 'float32'), prediction.shape);
}

/**
 * Sum over examples of the mean absolute error across outputs: `mae` in the logs is scikit-learn's
 * `mean_absolute_error` (the mean over every output of every example).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { maeSum, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await maeSum(tensor([1, 2]), tensor([2, 4])).item()); // 3: Σ|p − y|
 * ```
 */
export const maeSum: MetricFn = (prediction, target) => {
  return sumPerExample(abs(sub(prediction, targetLike('mae', prediction, target))), prediction);
};

/**
 * R², the coefficient of determination, as scikit-learn's `r2_score`: 1 − Σ(y − ŷ)² / Σ(y − ȳ)²
 * per output column, averaged over columns (`multioutput='uniform_average'`), with ȳ the mean
 * over the whole epoch or dataset — the sums are added over batches, never averaged per batch.
 * A constant target column scores 1 when predicted exactly and 0 otherwise (sklearn's
 * `force_finite`); fewer than two examples give NaN, as there. The sums are float32 per batch:
 * standardise targets whose mean dwarfs their spread.
 */
export const r2Score: Metric<'r2'> = {
  name: 'r2',
  sums(prediction, target) {
    const rows = rowsOf(prediction);
    const shape = [rows, prediction.size / Math.max(rows, 1)];
    const y = reshape(targetLike('r2', prediction, target), shape);
    const d = sub(y, reshape(prediction, shape));
    return concat([sum(y, 0), sum(mul(y, y), 0), sum(mul(d, d), 0)], 0);
  },
  result(totals, count) {
    // Undefined for one example (no spread to explain): NaN, as scikit-learn's r2_score gives.
    if (count < 2) return Number.NaN;
    const outputs = totals.length / 3;
    let total = 0;
    for (let j = 0; j < outputs; j++) {
      const [sy, syy, sse] = [totals[j], totals[outputs + j], totals[2 * outputs + j]];
      const sst = syy - (sy * sy) / count;
      // float32 sums cannot resolve a spread below ~1e-6 of the mean square: call that constant.
      const constant = !(sst > 1e-6 * syy);
      total += constant ? (sse === 0 ? 1 : 0) : 1 - sse / sst;
    }
    return total / Math.max(outputs, 1);
  },
};
