/**
 * `fit`: minibatch gradient descent over a dataset. batchSize = N is the lecture's batch
 * gradient descent, 1 is stochastic gradient descent, anything between is minibatch.
 */

import { getBackend } from '../engine.js';
import { NonFiniteLossError, ValueError } from '../errors.js';
import type { Loss } from '../losses/index.js';
import { dispose } from '../memory.js';
import type { Module } from '../nn/module.js';
import { tensor } from '../ops/creation.js';
import type { Tensor } from '../tensor.js';
import { checkDataset, permutation, sliceRows, takeRows } from './batches.js';
import type { Callback, EpochLogs, TrainingContext } from './callbacks.js';
import type { ArrayDataset } from './dataset.js';
import { evaluate } from './evaluate.js';
import { resolveMetrics } from './metrics.js';
import type { Optimizer, Penalty } from './optimizer.js';
import { ProgressBar } from './progress.js';
import { compiledStep, eagerStep } from './step-runner.js';

function hasGraphCompiler(): boolean {
  return typeof getBackend().compileGraph === 'function';
}

/** Options of {@link fit}. */
export interface FitOptions {
  /** The loss to minimise, e.g. `losses.softmaxCrossEntropy`. */
  loss: Loss;
  /** Updates the parameters, e.g. `new SGD({ lr: 0.1 })`. */
  optimizer: Optimizer;
  /** Examples per step; `'full'` (or N) is batch gradient descent, 1 is SGD. Default 32. */
  batchSize?: number | 'full';
  /** Passes over the data. Default 1. */
  epochs?: number;
  /** Epoch to start from when resuming a checkpointed run (default 0): epochs run from here to `epochs`. */
  initialEpoch?: number;
  /** Reshuffle every epoch (default true), seeded by `seed`. */
  shuffle?: boolean;
  /** Seed of the shuffles (default 0). */
  seed?: number;
  /** A held-out fraction of the data (taken from the end, before shuffling) or a dataset. */
  validation?: number | ArrayDataset;
  /** Metrics to report besides the loss: 'accuracy', 'mse'. */
  metrics?: string[];
  /** Terms added to the loss, e.g. `l2(1e-4)`. */
  penalties?: Penalty[];
  /** Hooks, e.g. early stopping. */
  callbacks?: Callback[];
  /** Show progress (default true); `false` is silent. */
  verbose?: boolean;
  /**
   * Run each step as one compiled graph (`compile`): `'auto'` (default) does so on backends that
   * compile graphs (ONNX Runtime) unless the optimizer evaluates the gradient elsewhere
   * (`beforeGradient`); `true` forces it (other backends replay the graph), `false` never.
   */
  compile?: boolean | 'auto';
  /** Where epoch lines go (default stderr, or the console in browsers). */
  log?: (line: string) => void;
}

/** What `fit` returns. */
export interface History {
  /** One entry per finished epoch. */
  epochs: EpochLogs[];
  /** Why training stopped early, if it did. */
  stopReason?: string;
  /** True when the steps ran as a compiled graph (see `FitOptions.compile`). */
  compiled: boolean;
}

function batchTensors(ds: ArrayDataset): [Tensor, Tensor] {
  return [
    tensor(ds.x, ds.xShape, 'float32'),
    tensor(ds.y, ds.yShape, ds.y instanceof Int32Array ? 'int32' : 'float32'),
  ];
}

function resolveBatchSize(batchSize: number | 'full', n: number): number {
  if (batchSize === 'full') return n;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ValueError(`fit: batchSize must be a positive integer or 'full', got ${batchSize}`);
  return Math.min(batchSize, n);
}

/** Trains `model` on `data`; returns the history of epoch logs. */
export async function fit(model: Module, data: ArrayDataset, options: FitOptions): Promise<History> {
  const {
    loss,
    optimizer,
    epochs = 1,
    initialEpoch = 0,
    shuffle = true,
    seed = 0,
    penalties = [],
    callbacks = [],
    verbose = true,
  } = options;
  if (typeof loss !== 'function')
    throw new ValueError('fit: options.loss must be a loss function, e.g. losses.softmaxCrossEntropy');
  if (!optimizer || typeof optimizer.step !== 'function')
    throw new ValueError('fit: options.optimizer must be an Optimizer');
  if (!Number.isInteger(epochs) || epochs < 0)
    throw new ValueError(`fit: epochs must be a non-negative integer, got ${epochs}`);
  const metricFns = resolveMetrics('fit', options.metrics ?? []);
  let train = data;
  let val: ArrayDataset | undefined;
  const total = checkDataset('fit', data);
  if (typeof options.validation === 'number') {
    const f = options.validation;
    if (!(f > 0 && f < 1)) throw new ValueError(`fit: validation fraction must be in (0, 1), got ${f}`);
    const cut = total - Math.round(total * f);
    if (cut < 1 || cut >= total)
      throw new ValueError(`fit: validation fraction ${f} leaves no training or no validation data`);
    [train, val] = [sliceRows(data, 0, cut), sliceRows(data, cut, total)];
  } else if (options.validation) {
    val = options.validation;
    checkDataset('fit', val);
  }
  const n = train.xShape[0];
  if (n === 0) throw new ValueError('fit: the training set is empty');
  const batchSize = resolveBatchSize(options.batchSize ?? 32, n);

  const history: History = { epochs: [], compiled: false };
  let stopRequested: string | undefined;
  const ctx: TrainingContext = {
    model,
    optimizer,
    history: history.epochs,
    epochs,
    stop: (reason = 'stopped by a callback') => {
      stopRequested = reason;
    },
  };
  const bar = verbose ? new ProgressBar(epochs, n, options.log) : undefined;
  const params = model.parameters().filter((p) => p.trainable);
  const setup = { model, params, loss, optimizer, penalties, metrics: metricFns };
  const useCompiled =
    options.compile === true || (options.compile !== false && hasGraphCompiler() && !optimizer.beforeGradient);
  const runner = useCompiled ? compiledStep(setup) : eagerStep(setup);

  for (const cb of callbacks) await cb.onTrainBegin?.(ctx);
  for (let epoch = initialEpoch; epoch < epochs && !stopRequested; epoch++) {
    for (const cb of callbacks) await cb.onEpochBegin?.(epoch, ctx);
    model.train();
    const order = shuffle ? permutation(n, seed, epoch) : undefined;
    const start = performance.now();
    let lossSum = 0;
    const metricSums = metricFns.map(() => 0);
    for (let b = 0, seen = 0; seen < n; b++) {
      const end = Math.min(seen + batchSize, n);
      const batch = order ? takeRows(train, order.subarray(seen, end)) : sliceRows(train, seen, end);
      const size = end - seen;
      const [x, y] = batchTensors(batch);
      const values = await runner
        .run(x, y, (value) => new NonFiniteLossError(epoch + 1, b + 1, value))
        .finally(() => dispose([x, y]));
      lossSum += values[0] * size;
      values.slice(1).forEach((v, i) => {
        metricSums[i] += v;
      });
      seen = end;
      bar?.update(epoch, seen, lossSum / seen, (seen / (performance.now() - start)) * 1000);
      for (const cb of callbacks) await cb.onBatchEnd?.(b, { loss: values[0], size }, ctx);
    }
    const seconds = (performance.now() - start) / 1000;
    const logs: EpochLogs = { loss: lossSum / n };
    metricFns.forEach(([name], i) => {
      logs[name] = metricSums[i] / n;
    });
    if (val) {
      const v = await evaluate(model, val, {
        loss,
        metrics: metricFns.map(([name]) => name),
        batchSize: Math.max(batchSize, 256),
      });
      for (const [k, value] of Object.entries(v)) logs[`val${k[0].toUpperCase()}${k.slice(1)}`] = value;
    }
    history.epochs.push(logs);
    bar?.epochEnd(epoch, logs, seconds, n / Math.max(seconds, 1e-9));
    for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs, ctx);
  }
  history.compiled = runner.compiled && runner.mode() === 'graph';
  runner.dispose();
  if (stopRequested) history.stopReason = stopRequested;
  for (const cb of callbacks) await cb.onTrainEnd?.(ctx);
  return history;
}
