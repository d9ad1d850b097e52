/**
 * Metrics by name: per-batch sums (accuracy, MSE, MAE) and metrics kept as several running sums
 * (R², precision, recall, F1) that `fit` and `evaluate` add up over the epoch or the dataset.
 */

import { formatShape, ShapeError, ValueError } from '../errors.js';
import { checkClassLabels } from '../losses/check.js';
import { mul, sub } from '../ops/binary.js';
import { cast } from '../ops/cast.js';
import { equal, greater } from '../ops/compare.js';
import { argmax } from '../ops/reduce.js';
import { reshape } from '../ops/reshape.js';
import { shapesEqual } from '../shape.js';
import { checkOptionNames, optionNames } from '../validate.js';
import { binaryTargets, f1, precision, recall } from './classification-metrics.js';
import { isMetric, type Metric, type MetricFn } from './metric.js';
import { maeSum, r2Score, sumPerExample, targetLike } from './regression-metrics.js';

export type { Metric, MetricFn } from './metric.js';

/**
 * Number of correct predictions: argmax over classes against int32 labels, or for one
 * output per example (a column [N, 1], or a prediction [N]), prediction > 0.5 against 0/1 targets
 * (probabilities; int32 targets there must be 0 or 1, an IndexError otherwise). For one column of logits use
 * `logitAccuracy` (prediction > 0), or {@link binaryAccuracy} for another threshold.
 * Int32 labels are checked as `losses.softmaxCrossEntropy` checks them: a label outside
 * [0, K) for K output columns is an IndexError, and float labels with one value per example
 * where K > 1 (class indices stored as floats) a DTypeError. A target that does not hold one label
 * per example (one 0/1 value per output, one one-hot row per row) is a ShapeError: it would
 * otherwise broadcast against the predictions and count something else.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { accuracySum, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const correct = accuracySum(tensor([[2, 1], [0, 3]]), tensor([0, 0], [2], 'int32'));
 * console.log(await correct.item()); // 1: the number of rows whose argmax is the label
 * ```
 */
export const accuracySum: MetricFn = (prediction, target) => {
  const k = prediction.shape[prediction.rank - 1];
  if (prediction.rank < 2 || (k === 1 && target.size === prediction.size)) {
    // One output per example ([N], or one column [N, 1]): 0/1 targets (int32 or float) against a
    // 0.5 threshold. A prediction [N] is N examples, not one example's N class scores.
    const t = binaryTargets('accuracy', prediction, target);
    return sumPerExample(cast(equal(greater(prediction, 0.5), greater(t, 0.5)), 'float32'), prediction);
  }
  if (target.dtype === 'int32' || (prediction.rank >= 2 && k > 1 && target.rank === prediction.rank - 1)) {
    const examples = k > 0 ? prediction.size / k : 0;
    if (target.size !== examples) {
      throw new ShapeError(
        `accuracy: expected one class label per example (${examples} for prediction ${formatShape(prediction.shape)}), got labels ${formatShape(target.shape)}`,
      );
    }
    checkClassLabels('accuracy', target, k);
    return sumPerExample(
      cast(equal(reshape(argmax(prediction, -1), [-1]), reshape(target, [-1])), 'float32'),
      prediction,
    );
  }
  if (k > 1 && target.rank === prediction.rank) {
    if (!shapesEqual(target.shape, prediction.shape)) {
      throw new ShapeError(
        `accuracy: one-hot target ${formatShape(target.shape)} and prediction ${formatShape(prediction.shape)} differ`,
      );
    }
    return sumPerExample(cast(equal(argmax(prediction, -1), argmax(target, -1)), 'float32'), prediction);
  }
  if (target.size !== prediction.size) {
    throw new ShapeError(
      `accuracy: expected one 0/1 target per output, got prediction ${formatShape(prediction.shape)} and target ${formatShape(target.shape)}`,
    );
  }
  return sumPerExample(cast(equal(greater(prediction, 0.5), greater(target, 0.5)), 'float32'), prediction);
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
 * import { cpu } from '@backprop/backend-cpu';
 * import { binaryAccuracy, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const logitAccuracy = binaryAccuracy({ threshold: 0 });
 * const correct = logitAccuracy(tensor([[2], [-1], [0.5]]), tensor([[1], [1], [1]]));
 * console.log(await correct.item()); // 2: the number right (divide by N for the fraction)
 * ```
 * @throws ValueError when the threshold is not a finite number; the metric throws a ShapeError when
 *   the target does not have one value per output (class labels need `accuracy`).
 */
export function binaryAccuracy(options: BinaryAccuracyOptions = {}): MetricFn {
  checkOptionNames('binaryAccuracy', options, optionNames<BinaryAccuracyOptions>({ threshold: true }));
  const { threshold = 0.5 } = options;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold))
    throw new ValueError(`binaryAccuracy: threshold must be a finite number, got ${String(threshold)}`);
  return (prediction, target) => {
    if (target.size !== prediction.size) {
      throw new ShapeError(
        `binaryAccuracy: expected one 0/1 target per output, got prediction [${prediction.shape.join(', ')}] and target [${target.shape.join(', ')}]; use 'accuracy' for class labels`,
      );
    }
    const t = binaryTargets('binaryAccuracy', prediction, target);
    return sumPerExample(cast(equal(greater(prediction, threshold), greater(t, 0.5)), 'float32'), prediction);
  };
}

/**
 * Sum over examples of the mean squared error across outputs.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { mseSum, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await mseSum(tensor([1, 2]), tensor([1, 4])).item()); // 4: Σ(p − y)², averaged over the epoch by fit
 * ```
 */
export const mseSum: MetricFn = (prediction, target) => {
  // One target per output (a target [N] against a prediction [N, 1] too), never a broadcast: a
  // target [N, 1] against a prediction [N, 3] is a ShapeError, as for mae and r2.
  const d = sub(prediction, targetLike('mse', prediction, target));
  return sumPerExample(mul(d, d), prediction);
};

/**
 * Built-in metrics by name: `accuracy` ({@link accuracySum}), `logitAccuracy` (one output column of
 * logits, positive above 0: {@link binaryAccuracy} with threshold 0), `mse` ({@link mseSum}),
 * `binaryAccuracy` (threshold 0.5), `mae` (`maeSum`), `r2` (`r2Score`), and binary `precision`,
 * `recall` and `f1` at threshold 0.5 (`precision()`, …; call them for other thresholds or averages).
 */
export const metrics = {
  accuracy: accuracySum,
  logitAccuracy: binaryAccuracy({ threshold: 0 }),
  mse: mseSum,
  binaryAccuracy: binaryAccuracy(),
  mae: maeSum,
  r2: r2Score,
  precision: precision(),
  recall: recall(),
  f1: f1(),
} as const;

/** A built-in metric's name: a misspelt name in `metrics` is a compile error. */
export type MetricName = keyof typeof metrics;

/**
 * A metric to report: a built-in name, a {@link Metric} (logged under its own name, e.g.
 * `precision({ threshold: 0 })`), or a `[name, fn]` pair for your own function or to rename a
 * metric (the name is its key in the logs, `val`-prefixed for validation), e.g.
 * `['acc@0.7', binaryAccuracy({ threshold: 0.7 })]` or `topK(5)`.
 */
export type MetricSpec = MetricName | readonly [name: string, fn: MetricFn | Metric] | Metric;

/** The log key a {@link MetricSpec} gets (`string` when it is not known at compile time). */
export type MetricNameOf<S> = S extends string
  ? S
  : S extends readonly [infer N extends string, unknown]
    ? N
    : S extends Metric<infer N>
      ? N
      : never;

/**
 * Resolves metric names, {@link Metric}s and `[name, fn]` pairs, rejecting unknown names, names
 * that are empty, `'loss'` or `'lr'`, functions that are not functions, and the same name twice.
 */
export function resolveMetrics(op: string, specs: readonly MetricSpec[]): [string, MetricFn | Metric][] {
  if (!Array.isArray(specs))
    throw new ValueError(`${op}: metrics must be an array of names or [name, fn] pairs, got ${String(specs)}`);
  const seen = new Set<string>();
  return specs.map((spec: unknown) => {
    let name: string;
    let fn: MetricFn | Metric | undefined;
    if (typeof spec === 'string') {
      name = spec;
      fn = Object.hasOwn(metrics, spec) ? (metrics as Record<string, MetricFn | Metric>)[spec] : undefined;
      if (!fn)
        throw new ValueError(
          `${op}: unknown metric "${spec}"; expected one of ${Object.keys(metrics).join(', ')}, or a [name, fn] pair`,
        );
    } else if (Array.isArray(spec) && spec.length === 2 && typeof spec[0] === 'string') {
      [name, fn] = spec as [string, MetricFn | Metric];
      if (typeof fn !== 'function' && !isMetric(fn))
        throw new ValueError(
          `${op}: metric "${name}" must be a function (prediction, target) => Tensor or a Metric { sums, result }`,
        );
    } else if (isMetric(spec) && typeof spec.name === 'string') {
      [name, fn] = [spec.name, spec];
    } else {
      throw new ValueError(`${op}: a metric is a name, a Metric or a [name, fn] pair, got ${String(spec)}`);
    }
    if (name === '' || name === 'loss' || name === 'lr')
      throw new ValueError(
        `${op}: a metric cannot be named "${name}" ("loss" and "lr" are always reported under those names)`,
      );
    if (seen.has(name)) throw new ValueError(`${op}: metric "${name}" is given twice`);
    seen.add(name);
    return [name, fn];
  });
}
