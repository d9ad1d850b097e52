/** Metrics: per-batch sums that `fit` and `evaluate` add up and divide by the sample count. */
import { ShapeError, ValueError } from '../errors.js';
import { checkClassLabels } from '../losses/check.js';
import { mul, sub } from '../ops/binary.js';
import { cast } from '../ops/cast.js';
import { equal, greater } from '../ops/compare.js';
import { argmax, mean, sum } from '../ops/reduce.js';
import { reshape } from '../ops/reshape.js';
import type { Tensor } from '../tensor.js';

/** A metric as the sum of a per-example quantity over a batch (divided by N later). */
export type MetricFn = (prediction: Tensor, target: Tensor) => Tensor;

/**
 * Number of correct predictions: argmax over classes against int32 labels, or for one
 * output column, prediction > 0.5 against 0/1 targets (probabilities). For one column of logits use
 * `logitAccuracy` (prediction > 0), or {@link binaryAccuracy} for another threshold.
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

/** Options of {@link binaryAccuracy}. */
export interface BinaryAccuracyOptions {
  /**
   * A prediction is positive when it is strictly greater than this (default 0.5, for probabilities
   * such as a sigmoid's output; 0 for logits, since σ(z) > 0.5 exactly when z > 0).
   */
  threshold?: number;
}

/**
 * Binary accuracy with a chosen threshold, as Keras' `BinaryAccuracy(threshold)`: an output counts as
 * correct when `prediction > threshold` agrees with `target > 0.5` (0/1 targets, int32 or float). The
 * sum is over examples of the fraction of an example's outputs that are correct, so for one output
 * column it is the number of correct examples — `binaryAccuracy()` is `accuracy` on one column, and
 * `binaryAccuracy({ threshold: 0 })` (the built-in `logitAccuracy`) is the same on logits.
 *
 * @example
 * ```ts
 * const logitAccuracy = binaryAccuracy({ threshold: 0 });
 * const correct = await logitAccuracy(model.forward(x), y).item(); // divide by N for the fraction
 * ```
 * @throws ValueError when the threshold is not a finite number; the metric throws a ShapeError when
 *   the target does not have one value per output (class labels need `accuracy`).
 */
export function binaryAccuracy({ threshold = 0.5 }: BinaryAccuracyOptions = {}): MetricFn {
  if (typeof threshold !== 'number' || !Number.isFinite(threshold))
    throw new ValueError(`binaryAccuracy: threshold must be a finite number, got ${String(threshold)}`);
  return (prediction, target) => {
    if (target.size !== prediction.size) {
      throw new ShapeError(
        `binaryAccuracy: expected one 0/1 target per output, got prediction [${prediction.shape.join(', ')}] and target [${target.shape.join(', ')}]; use 'accuracy' for class labels`,
      );
    }
    const t = reshape(target.dtype === 'float32' ? target : cast(target, 'float32'), prediction.shape);
    const correct = cast(equal(greater(prediction, threshold), greater(t, 0.5)), 'float32');
    if (prediction.rank < 2 || prediction.shape[prediction.rank - 1] === 1) return sum(correct);
    return sum(mean(correct, -1));
  };
}

/** Sum over examples of the mean squared error across outputs. */
export const mseSum: MetricFn = (prediction, target) => {
  const d = sub(prediction, target);
  const perExample = prediction.size / Math.max(prediction.shape[0] ?? 1, 1);
  return mul(sum(mul(d, d)), 1 / Math.max(perExample, 1));
};

/**
 * Built-in metrics by name: `accuracy` ({@link accuracySum}), `logitAccuracy` (one output column of
 * logits, positive above 0: {@link binaryAccuracy} with threshold 0) and `mse` ({@link mseSum}).
 */
export const metrics = {
  accuracy: accuracySum,
  logitAccuracy: binaryAccuracy({ threshold: 0 }),
  mse: mseSum,
} as const;

/** A metric's name. */
export type MetricName = keyof typeof metrics;

/**
 * A metric to report: a built-in name, or a `[name, fn]` pair for your own function (the name is
 * its key in the logs, `val`-prefixed for validation), e.g. `['acc@0.7', binaryAccuracy({ threshold: 0.7 })]`.
 */
export type MetricSpec = string | readonly [name: string, fn: MetricFn];

/**
 * Resolves metric names and `[name, fn]` pairs, rejecting unknown names, names that are empty or
 * `'loss'`, functions that are not functions, and the same name twice.
 */
export function resolveMetrics(op: string, specs: readonly MetricSpec[]): [string, MetricFn][] {
  const seen = new Set<string>();
  return specs.map((spec) => {
    let name: string;
    let fn: MetricFn | undefined;
    if (typeof spec === 'string') {
      name = spec;
      fn = Object.hasOwn(metrics, spec) ? (metrics as Record<string, MetricFn>)[spec] : undefined;
      if (!fn)
        throw new ValueError(
          `${op}: unknown metric "${spec}"; expected one of ${Object.keys(metrics).join(', ')}, or a [name, fn] pair`,
        );
    } else if (Array.isArray(spec) && spec.length === 2 && typeof spec[0] === 'string') {
      [name, fn] = spec;
      if (typeof fn !== 'function')
        throw new ValueError(`${op}: metric "${name}" must be a function (prediction, target) => Tensor`);
    } else {
      throw new ValueError(`${op}: a metric is a name or a [name, fn] pair, got ${String(spec)}`);
    }
    if (name === '' || name === 'loss')
      throw new ValueError(`${op}: a metric cannot be named "${name}" (the loss is always reported as "loss")`);
    if (seen.has(name)) throw new ValueError(`${op}: metric "${name}" is given twice`);
    seen.add(name);
    return [name, fn];
  });
}
