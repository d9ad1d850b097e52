/**
 * `fit`: minibatch gradient descent over a dataset. batchSize = N is the lecture's batch
 * gradient descent, 1 is stochastic gradient descent, anything between is minibatch.
 */

import { ValueError } from '../errors.js';
import type { Loss } from '../losses/index.js';
import { dispose } from '../memory.js';
import type { Module } from '../nn/module.js';
import { tensor } from '../ops/creation.js';
import type { Tensor } from '../tensor.js';
import { checkDataset, permutation, sliceRows, takeRows } from './batches.js';
import type { Callback, EpochLogs, TrainingContext } from './callbacks.js';
import type { ArrayDataset } from './dataset.js';
import { evaluate } from './evaluate.js';
import { type MetricSpec, resolveMetrics } from './metrics.js';
import type { Optimizer, Penalty } from './optimizer.js';
import { ProgressBar } from './progress.js';
import { trainStep } from './train-step.js';
import { TrainingState } from './training-state.js';
/** Options of {@link fit}. */
export interface FitOptions {
  /** The loss to minimise, e.g. `losses.softmaxCrossEntropy`. */
  loss: Loss;
  /** Updates the parameters, e.g. `sgd({ lr: 0.1 })`. */
  optimizer: Optimizer;
  /** Examples per step; `'full'` (or N) is batch gradient descent, 1 is SGD. Default 32. */
  batchSize?: number | 'full';
  /** Passes over the data. Default 1. */
  epochs?: number;
  /**
   * Checkpoint bytes to resume from (saved by the `checkpoint` callback or `TrainingState.save`):
   * model, optimizer, stateful callbacks, generators and the position in the data are restored
   * and training continues at the saved batch, exactly as if it had not stopped. Pass the same
   * data, options and callbacks as the interrupted run.
   */
  resume?: Uint8Array;
  /** Reshuffle every epoch (default true), seeded by `seed`. */
  shuffle?: boolean;
  /** Seed of the shuffles (default 0). */
  seed?: number;
  /** A held-out fraction of the data (taken from the end, before shuffling) or a dataset. */
  validation?: number | ArrayDataset;
  /** Metrics to report besides the loss: 'accuracy', 'logitAccuracy', 'mse', or `[name, fn]` pairs of your own. */
  metrics?: readonly MetricSpec[];
  /** Terms added to the loss, e.g. `l2(1e-4)`. */
  penalties?: Penalty[];
  /** Hooks, e.g. early stopping. */
  callbacks?: Callback[];
  /** Show progress (default true); `false` is silent. */
  verbose?: boolean;
  /**
   * Run each step as one compiled graph (see `trainStep`): `'auto'` (default) does so on backends
   * that compile graphs (ONNX Runtime) unless the optimizer evaluates the gradient elsewhere
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

/**
 * Callbacks in the order `fit` calls them: as given, except that those marked `runsLast`
 * (checkpoints) come after the others, so they save the state every other callback left.
 */
function callbackOrder(callbacks: readonly Callback[]): Callback[] {
  return [...callbacks.filter((c) => !c.runsLast), ...callbacks.filter((c) => c.runsLast)];
}

/**
 * Trains `model` on `data`; returns the history of epoch logs. Each step is `trainStep`'s: a
 * step with a non-finite loss or gradient throws `NonFiniteLossError` and changes nothing.
 */
export async function fit(model: Module, data: ArrayDataset, options: FitOptions): Promise<History> {
  const { loss, optimizer, epochs = 1, shuffle = true, seed = 0, penalties = [], verbose = true } = options;
  if (typeof loss !== 'function')
    throw new ValueError('fit: options.loss must be a loss function, e.g. losses.softmaxCrossEntropy');
  if (!optimizer || typeof optimizer.step !== 'function')
    throw new ValueError('fit: options.optimizer must be an Optimizer');
  if (!Number.isInteger(epochs) || epochs < 0)
    throw new ValueError(`fit: epochs must be a non-negative integer, got ${epochs}`);
  if (options.resume !== undefined && !(options.resume instanceof Uint8Array))
    throw new ValueError('fit: resume must be checkpoint bytes (a Uint8Array)');
  const callbacks = callbackOrder(options.callbacks ?? []);
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

  const state = new TrainingState({ model, optimizer, callbacks });
  const history: History = { epochs: state.history, compiled: false };
  let stopRequested: string | undefined;
  const ctx: TrainingContext = {
    model,
    optimizer,
    get history() {
      return state.history;
    },
    epochs,
    state,
    stop: (reason = 'stopped by a callback') => {
      stopRequested = reason;
    },
  };
  const step = trainStep(model, {
    loss,
    optimizer,
    penalties,
    metrics: metricFns,
    compile: options.compile ?? 'auto',
    state,
  });
  const bar = verbose ? new ProgressBar(epochs, n, options.log) : undefined;

  try {
    for (const cb of callbacks) await cb.onTrainBegin?.(ctx);
    if (options.resume) {
      state.load(options.resume);
      const { epoch, batch } = state.position;
      if (
        state.progress.seen !== Math.min(batch * batchSize, n) ||
        (batch > 0 && state.progress.metricSums.length !== metricFns.length)
      )
        throw new ValueError(
          `fit: the checkpoint stopped at epoch ${epoch + 1} after ${batch} batches and ${state.progress.seen} examples, which does not fit ${n} examples in batches of ${batchSize}; resume with the data and options of the saved run`,
        );
    }
    while (state.position.epoch < epochs && !stopRequested) {
      const epoch = state.position.epoch;
      if (state.position.batch === 0) {
        state.progress = { seen: 0, lossSum: 0, metricSums: metricFns.map(() => 0) };
        for (const cb of callbacks) await cb.onEpochBegin?.(epoch, ctx);
      }
      model.train();
      const order = shuffle ? permutation(n, seed, epoch) : undefined;
      const start = performance.now();
      const startSeen = state.progress.seen;
      const progress = state.progress;
      while (progress.seen < n) {
        const begin = state.position.batch * batchSize;
        const end = Math.min(begin + batchSize, n);
        const batch = order ? takeRows(train, order.subarray(begin, end)) : sliceRows(train, begin, end);
        const size = end - begin;
        const [x, y] = batchTensors(batch);
        const result = await step(x, y).finally(() => dispose([x, y]));
        progress.lossSum += result.loss * size;
        result.metrics.forEach((v, i) => {
          progress.metricSums[i] += v;
        });
        progress.seen = end;
        const elapsed = performance.now() - start;
        bar?.update(epoch, end, progress.lossSum / end, ((end - startSeen) / Math.max(elapsed, 1e-9)) * 1000);
        for (const cb of callbacks) await cb.onBatchEnd?.(state.position.batch - 1, { loss: result.loss, size }, ctx);
      }
      const seconds = (performance.now() - start) / 1000;
      const logs: EpochLogs = { loss: progress.lossSum / n };
      metricFns.forEach(([name], i) => {
        logs[name] = progress.metricSums[i] / n;
      });
      if (val) {
        const v = await evaluate(model, val, {
          loss,
          metrics: metricFns,
          batchSize: Math.max(batchSize, 256),
        });
        for (const [k, value] of Object.entries(v)) logs[`val${k[0].toUpperCase()}${k.slice(1)}`] = value;
      }
      state.history.push(logs);
      state.position = { epoch: epoch + 1, batch: 0 };
      state.progress = { seen: 0, lossSum: 0, metricSums: metricFns.map(() => 0) };
      bar?.epochEnd(epoch, logs, seconds, (n - startSeen) / Math.max(seconds, 1e-9));
      for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs, ctx);
    }
    history.epochs = state.history;
    history.compiled = step.mode === 'graph';
    if (stopRequested) history.stopReason = stopRequested;
    for (const cb of callbacks) await cb.onTrainEnd?.(ctx);
    return history;
  } finally {
    step.dispose();
  }
}
