/** Metrics: per-batch sums that `fit` and `evaluate` add up and divide by the sample count. */
import { ValueError } from '../errors.js';
import { checkClassLabels } from '../losses/check.js';
import { mul, sub } from '../ops/binary.js';
import { cast } from '../ops/cast.js';
import { equal, greater } from '../ops/compare.js';
import { argmax, sum } from '../ops/reduce.js';
import { reshape } from '../ops/reshape.js';
import type { Tensor } from '../tensor.js';

/** A metric as the sum of a per-example quantity over a batch (divided by N later). */
export type MetricFn = (prediction: Tensor, target: Tensor) => Tensor;

/**
 * Number of correct predictions: argmax over classes against int32 labels, or for one
 * output column, prediction > 0.5 against 0/1 targets (pass probabilities, or logits with `threshold: 0`).
 * Int32 labels are checked as `losses.softmaxCrossEntropy` checks them: a label outside
 * [0, K) for K output columns is an IndexError, and float labels with one value per example
 * where K > 1 (class indices stored as floats) a DTypeError.
 */
export const accuracySum: MetricFn = (prediction, target) => {
  const k = prediction.shape[prediction.rank - 1];
  if (k === 1 && target.size === prediction.size) {
    // One output column: 0/1 targets (int32 or float) against a 0.5 threshold, shaped like the prediction.
    const t = reshape(target.dtype === 'float32' ? target : cast(target, 'float32'), prediction.shape);
    return sum(cast(equal(greater(prediction, 0.5), greater(t, 0.5)), 'float32'));
  }
  if (target.dtype === 'int32' || (prediction.rank >= 2 && k > 1 && target.rank === prediction.rank - 1)) {
    checkClassLabels('accuracy', target, k);
    return sum(cast(equal(argmax(prediction, -1), reshape(target, [-1])), 'float32'));
  }
  if (k > 1 && target.rank === prediction.rank) {
    return sum(cast(equal(argmax(prediction, -1), argmax(target, -1)), 'float32'));
  }
  return sum(cast(equal(greater(prediction, 0.5), greater(target, 0.5)), 'float32'));
};

/** Sum over examples of the mean squared error across outputs. */
export const mseSum: MetricFn = (prediction, target) => {
  const d = sub(prediction, target);
  const perExample = prediction.size / Math.max(prediction.shape[0] ?? 1, 1);
  return mul(sum(mul(d, d)), 1 / Math.max(perExample, 1));
};

/** Built-in metrics by name. */
export const metrics = { accuracy: accuracySum, mse: mseSum } as const;

/** A metric's name. */
export type MetricName = keyof typeof metrics;

/** Resolves metric names, rejecting unknown ones. */
export function resolveMetrics(op: string, names: readonly string[]): [string, MetricFn][] {
  return names.map((n) => {
    const fn = (metrics as Record<string, MetricFn>)[n];
    if (!fn) throw new ValueError(`${op}: unknown metric "${n}"; expected one of ${Object.keys(metrics).join(', ')}`);
    return [n, fn];
  });
}
