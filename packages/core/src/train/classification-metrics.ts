/**
 * Classification metrics counted exactly over an epoch: top-k accuracy, and precision, recall and
 * F1 from true, predicted and actual positives per class (scikit-learn's definitions).
 */
import { formatShape, ShapeError, ValueError } from '../errors.js';
import { checkClassLabels, checkIndexRange } from '../losses/check.js';
import { mul } from '../ops/binary.js';
import { cast } from '../ops/cast.js';
import { greater, less } from '../ops/compare.js';
import { concat } from '../ops/concat.js';
import { oneHot } from '../ops/gather.js';
import { argmax, sum } from '../ops/reduce.js';
import { reshape } from '../ops/reshape.js';
import type { Tensor } from '../tensor.js';
import { checkOptionNames, formatValue, optionNames } from '../validate.js';
import type { Metric, MetricFn } from './metric.js';
import { sumPerExample, targetLike } from './regression-metrics.js';

/** Output columns of a prediction (1 for predictions of shape [N]). */
const columnsOf = (p: Tensor): number => (p.rank < 2 ? 1 : p.shape[p.rank - 1]);

/**
 * The true class of each row for K > 1 columns: int32 labels ([N], checked in [0, K)), or the
 * argmax of one-hot (or soft) targets shaped like the prediction. Float labels of shape [N] are
 * a DTypeError, as for `accuracy`.
 */
function trueClasses(op: string, prediction: Tensor, target: Tensor, k: number): Tensor {
  if (target.rank === prediction.rank && target.size === prediction.size) return argmax(reshape(target, [-1, k]), -1);
  checkClassLabels(op, target, k);
  const labels = reshape(target, [-1]);
  if (labels.size * k !== prediction.size)
    throw new ShapeError(
      `${op}: expected one label per row of the prediction, got prediction ${formatShape(prediction.shape)} and target ${formatShape(target.shape)}`,
    );
  return labels;
}

/**
 * Top-k accuracy, scikit-learn's `top_k_accuracy_score`: an example counts as correct when its
 * true class is among the `k` highest-scoring of K ≥ 2 columns. Classes scoring the same as the
 * true one do not push it out, as in TensorFlow's `in_top_k`; scikit-learn breaks such ties by
 * class index, so the two differ only at exact ties. With a score per position ([N, T, K]) it is
 * the mean over an example's positions. Targets are int32 labels or one-hot rows. Returns the
 * named pair to put in `metrics`, logged as `top{k}Accuracy`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { evaluate, nn, setBackend, tensor, topK } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(2, 10));
 * const data = { x: tensor([[1, 2], [3, 4]]), y: tensor([3, 7], [2], 'int32') };
 * const { top3Accuracy } = await evaluate(model, data, { metrics: [topK(3)] });
 * ```
 * @throws ValueError unless k is a positive integer; the metric throws a ShapeError for a
 *   prediction with one column, and a ValueError when k is not below the number of classes (the
 *   score would be 1 whatever the model; scikit-learn warns there).
 */
export function topK<const K extends number>(k: K): readonly [name: `top${K}Accuracy`, fn: MetricFn] {
  if (!Number.isInteger(k) || k < 1) throw new ValueError(`topK: k must be a positive integer, got ${formatValue(k)}`);
  const name = `top${k}Accuracy` as const;
  const fn: MetricFn = (prediction, target) => {
    const classes = columnsOf(prediction);
    if (classes < 2)
      throw new ShapeError(
        `${name}: expected a score per class (K ≥ 2 columns), got prediction ${formatShape(prediction.shape)}`,
      );
    // Every label is among the top k of k or fewer classes: the metric would be 1 whatever the model.
    if (k >= classes)
      throw new ValueError(
        `${name}: k = ${k} is not below the ${classes} classes, so every example would count as correct; use a smaller k`,
      );
    const scores = reshape(prediction, [-1, classes]);
    const truth = sum(mul(scores, oneHot(trueClasses(name, prediction, target, classes), classes)), -1, true);
    const above = sum(cast(greater(scores, truth), 'float32'), -1);
    return sumPerExample(cast(less(above, k), 'float32'), prediction);
  };
  return [name, fn];
}

/** How precision, recall and F1 combine classes (scikit-learn's `average`). */
export type Average = 'binary' | 'macro' | 'micro' | 'weighted';

/** Options of {@link precision}, {@link recall} and {@link f1}. */
export interface ClassificationMetricOptions {
  /**
   * A one-column prediction is positive when strictly greater than this: 0.5 (default) for
   * probabilities such as a sigmoid's, 0 for logits. Targets are positive above 0.5.
   */
  threshold?: number;
  /**
   * `'binary'` (default): the positive class of one output column. For K classes (the argmax of
   * K columns against int32 labels or one-hot rows; one column counts as the classes 0 and 1):
   * `'macro'` is the unweighted mean over the classes that occur in the targets or predictions,
   * `'weighted'` weights each class by its number of true examples, `'micro'` pools the counts.
   */
  average?: Average;
}

type Kind = 'precision' | 'recall' | 'f1';

const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);

/** The score of one class from [true positives, predicted positives, actual positives]. */
function score(kind: Kind, tp: number, predicted: number, actual: number): number {
  if (kind === 'precision') return ratio(tp, predicted);
  if (kind === 'recall') return ratio(tp, actual);
  return ratio(2 * tp, predicted + actual);
}

/**
 * 0/1 targets for one output column, shaped like the prediction (float32): one per output (a
 * ShapeError otherwise), and int32 ones checked to be 0 or 1 — a class label 2 against one
 * column is a multiclass target, which would count as positive (scikit-learn refuses it too).
 */
export function binaryTargets(op: string, prediction: Tensor, target: Tensor): Tensor {
  const t = targetLike(op, prediction, target);
  if (target.dtype === 'int32') checkIndexRange(op, target, 2, true);
  return t;
}

/** Sums of shape [3·C]: true positives, predicted positives and actual positives of each class. */
function counts(op: string, prediction: Tensor, target: Tensor, threshold: number, average: Average): Tensor {
  const k = columnsOf(prediction);
  if (k === 1) {
    const predicted = greater(reshape(prediction, [-1]), threshold);
    const actual = greater(reshape(binaryTargets(op, prediction, target), [-1]), 0.5);
    if (average === 'binary') {
      const [p, a] = [cast(predicted, 'float32'), cast(actual, 'float32')];
      return concat([reshape(sum(mul(p, a)), [1]), reshape(sum(p), [1]), reshape(sum(a), [1])], 0);
    }
    return classCounts(oneHot(cast(predicted, 'int32'), 2), oneHot(cast(actual, 'int32'), 2));
  }
  if (average === 'binary')
    throw new ShapeError(
      `${op}: average 'binary' takes one output column (a probability or logit per example), got prediction ${formatShape(prediction.shape)}; pass average 'macro', 'weighted' or 'micro' for ${k} classes`,
    );
  const predicted = oneHot(argmax(reshape(prediction, [-1, k]), -1), k);
  return classCounts(predicted, oneHot(trueClasses(op, prediction, target, k), k));
}

function classCounts(predicted: Tensor, actual: Tensor): Tensor {
  return concat([sum(mul(predicted, actual), 0), sum(predicted, 0), sum(actual, 0)], 0);
}

/** The averaged score from the totals of {@link counts}. */
function averaged(kind: Kind, totals: readonly number[], average: Average): number {
  const c = totals.length / 3;
  const at = (j: number) => [totals[j], totals[c + j], totals[2 * c + j]] as const;
  if (average === 'binary') return score(kind, ...at(0));
  if (average === 'micro') {
    const pooled = [0, 0, 0];
    for (let j = 0; j < c; j++) at(j).forEach((v, i) => (pooled[i] += v));
    return score(kind, pooled[0], pooled[1], pooled[2]);
  }
  let total = 0;
  let weight = 0;
  for (let j = 0; j < c; j++) {
    const [tp, predicted, actual] = at(j);
    // sklearn's labels: the classes present in the targets or the predictions.
    const w = average === 'weighted' ? actual : predicted + actual > 0 ? 1 : 0;
    total += w * score(kind, tp, predicted, actual);
    weight += w;
  }
  return ratio(total, weight);
}

function classificationMetric<N extends Kind>(kind: N, options: ClassificationMetricOptions): Metric<N> {
  checkOptionNames(kind, options, optionNames<ClassificationMetricOptions>({ threshold: true, average: true }));
  const { threshold = 0.5, average = 'binary' } = options ?? {};
  if (typeof threshold !== 'number' || !Number.isFinite(threshold))
    throw new ValueError(`${kind}: threshold must be a finite number, got ${formatValue(threshold)}`);
  if (!['binary', 'macro', 'micro', 'weighted'].includes(average))
    throw new ValueError(
      `${kind}: average must be 'binary', 'macro', 'micro' or 'weighted', got ${formatValue(average)}`,
    );
  return {
    name: kind,
    sums: (prediction, target) => counts(kind, prediction, target, threshold, average),
    result: (totals) => averaged(kind, totals, average),
  };
}

/**
 * Precision, tp / (tp + fp), as scikit-learn's `precision_score` (0 when nothing is predicted
 * positive), counted over the whole epoch or dataset. Logged as `precision`; the name
 * `'precision'` is `precision()`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { evaluate, nn, precision, recall, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(2, 1)); // one column of logits
 * const data = { x: tensor([[1, 2], [3, 4], [0, 1]]), y: tensor([[1], [0], [1]]) };
 * const logs = await evaluate(model, data, { metrics: [precision({ threshold: 0 }), recall({ threshold: 0 })] });
 * console.log(logs.precision, logs.recall);
 * ```
 * @throws ValueError for a threshold that is not finite or an unknown average.
 */
export const precision = (options: ClassificationMetricOptions = {}): Metric<'precision'> =>
  classificationMetric('precision', options);

/**
 * Recall, tp / (tp + fn), as scikit-learn's `recall_score` (see {@link precision}). Logged as `recall`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { evaluate, nn, recall, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(2, 3)); // 3 classes
 * const data = { x: tensor([[1, 2], [3, 4]]), y: tensor([0, 2], [2], 'int32') };
 * const { recall: r } = await evaluate(model, data, { metrics: [recall({ average: 'macro' })] });
 * ```
 */
export const recall = (options: ClassificationMetricOptions = {}): Metric<'recall'> =>
  classificationMetric('recall', options);

/**
 * F1, the harmonic mean of precision and recall, 2tp / (2tp + fp + fn), as scikit-learn's
 * `f1_score` (for `'macro'`, the mean of each class's F1). Logged as `f1` (see {@link precision}).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { evaluate, f1, nn, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(2, 3));
 * const data = { x: tensor([[1, 2], [3, 4]]), y: tensor([0, 2], [2], 'int32') };
 * const logs = await evaluate(model, data, { metrics: [['macroF1', f1({ average: 'macro' })]] });
 * console.log(logs.macroF1);
 * ```
 */
export const f1 = (options: ClassificationMetricOptions = {}): Metric<'f1'> => classificationMetric('f1', options);
