/**
 * The two shapes a metric takes. A {@link MetricFn} returns one sum per batch, which `fit` and
 * `evaluate` add up and divide by N (accuracy, MSE). A {@link Metric} returns several running
 * sums (R²'s sums of squares, precision's true and predicted positives) and computes its value
 * once from the totals, so it is exact over the whole epoch or dataset, not a mean of batches.
 */
import { ShapeError } from '../errors.js';
import { reshape } from '../ops/reshape.js';
import type { Tensor } from '../tensor.js';

/** A metric as the sum of a per-example quantity over a batch (divided by N later). */
export type MetricFn = (prediction: Tensor, target: Tensor) => Tensor;

/**
 * A metric kept as several running sums, e.g. precision's [true positives, predicted positives,
 * actual positives]. `fit` and `evaluate` add each batch's `sums` over the epoch (or the dataset)
 * and call `result` once with the totals, so the value is the one over all examples.
 *
 * @example
 * ```ts
 * // The fraction of outputs above 0, over every output of the epoch: two sums.
 * const positive: Metric<'positive'> = {
 *   name: 'positive',
 *   sums: (p) => concat([reshape(sum(cast(greater(p, 0), 'float32')), [1]), tensor([p.size])], 0),
 *   result: ([pos, outputs]) => pos / outputs,
 * };
 * await fit(model, data, { loss, optimizer, metrics: ['accuracy', positive] });
 * ```
 */
export interface Metric<Name extends string = string> {
  /** Its key in the logs when given alone in `metrics` (a `[name, metric]` pair renames it). */
  readonly name: Name;
  /** The batch's sums as a 1-D float32 tensor, of the same length on every batch. */
  sums(prediction: Tensor, target: Tensor): Tensor;
  /** The metric from the sums added over all batches, and the number of examples they saw. */
  result(totals: readonly number[], count: number): number;
}

/**
 * True for a {@link Metric} object (as opposed to a plain {@link MetricFn}).
 *
 * @example
 * ```ts
 * import { f1, isMetric, topK } from '@backprop/core';
 *
 * console.log(isMetric(f1()), isMetric(topK(3))); // true false: topK is a [name, fn] pair
 * ```
 */
export function isMetric(m: unknown): m is Metric {
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof (m as Metric).sums === 'function' &&
    typeof (m as Metric).result === 'function'
  );
}

/** A metric's sums on one batch, always a 1-D tensor (a plain function's sum as one element). */
export function batchSums(op: string, name: string, metric: MetricFn | Metric, prediction: Tensor, target: Tensor) {
  const t = isMetric(metric) ? metric.sums(prediction, target) : metric(prediction, target);
  if (!isMetric(metric) && t.size !== 1)
    throw new ShapeError(
      `${op}: metric "${name}" must return one number (the batch's sum), got shape [${t.shape.join(', ')}]`,
    );
  return t.rank === 1 ? t : reshape(t, [-1]);
}

/** A metric's value from its totals over `count` examples (a plain function's: the sum / count). */
export function metricResult(metric: MetricFn | Metric, totals: readonly number[], count: number): number {
  return isMetric(metric) ? metric.result(totals, count) : totals[0] / Math.max(count, 1);
}
