/**
 * What `fit` checks before its first step, so that a run it would stop part-way through (an epoch
 * trained, then an error) is refused while nothing has changed: the keys of its epoch logs, the
 * keys its callbacks monitor, and the targets of data held in memory.
 */
import { IndexError, ValueError } from '../errors.js';
import { binaryCrossEntropy, binaryCrossEntropyWithLogits } from '../losses/binary-cross-entropy.js';
import type { Loss } from '../losses/index.js';
import { softmaxCrossEntropy } from '../losses/softmax-cross-entropy.js';
import { mse, squaredError } from '../losses/squared-error.js';
import { Lambda } from '../nn/activation-layers.js';
import { Dense } from '../nn/dense.js';
import type { Module } from '../nn/module.js';
import { Sequential } from '../nn/sequential.js';
import { sizeOf } from '../shape.js';
import type { Callback } from './callbacks.js';
import type { ArrayDataset } from './dataset.js';

/** The key `fit` logs a validation value under: `loss` → `valLoss`, `top5Accuracy` → `valTop5Accuracy`. */
export function validationKey(name: string): string {
  return `val${name[0].toUpperCase()}${name.slice(1)}`;
}

/**
 * The keys of fit's epoch logs, each with what writes it: `loss`, every metric, and with
 * `validation` `valLoss` and every metric `val`-prefixed; `lr` is added when the optimizer has a
 * learning rate. Two values logged under one key (a metric named `'Loss'` is logged on validation
 * data as `valLoss`, a metric named `'valAccuracy'` is the validation accuracy's key) are a
 * ValueError naming both: one would overwrite the other, or be read (by early stopping, by you)
 * as the other. The validation keys are reserved whether or not this run validates, so a metric's
 * name does not become wrong when a validation set is added.
 */
export function epochLogKeys(
  op: string,
  metricNames: readonly string[],
  validation: boolean,
  hasLr: boolean,
): Set<string> {
  const writers = new Map<string, string>();
  const claim = (key: string, what: string) => {
    const other = writers.get(key);
    if (other !== undefined)
      throw new ValueError(
        `${op}: ${other} and ${what} would both be logged as "${key}" in the epoch logs, one overwriting the other (validation values are logged as "val" + the name capitalized: "accuracy" → "valAccuracy"); rename the metric with a [name, fn] pair`,
      );
    writers.set(key, what);
  };
  claim('loss', 'the loss');
  claim('lr', 'the learning rate');
  claim('valLoss', 'the validation loss');
  for (const name of metricNames) claim(name, `metric "${name}"`);
  for (const name of metricNames) claim(validationKey(name), `metric "${name}" on the validation data`);
  const keys = new Set(['loss', ...metricNames]);
  if (validation) for (const k of ['loss', ...metricNames]) keys.add(validationKey(k));
  if (hasLr) keys.add('lr');
  return keys;
}

/**
 * Refuses, before training, a callback whose `monitor` names a key this run's epoch logs will not
 * have (`'valLoss'` without `validation`, a metric that was not asked for): it would otherwise
 * throw when the first epoch's training is done. A callback of your own with `onEpochEnd` (one
 * without `monitor` or `stateName`, which every built-in callback has) may add keys to the logs
 * itself, so while one is in the list the monitors are looked up when the epoch ends instead.
 */
export function checkMonitors(op: string, callbacks: readonly Callback[], keys: ReadonlySet<string>): void {
  const mayAddKeys = callbacks.some(
    (cb) => typeof cb.onEpochEnd === 'function' && cb.monitor === undefined && cb.stateName === undefined,
  );
  if (mayAddKeys) return;
  for (const cb of callbacks) {
    const { monitor } = cb;
    if (monitor === undefined || keys.has(monitor)) continue;
    const who = typeof cb.stateName === 'string' ? cb.stateName : 'a callback';
    const hint = /^val[A-Z]/.test(monitor)
      ? keys.has('valLoss')
        ? '; add the metric to metrics'
        : '; pass fit a validation set (validation: 0.1 or a dataset) or monitor a training key'
      : '; add the metric to metrics or monitor one of those';
    throw new ValueError(
      `${op}: ${who} monitors "${String(monitor)}", which this run's epoch logs will not have (they will have ${[...keys].join(', ')})${hint}`,
    );
  }
}

/** The losses whose targets must be finite numbers: a NaN or ±∞ target makes their loss non-finite. */
const FINITE_TARGET_LOSSES: readonly Loss[] = [
  mse,
  squaredError,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  softmaxCrossEntropy,
];

/** Activation layers that keep the last axis, so the class count is that of the layer before. */
const SHAPE_KEEPING = new Set(['relu', 'sigmoid', 'tanh', 'leakyRelu', 'softplus', 'elu', 'softmax', 'logSoftmax']);

/**
 * The number of classes `model` scores, read from its layers without running it: the units of
 * its last `Dense` layer when only activation layers follow it (in nested `Sequential`s too);
 * undefined for any other model.
 */
export function classCount(model: Module): number | undefined {
  if (model instanceof Dense) return model.units;
  if (!(model instanceof Sequential)) return undefined;
  for (let i = model.layers.length - 1; i >= 0; i--) {
    const layer = model.layers[i];
    if (layer instanceof Lambda && SHAPE_KEEPING.has(layer.kind)) continue;
    return classCount(layer);
  }
  return undefined;
}

/**
 * Checks the targets of an in-memory dataset in one pass before training, naming the row of the
 * first bad one (`what`: "the training data", "the validation data"), so that a bad target in a
 * later batch does not stop a run whose earlier batches already trained:
 * - float targets of a built-in loss (mse, squaredError, the binary cross-entropies,
 *   softmaxCrossEntropy with probabilities) must be finite: a ValueError otherwise;
 * - int32 class labels of `softmaxCrossEntropy` must be in [0, C) for the C classes of the model
 *   when {@link classCount} knows them, and ≥ 0 otherwise: an IndexError (the loss's own type)
 *   whose `position` is the row.
 * A loss of your own is not second-guessed (it may mask NaN targets or an ignore label).
 */
export function checkTargets(op: string, ds: ArrayDataset, what: string, loss: Loss, model: Module): void {
  if (!FINITE_TARGET_LOSSES.includes(loss)) return;
  const { y } = ds;
  const rowSize = sizeOf(ds.yShape.slice(1));
  const at = (i: number) =>
    rowSize === 1 ? `row ${i}` : `row ${Math.floor(i / rowSize)} (element ${i % rowSize} of the row)`;
  if (y instanceof Float32Array) {
    for (let i = 0; i < y.length; i++)
      if (!Number.isFinite(y[i]))
        throw new ValueError(
          `${op}: the target at ${at(i)} of ${what} is ${y[i]}; targets must be finite numbers (the loss would be non-finite when that batch trains, after the batches before it had)`,
        );
    return;
  }
  if (loss !== softmaxCrossEntropy || ds.yShape.length !== 1) return;
  const c = classCount(model);
  const bound = c ?? Number.POSITIVE_INFINITY;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (v >= 0 && v < bound) continue;
    throw new IndexError(
      op,
      v,
      i,
      bound,
      c === undefined
        ? `${op}: label ${v} at row ${i} of ${what} is negative; labels must be class indices 0, 1, …`
        : `${op}: label ${v} at row ${i} of ${what} is out of range [0, ${c}) for the ${c} classes of the model's last layer; labels must be class indices 0…${c - 1}`,
    );
  }
}

/**
 * Adds the dataset row to an out-of-range label error thrown for a batch (whose `position` is
 * the label's place in the batch): `rowOf` maps a batch position to the row of `what`.
 */
export function nameLabelRow(
  e: unknown,
  batchY: ArrayLike<number>,
  rowOf: (position: number) => number,
  what: string,
): void {
  if (!(e instanceof IndexError) || !/\blabel -?\d+ at position \d+/.test(e.message)) return;
  const p = e.position;
  if (!(Number.isInteger(p) && p >= 0 && p < batchY.length && batchY[p] === e.index)) return;
  const extra = ` (position ${p} of the batch is row ${rowOf(p)} of ${what})`;
  const { stack } = e; // read first: V8 formats the stack lazily from the message
  const first = e.message.split('\n', 1)[0];
  e.message = `${first}${extra}${e.message.slice(first.length)}`;
  if (stack) e.stack = stack.replace(first, `${first}${extra}`);
}
