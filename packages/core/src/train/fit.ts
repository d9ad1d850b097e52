/**
 * `fit`: minibatch gradient descent over a dataset. batchSize = N is the lecture's batch
 * gradient descent, 1 is stochastic gradient descent, anything between is minibatch.
 */

import { DTypeError, formatShape, ShapeError, ValueError } from '../errors.js';
import { inspectCheckpoint } from '../io/checkpoint.js';
import type { Loss } from '../losses/index.js';
import { dispose } from '../memory.js';
import type { Module } from '../nn/module.js';
import { snapshotModes } from '../nn/training-modes.js';
import { tensor } from '../ops/creation.js';
import { shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkOptionNames, nonNegative, nonNegativeInt, optionNames } from '../validate.js';
import { checkDataset, permutation, sliceRows, takeRows } from './batches.js';
import type { Callback, EpochLogs, TrainingContext } from './callbacks.js';
import type { ArrayDataset, Dataset } from './dataset.js';
import { evaluate } from './evaluate.js';
import { checkMonitors, checkTargets, epochLogKeys, nameLabelRow, validationKey } from './fit-checks.js';
import { describeRateChange, learningRates } from './learning-rate.js';
import { MetricTotals, type ResolvedMetrics } from './metric-totals.js';
import { type MetricNameOf, type MetricSpec, resolveMetrics } from './metrics.js';
import type { Optimizer, Penalty } from './optimizer.js';
import { ProgressBar, type ProgressOptions } from './progress.js';
import { toArrayDataset } from './tensor-dataset.js';
import { makeTrainStep } from './train-step.js';
import { type DataOrder, TrainingState } from './training-state.js';

/** Options of {@link fit}; `M` are the metrics (inferred from `metrics`). */
export interface FitOptions<M extends MetricSpec = MetricSpec> {
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
   * data, options and callbacks as the interrupted run: the checkpoint records the order `fit`
   * read the data in (examples, batch size, shuffle, seed), and a resume that would read other
   * batches is a ValueError before anything is restored. A checkpoint saved when a callback had
   * asked the run to stop (early stopping) records it: resuming from it trains no further.
   */
  resume?: Uint8Array;
  /** Reshuffle every epoch (default true), seeded by `seed`. */
  shuffle?: boolean;
  /** Seed of the shuffles (default 0). */
  seed?: number;
  /** A held-out fraction of the data (taken from the end, before shuffling) or a dataset (arrays or tensors). */
  validation?: number | Dataset;
  /**
   * Metrics to report besides the loss, exact over each epoch: names ('accuracy', 'binaryAccuracy',
   * 'logitAccuracy', 'mse', 'mae', 'r2', 'precision', 'recall', 'f1' — a typo is a compile error),
   * metrics such as `topK(5)` or `precision({ threshold: 0 })`, or `[name, fn]` pairs of your own.
   */
  metrics?: readonly M[];
  /** Terms added to the loss, e.g. `l2(1e-4)`. */
  penalties?: Penalty[];
  /** Hooks, e.g. early stopping. */
  callbacks?: Callback[];
  /**
   * Show progress as Keras does (default true): per epoch the steps, time, loss, every metric and
   * the learning rate, plus a line when a callback stops training or a learning rate changes.
   * Redrawn live on terminals, one line per epoch elsewhere. `false` is silent.
   */
  verbose?: boolean;
  /**
   * Run each step as one compiled graph (see `trainStep`): `'auto'` (default) does so on backends
   * that compile graphs (ONNX Runtime) unless the optimizer evaluates the gradient elsewhere
   * (`beforeGradient`); `true` forces it (other backends replay the graph), `false` never.
   */
  compile?: boolean | 'auto';
  /** Where epoch lines and messages go (default stderr, or the console in browsers). */
  log?: (line: string) => void;
  /** The live line's stream (default stderr) and clock, e.g. to test the output. */
  progress?: Pick<ProgressOptions, 'stream' | 'now' | 'interval'>;
}

/** What `fit` returns; `Names` are the metric names. */
export interface History<Names extends string = string> {
  /** One entry per finished epoch: `loss`, each metric, `val…` with validation, and `lr`. */
  epochs: EpochLogs<Names>[];
  /** Why training stopped early, if it did. */
  stopReason?: string;
  /** True when the steps ran as a compiled graph (see `FitOptions.compile`). */
  compiled: boolean;
  /**
   * Wall-clock seconds of each epoch this call ran. Kept apart from `epochs` so that those stay
   * identical across runs (eager or compiled, resumed or not); a resumed run lists only its own.
   */
  seconds: number[];
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

/** What an argument is, for messages. */
function describe(v: unknown): string {
  if (v instanceof Tensor) return `a Tensor ${v.dtype}[${v.shape.join(', ')}]`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} (typed arrays carry no shape)`;
  if (Array.isArray(v)) return 'an array';
  return v === null ? 'null' : typeof v;
}

/** The data and options of `fit(model, data, options)` or `fit(model, x, y, options)`. */
function fitArguments(args: readonly unknown[]): [Dataset, FitOptions] {
  let data: unknown;
  let options: unknown;
  if (args.length >= 3 || args[1] instanceof Tensor) {
    const [x, y] = args;
    if (!(x instanceof Tensor) || !(y instanceof Tensor))
      throw new ValueError(
        `fit: got 4 arguments (model, x, y, options), so x and y must be Tensors, got x ${describe(x)} and y ${describe(y)}; or pass the data as one dataset: fit(model, { x, xShape, y, yShape }, options)`,
      );
    if (args[2] === undefined)
      throw new ValueError('fit: got (model, x, y) without options; pass fit(model, x, y, { loss, optimizer, … })');
    data = { x, y };
    options = args[2];
  } else {
    [data, options] = args;
    if (data instanceof Tensor)
      throw new ValueError(
        `fit: got ${describe(data)} as the data and no targets; pass fit(model, x, y, options) or fit(model, { x, y }, options)`,
      );
  }
  if (typeof options !== 'object' || options === null)
    throw new ValueError(`fit: options must be an object { loss, optimizer, … }, got ${describe(options)}`);
  checkOptionNames('fit', options, FIT_OPTIONS, { aliases: FIT_ALIASES, hints: FIT_HINTS });
  const { progress } = options as FitOptions;
  if (progress !== undefined) {
    checkOptionNames('fit (progress)', progress, ['stream', 'now', 'interval']);
    if (progress.interval !== undefined) nonNegative('fit (progress)', 'interval', progress.interval);
  }
  return [data as Dataset, options as FitOptions];
}

/** Every option of {@link fit}. */
const FIT_OPTIONS = optionNames<FitOptions>({
  loss: true,
  optimizer: true,
  batchSize: true,
  epochs: true,
  resume: true,
  shuffle: true,
  seed: true,
  validation: true,
  metrics: true,
  penalties: true,
  callbacks: true,
  verbose: true,
  compile: true,
  log: true,
  progress: true,
});

/** Keras' and TF.js' names for fit's options, and PyTorch Lightning's. */
const FIT_ALIASES = {
  validationSplit: 'validation',
  validation_split: 'validation',
  validationData: 'validation',
  validation_data: 'validation',
  maxEpochs: 'epochs',
  max_epochs: 'epochs',
  regularizers: 'penalties',
};

const FIT_HINTS = {
  learningRate: 'set it on the optimizer: sgd({ lr })',
  lr: 'set it on the optimizer: sgd({ lr })',
  classWeight: 'weights per class are not supported; resample the data instead',
  class_weight: 'weights per class are not supported; resample the data instead',
};

/**
 * Trains `model` on `data` and returns the history of epoch logs, as Keras' `model.fit`: data
 * is a dataset of host arrays or of tensors (`{ x, y }`), or `fit(model, x, y, options)` with
 * tensors as in TF.js; tensors passed in stay yours (fit only reads them). Each step is
 * `trainStep`'s: a step with a non-finite loss or gradient throws `NonFiniteLossError` and
 * changes nothing. With `verbose` (the default) it prints Keras-style progress — see `FitOptions.verbose`.
 *
 * Train and eval modes: each module trains in the mode it is in when `fit` is called, so a
 * BatchNorm you froze with `bn.eval()` stays frozen (its running statistics do not move) while
 * the rest of the model trains — unlike a PyTorch loop that calls `model.train()` every epoch,
 * which unfreezes it. A model that is in evaluation mode as a whole (`model.training` false, as
 * after your own `model.eval()`) is switched to training first, all of it. Every epoch starts in
 * these modes again, and after each validation pass every module is back in them (a callback that
 * switched the model to `eval()` is undone at the next epoch). When `fit` returns, the modules are
 * in the modes they trained in (unless a callback changed them after the last epoch).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { fit, losses, nn, setBackend, tensor } from '@backprop/core';
 * import { adam } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(2, 8), nn.tanh(), nn.dense(8, 1));
 * const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
 * const y = tensor([[0], [1], [1], [0]]);
 * const history = await fit(model, x, y, { loss: losses.mse, optimizer: adam({ lr: 0.05 }), epochs: 200, verbose: false });
 * console.log(history.epochs.at(-1)?.loss); // close to 0
 * ```
 * @throws ValueError for bad options or arguments (x and y passed without a dataset must be Tensors);
 * and before the first step, so that nothing has trained: for two values the epoch logs would hold
 * under one key (a metric `'Loss'` is logged on validation data as `valLoss`), a callback whose
 * `monitor` names a key the logs will not have (`'valLoss'` without `validation`), or a NaN or ±∞
 * target of a built-in loss (naming its row).
 * @throws IndexError before the first step for a `softmaxCrossEntropy` label outside the classes of
 * the model's last `Dense` layer (or negative), naming its row of the training or validation data.
 */
export function fit<const M extends MetricSpec = never>(
  model: Module,
  data: Dataset,
  options: FitOptions<M>,
): Promise<History<MetricNameOf<M>>>;
/** `fit(model, x, y, options)`, as TF.js: x and y are Tensors with N rows each (see the dataset form). */
export function fit<const M extends MetricSpec = never>(
  model: Module,
  x: Tensor,
  y: Tensor,
  options: FitOptions<M>,
): Promise<History<MetricNameOf<M>>>;
export async function fit(model: Module, ...args: unknown[]): Promise<History> {
  const [given, options] = fitArguments(args);
  const { loss, optimizer, epochs = 1, shuffle = true, seed = 0, penalties = [], verbose = true } = options;
  if (typeof loss !== 'function')
    throw new ValueError('fit: options.loss must be a loss function, e.g. losses.softmaxCrossEntropy');
  if (!optimizer || typeof optimizer.step !== 'function')
    throw new ValueError('fit: options.optimizer must be an Optimizer');
  if (!Number.isInteger(epochs) || epochs < 0)
    throw new ValueError(`fit: epochs must be a non-negative integer, got ${epochs}`);
  if (options.resume !== undefined && !(options.resume instanceof Uint8Array))
    throw new ValueError('fit: resume must be checkpoint bytes (a Uint8Array)');
  nonNegativeInt('fit', 'seed', seed);
  if (typeof shuffle !== 'boolean')
    throw new ValueError(`fit: shuffle must be true or false, got ${describe(shuffle)}`);
  const givenCallbacks: unknown = options.callbacks ?? [];
  // A callback that is not an object was skipped without a word; a non-array crashed untyped.
  if (!Array.isArray(givenCallbacks) || givenCallbacks.some((c) => typeof c !== 'object' || c === null))
    throw new ValueError(
      `fit: callbacks must be a list of callback objects (earlyStopping(…), checkpoint(…), { onEpochEnd }), got ${describe(givenCallbacks)}${Array.isArray(givenCallbacks) ? ` holding ${givenCallbacks.map(describe).join(', ')}` : ''}`,
    );
  const callbacks = callbackOrder(givenCallbacks as Callback[]);
  const metricFns = resolveMetrics('fit', options.metrics ?? []);
  const data = await toArrayDataset('fit', given);
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
    val = await toArrayDataset('fit', options.validation);
    if (checkDataset('fit', val) === 0)
      throw new ValueError('fit: the validation set has no examples (its loss would be missing from every epoch)');
    // Checked now, not when the first epoch's training is done and the validation pass fails.
    const [tx, vx, ty, vy] = [train.xShape.slice(1), val.xShape.slice(1), train.yShape.slice(1), val.yShape.slice(1)];
    if (!shapesEqual(tx, vx) || !shapesEqual(ty, vy))
      throw new ShapeError(
        `fit: the validation examples are x ${formatShape(vx)}, y ${formatShape(vy)} and the training examples x ${formatShape(tx)}, y ${formatShape(ty)}; they must match`,
      );
    if (val.y.constructor !== train.y.constructor)
      throw new DTypeError(
        `fit: the validation targets are ${val.y.constructor.name} and the training targets ${train.y.constructor.name}; they must match`,
      );
  }
  const n = train.xShape[0];
  if (n === 0) throw new ValueError('fit: the training set is empty');
  // Checked now, not when a later batch, the first validation pass or the first epoch's callbacks
  // would throw after earlier steps had trained: the keys of the epoch logs, what the callbacks
  // monitor, and every target (rows of the data as given; a validation fraction is its last rows).
  const logKeys = epochLogKeys(
    'fit',
    metricFns.map(([name]) => name),
    val !== undefined,
    learningRates(optimizer).length > 0,
  );
  checkMonitors('fit', callbacks, logKeys);
  checkTargets(
    'fit',
    data,
    options.validation && typeof options.validation !== 'number' ? 'the training data' : 'the data',
    loss,
    model,
  );
  if (val && typeof options.validation !== 'number') checkTargets('fit', val, 'the validation data', loss, model);
  const batchSize = resolveBatchSize(options.batchSize ?? 32, n);
  const steps = Math.ceil(n / batchSize);

  const dataOrder: DataOrder = { examples: n, batchSize, shuffle, seed };
  // A checkpoint is checked against this run's data and options before anything is restored.
  const resumed = options.resume && checkResume(options.resume, dataOrder, metricFns);
  const state = new TrainingState({ model, optimizer, callbacks });
  state.dataOrder = dataOrder;
  const history: History = { epochs: state.history, compiled: false, seconds: [] };
  const bar = verbose ? new ProgressBar({ ...options.progress, epochs, steps, log: options.log }) : undefined;
  /** The epoch whose hooks run (its messages say so), or undefined at the start and end of training. */
  let current: number | undefined;
  const say = (message: string) => bar?.message(current === undefined ? message : `Epoch ${current + 1}: ${message}`);
  let stopRequested: string | undefined;
  let stopSaid = false;
  const sayStop = () => {
    if (stopRequested === undefined || stopSaid) return;
    stopSaid = true;
    say(`training stopped — ${stopRequested}`);
  };
  let rates = learningRates(optimizer);
  /** Reports a learning-rate change made by the callbacks that just ran. */
  const noteRates = () => {
    const now = learningRates(optimizer);
    const change = describeRateChange(rates, now);
    if (change) say(change);
    rates = now;
  };
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
      state.stopReason = reason;
    },
    log: (message: string) => {
      if (typeof message !== 'string') throw new ValueError(`fit: ctx.log takes a string, got ${describe(message)}`);
      say(message);
    },
  };
  const step = makeTrainStep(
    model,
    {
      loss,
      optimizer,
      penalties,
      metrics: metricFns,
      compile: options.compile ?? 'auto',
      state,
    },
    'fit',
  );

  // The modes every epoch trains in: each module's own as fit found it (a frozen BatchNorm stays
  // frozen), or all training when the root is in eval mode (a model left in eval by the user's own
  // evaluation). Applied when the first epoch starts, so a run that trains no epoch changes nothing.
  const trainingModes = model.training ? snapshotModes(model) : () => void model.train();

  try {
    for (const cb of callbacks) await cb.onTrainBegin?.(ctx);
    noteRates();
    sayStop();
    let totals = new MetricTotals('fit', metricFns);
    if (options.resume && resumed) {
      state.load(options.resume);
      rates = learningRates(optimizer);
      if (state.position.batch > 0) totals = resumed;
      // The saved run had been asked to stop: it trained no further, so neither does this one.
      if (state.stopReason !== undefined && stopRequested === undefined) {
        stopRequested = state.stopReason;
        stopSaid = true;
        say(`training stopped — ${stopRequested} (before the checkpoint was saved)`);
      }
    }
    // A stop takes effect when the epoch ends: a run resumed mid-epoch from a checkpoint saved after
    // a callback asked to stop still finishes that epoch, as the run itself did.
    while (state.position.epoch < epochs && (!stopRequested || state.position.batch > 0)) {
      const epoch = state.position.epoch;
      current = epoch;
      if (state.position.batch === 0) {
        state.progress = { seen: 0, lossSum: 0, metricSums: [] };
        totals = new MetricTotals('fit', metricFns);
      }
      // Also for the epoch a run resumes in the middle of (`ctx.state.position.batch` > 0 tells
      // it): what a callback sets when an epoch begins, such as a layer frozen or unfrozen
      // (`p.trainable`), is not in the checkpoint, and the resumed batches must train with it.
      for (const cb of callbacks) await cb.onEpochBegin?.(epoch, ctx);
      noteRates();
      trainingModes();
      const order = shuffle ? permutation(n, seed, epoch) : undefined;
      const start = performance.now();
      const progress = state.progress;
      bar?.epochBegin(epoch, state.position.batch);
      const running = (): Record<string, number> => {
        const logs: Record<string, number> = {
          loss: progress.lossSum / progress.seen,
          ...totals.values(progress.seen),
        };
        const lr = learningRates(optimizer)[0];
        if (lr !== undefined) logs.lr = lr;
        return logs;
      };
      while (progress.seen < n) {
        const begin = state.position.batch * batchSize;
        const end = Math.min(begin + batchSize, n);
        const batch = order ? takeRows(train, order.subarray(begin, end)) : sliceRows(train, begin, end);
        const size = end - begin;
        const [x, y] = batchTensors(batch);
        const result = await step(x, y)
          .catch((e: unknown) => {
            nameLabelRow(e, batch.y, (p) => (order ? order[begin + p] : begin + p), 'the training data');
            throw e;
          })
          .finally(() => dispose([x, y]));
        progress.lossSum += result.loss * size;
        totals.add(result.metricSums);
        progress.metricSums = totals.toArray();
        progress.seen = end;
        bar?.update(state.position.batch, running);
        for (const cb of callbacks) await cb.onBatchEnd?.(state.position.batch - 1, { loss: result.loss, size }, ctx);
      }
      // Rates a per-step schedule moved during the epoch are shown in the epoch line, not announced.
      rates = learningRates(optimizer);
      const logs: EpochLogs = { loss: progress.lossSum / n, ...totals.values(n) };
      if (val) {
        const v = await evaluate(model, val, {
          loss,
          metrics: metricFns,
          batchSize: Math.max(batchSize, 256),
        });
        trainingModes();
        for (const [k, value] of Object.entries(v)) logs[validationKey(k)] = value;
      }
      if (rates.length > 0) logs.lr = rates[0];
      state.history.push(logs);
      state.position = { epoch: epoch + 1, batch: 0 };
      state.progress = { seen: 0, lossSum: 0, metricSums: [] };
      const seconds = (performance.now() - start) / 1000;
      history.seconds.push(seconds);
      bar?.epochEnd(logs);
      for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs, ctx);
      noteRates();
      sayStop();
    }
    current = undefined;
    history.epochs = state.history;
    history.compiled = step.mode === 'graph';
    if (stopRequested) history.stopReason = stopRequested;
    for (const cb of callbacks) await cb.onTrainEnd?.(ctx);
    return history;
  } finally {
    step.dispose();
  }
}

/**
 * Checks checkpoint bytes against the run about to resume from them, before anything is
 * restored: the data order the saved run recorded (examples, batch size, shuffle, seed; older
 * checkpoints have none) and where it stopped must fit this run, or the resumed run would read
 * other batches than the interrupted one. Returns the epoch's metric sums to continue from.
 */
function checkResume(bytes: Uint8Array, order: DataOrder, metricFns: ResolvedMetrics): MetricTotals {
  const { position, progress, dataOrder: saved } = inspectCheckpoint(bytes);
  const describeOrder = (d: DataOrder) =>
    `${d.examples} examples in batches of ${d.batchSize}, ${d.shuffle ? `shuffled with seed ${d.seed}` : 'not shuffled'}`;
  if (saved) {
    const differs = (['examples', 'batchSize', 'shuffle', 'seed'] as const).filter((k) => saved[k] !== order[k]);
    // The seed orders nothing when neither run shuffles.
    const relevant = differs.filter((k) => k !== 'seed' || order.shuffle || saved.shuffle);
    if (relevant.length > 0)
      throw new ValueError(
        `fit: the checkpoint was saved by a run reading ${describeOrder(saved)}; this run reads ${describeOrder(order)} (${relevant.join(' and ')} ${relevant.length > 1 ? 'differ' : 'differs'}). Resume with the data and options of the saved run, or start a new run from the weights with loadCheckpoint`,
      );
  }
  const { epoch, batch } = position;
  const misfit = () =>
    new ValueError(
      `fit: the checkpoint stopped at epoch ${epoch + 1} after ${batch} batches and ${progress.seen} examples, which does not fit ${order.examples} examples in batches of ${order.batchSize}; resume with the data and options of the saved run`,
    );
  if (progress.seen !== Math.min(batch * order.batchSize, order.examples)) throw misfit();
  if (batch === 0) return new MetricTotals('fit', metricFns);
  try {
    return MetricTotals.fromArray('fit', metricFns, progress.metricSums);
  } catch {
    throw misfit();
  }
}
