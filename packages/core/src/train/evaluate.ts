/** `evaluate` and `predict`: the model in evaluation mode over a dataset, batch by batch. */
import { ValueError } from '../errors.js';
import type { Loss } from '../losses/index.js';
import { dispose, tidy } from '../memory.js';
import type { Module } from '../nn/module.js';
import { inEvalMode } from '../nn/training-modes.js';
import { concat } from '../ops/concat.js';
import { tensor } from '../ops/creation.js';
import { sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkOptionNames, formatValue, optionNames } from '../validate.js';
import { checkDataset, sliceRows } from './batches.js';
import type { Dataset } from './dataset.js';
import { nameLabelRow } from './fit-checks.js';
import { batchSums } from './metric.js';
import { MetricTotals } from './metric-totals.js';
import { type MetricNameOf, type MetricSpec, resolveMetrics } from './metrics.js';
import { toArrayDataset } from './tensor-dataset.js';

/** Options of {@link evaluate}. */
export interface EvaluateOptions<M extends MetricSpec = MetricSpec> {
  /** Report this loss as `loss`. */
  loss?: Loss;
  /**
   * Metrics besides the loss: names ('accuracy', 'mae', 'r2', 'precision', 'f1', …), metrics such
   * as `topK(5)` or `f1({ average: 'macro' })`, or `[name, fn]` pairs of your own.
   */
  metrics?: readonly M[];
  /** Examples per forward pass (default 256); the results do not depend on it. */
  batchSize?: number;
}

/** Every option of {@link evaluate}. */
const EVALUATE_OPTIONS = optionNames<EvaluateOptions>({ loss: true, metrics: true, batchSize: true });

/**
 * The loss and metrics of `model` on `data` in evaluation mode: the loss averaged over examples,
 * each metric over the whole dataset (R², precision, … from sums over every batch, so the batch
 * size does not change them). `data` is host arrays or `{ x, y }` tensors (left undisposed);
 * `evaluate(model, x, y, options)` takes the tensors as TF.js's `model.evaluate(x, y)` and `fit` do.
 * A dataset with no examples is a ValueError: it has no loss to report. Afterwards (also after an
 * error) every module is back in its own train/eval mode: a BatchNorm frozen with `eval()` inside
 * a training model stays frozen, a dropout kept training inside an evaluated model stays on.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { evaluate, losses, nn, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(4, 3));
 * const data = { x: tensor([[1, 2, 3, 4], [4, 3, 2, 1]]), y: tensor([0, 2], [2], 'int32') };
 * const logs = await evaluate(model, data, { loss: losses.softmaxCrossEntropy, metrics: ['accuracy'] });
 * console.log(logs.loss, logs.accuracy);
 * ```
 */
export async function evaluate<const M extends MetricSpec = never>(
  model: Module,
  data: Dataset,
  options?: EvaluateOptions<M>,
): Promise<Record<MetricNameOf<M> | 'loss', number> & Record<string, number>>;
/** `evaluate(model, x, y, options)`, as TF.js's `model.evaluate(x, y)`: x and y are Tensors with N rows each. */
export async function evaluate<const M extends MetricSpec = never>(
  model: Module,
  x: Tensor,
  y: Tensor,
  options?: EvaluateOptions<M>,
): Promise<Record<MetricNameOf<M> | 'loss', number> & Record<string, number>>;
export async function evaluate(model: Module, ...args: unknown[]): Promise<Record<string, number>> {
  let data: unknown;
  let options: EvaluateOptions;
  if (args[1] instanceof Tensor) {
    if (!(args[0] instanceof Tensor))
      throw new ValueError(
        `evaluate: got a Tensor as the third argument, so the second must be a Tensor x (evaluate(model, x, y, options)), got ${args[0] === null ? 'null' : typeof args[0]}; a dataset holds its targets ({ x, y }) and takes the options third`,
      );
    data = { x: args[0], y: args[1] };
    options = (args[2] ?? {}) as EvaluateOptions;
  } else {
    data = args[0];
    options = (args[1] ?? {}) as EvaluateOptions;
    if (data instanceof Tensor)
      throw new ValueError(
        'evaluate: got a Tensor as the data and no targets; pass evaluate(model, x, y, options) or evaluate(model, { x, y }, options)',
      );
  }
  checkOptionNames('evaluate', options, EVALUATE_OPTIONS);
  const { loss, metrics = [], batchSize = 256 } = options;
  const host = await toArrayDataset('evaluate', data as Dataset);
  const n = checkDataset('evaluate', host);
  // No examples, no loss: an empty validation set used to drop valLoss from fit's logs without a word.
  if (n === 0) throw new ValueError('evaluate: the dataset has no examples; a loss or metric needs at least one');
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ValueError(`evaluate: batchSize must be a positive integer, got ${batchSize}`);
  const fns = resolveMetrics('evaluate', metrics);
  return inEvalMode(model, async () => {
    const totals = new MetricTotals('evaluate', fns);
    let lossSum = 0;
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(start + batchSize, n);
      const b = sliceRows(host, start, end);
      let parts: Tensor[];
      try {
        parts = tidy(() => {
          const x = tensor(b.x, b.xShape, 'float32');
          const y = tensor(b.y, b.yShape, b.y instanceof Int32Array ? 'int32' : 'float32');
          const prediction = model.forward(x);
          const out = fns.map(([name, m]) => batchSums('evaluate', name, m, prediction, y));
          if (loss) out.unshift(loss(prediction, y));
          return out;
        });
      } catch (e) {
        nameLabelRow(e, b.y, (p) => start + p, 'the evaluated data');
        throw e;
      }
      let read: number[][];
      try {
        read = await Promise.all(parts.map(async (t) => Array.from(await t.data())));
      } finally {
        dispose(parts);
      }
      if (loss) lossSum += (read.shift() as number[])[0] * (end - start);
      totals.add(read);
    }
    return { ...(loss ? { loss: lossSum / n } : {}), ...totals.values(n) } as Record<string, number>;
  });
}

/**
 * The model's outputs for `x` (a tensor, `{ x: Tensor }`, or a dataset's host features
 * `{ x: Float32Array, xShape }`, batch by batch), in evaluation mode; afterwards every module is
 * back in its own train/eval mode, as after {@link evaluate}. Features with no rows give the
 * model's output for an empty batch.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, predict, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(2, 1));
 * const out = await predict(model, tensor([[1, 2], [3, 4]]));
 * console.log(out.shape); // [2, 1]
 * ```
 */
export async function predict(
  model: Module,
  x: Tensor | Dataset,
  options: { batchSize?: number } = {},
): Promise<Tensor> {
  checkOptionNames('predict', options, ['batchSize']);
  const { batchSize = 256 } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ValueError(`predict: batchSize must be a positive integer, got ${formatValue(batchSize)}`);
  if (x instanceof Tensor) return inEvalMode(model, async () => tidy(() => model.forward(x)));
  if (typeof x === 'object' && x !== null && (x as { x?: unknown }).x instanceof Tensor)
    return inEvalMode(model, async () => tidy(() => model.forward((x as { x: Tensor }).x)));
  const { x: values, xShape } = (x ?? {}) as { x?: unknown; xShape?: unknown };
  if (
    !(values instanceof Float32Array) ||
    !Array.isArray(xShape) ||
    xShape.length < 1 ||
    !xShape.every((d) => Number.isInteger(d) && d >= 0) ||
    sizeOf(xShape) !== values.length
  )
    throw new ValueError(
      `predict: expected a Tensor, { x: Tensor }, or a dataset { x: Float32Array, xShape } whose x fills xShape, got ${formatValue(x)}`,
    );
  const [n, ...row] = xShape as number[];
  const rowSize = sizeOf(row);
  return inEvalMode(model, async () => {
    const outs: Tensor[] = [];
    // No rows: the model's output for an empty batch (0 rows), not a concat error.
    for (let start = 0; start < n || (n === 0 && outs.length === 0); start += batchSize) {
      const end = Math.min(start + batchSize, n);
      const batch = values.subarray(start * rowSize, end * rowSize);
      outs.push(tidy(() => model.forward(tensor(batch, [end - start, ...row], 'float32'))));
    }
    const all = concat(outs, 0);
    for (const o of outs) if (o !== all) o.dispose();
    return all;
  });
}
