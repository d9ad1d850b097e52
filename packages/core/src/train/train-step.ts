/**
 * `trainStep`: the one training step — forward, loss and penalties, backward, update, metrics —
 * that `fit`, user loops and `compile` share. Compiled, it is this very function traced. A step
 * whose loss or any gradient is non-finite changes nothing: it keeps references to the state it
 * started from and puts them back, eager or compiled alike.
 */
import { valueAndGrad } from '../autograd/grad.js';
import { withoutRecording } from '../autograd/tape.js';
import { type CompiledFunction, type CompiledMode, compile } from '../compile/compile.js';
import { getBackend, keep } from '../engine.js';
import { NonFiniteLossError, ValueError } from '../errors.js';
import { exactKey } from '../exact-key.js';
import type { Loss } from '../losses/index.js';
import { dispose, tidy } from '../memory.js';
import type { Module } from '../nn/module.js';
import { add } from '../ops/binary.js';
import { finiteFlags } from '../ops/finite-flags.js';
import { sum } from '../ops/reduce.js';
import { Tensor } from '../tensor.js';
import { checkOptionNames, formatValue, optionNames } from '../validate.js';
import { batchSums, isMetric, type Metric, type MetricFn, metricResult } from './metric.js';
import { type MetricSpec, resolveMetrics } from './metrics.js';
import type { Optimizer, Penalty } from './optimizer.js';
import { type StateSnapshot, TrainingState } from './training-state.js';

/** Options of {@link trainStep}. */
export interface TrainStepOptions {
  /** The loss to minimise, e.g. `losses.softmaxCrossEntropy`. */
  loss: Loss;
  /** Updates the parameters, e.g. `adam({ lr: 1e-3 })`. */
  optimizer: Optimizer;
  /** Terms added to the loss, e.g. `l2(1e-4)`. */
  penalties?: readonly Penalty[];
  /** Metrics measured on each batch ('accuracy', 'mse', `topK(5)`, `[name, fn]` pairs…): their per-batch sums are returned. */
  metrics?: readonly MetricSpec[];
  /**
   * Run as one compiled graph: `'auto'` (default) on backends that compile graphs (ONNX Runtime)
   * unless the optimizer evaluates the gradient at a look-ahead point (`beforeGradient`); `true`
   * also on other backends (they replay the graph); `false` never.
   */
  compile?: boolean | 'auto';
  /** The training state to update (`fit` passes its own); default: a new one for the model and optimizer. */
  state?: TrainingState;
}

/** Every option of {@link trainStep}. */
const TRAIN_STEP_OPTIONS = optionNames<TrainStepOptions>({
  loss: true,
  optimizer: true,
  penalties: true,
  metrics: true,
  compile: true,
  state: true,
});

/** What one step measured. */
export interface StepResult {
  /** The batch's total loss (loss plus penalties). */
  loss: number;
  /**
   * Each metric on the batch, in `metrics` order: a plain function's sum (divide by the batch size
   * for the mean), a {@link Metric}'s value (R², precision, … on this batch alone).
   */
  metrics: number[];
  /** Each metric's sums on the batch, in `metrics` order (one for a plain function): add them over batches for exact epoch values. */
  metricSums: number[][];
}

/** A training step: `await step(x, y)`. */
export interface TrainStep {
  (x: Tensor, y: Tensor): Promise<StepResult>;
  /** The state it updates (for checkpoints: `await step.state.save()`). */
  readonly state: TrainingState;
  /** 'eager', or the compiled function's mode ('tracing' until its graph is stable, then 'graph'). */
  readonly mode: CompiledMode;
  /** Why a compiled step runs eagerly, when it does. */
  readonly reason: string | undefined;
  /** Frees compiled graphs (not the model or optimizer). */
  dispose(): void;
}

/**
 * Makes the training step of `model`: `await step(x, y)` runs forward, loss (plus penalties),
 * backward and the optimizer's update, advances `step.state.position.batch`, and returns the loss
 * and metric sums. When the loss or a gradient is NaN or ±∞ it throws `NonFiniteLossError`
 * (naming the epoch, batch and what was non-finite) and parameters, buffers, optimizer state and
 * generators are exactly as before the step. Learning-rate or other hyperparameter changes
 * (schedules, one group's `lr`), freezing or unfreezing a parameter (`p.trainable`) and
 * switching modules between training and evaluation mode (`model.train()`, `model.eval()`:
 * batch normalization, dropout) take effect at the next step, compiled or not: a compiled step
 * compares them before every step and traces again when one changed.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { losses, nn, setBackend, tensor, trainStep } from '@backprop/core';
 * import { sgd } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(1, 1));
 * const step = trainStep(model, { loss: losses.mse, optimizer: sgd({ lr: 0.1 }) });
 * const { loss } = await step(tensor([[1], [2]]), tensor([[2], [4]]));
 * console.log(loss); // the batch's mean loss before the update
 * ```
 */
export function trainStep(model: Module, options: TrainStepOptions): TrainStep {
  return makeTrainStep(model, options, 'trainStep');
}

/**
 * {@link trainStep}, its errors named after `operation`: `fit` makes its step here so that a
 * non-finite loss in `fit` says "fit:" and one in a user's own loop says "trainStep:".
 */
export function makeTrainStep(model: Module, options: TrainStepOptions, operation: 'fit' | 'trainStep'): TrainStep {
  checkOptionNames(operation, options, TRAIN_STEP_OPTIONS, {
    aliases: { metric: 'metrics', regularizers: 'penalties' },
  });
  const { loss, optimizer, penalties = [], compile: compileOption = 'auto' } = options;
  if (!Array.isArray(penalties) || penalties.some((p) => typeof p?.loss !== 'function'))
    throw new ValueError(
      `${operation}: penalties must be a list of penalties (l2(1e-4), l1(…) from @backprop/regularizers: objects with loss(params)), got ${formatValue(penalties)}`,
    );
  if (typeof loss !== 'function')
    throw new ValueError(`${operation}: options.loss must be a loss function, e.g. losses.softmaxCrossEntropy`);
  if (!optimizer || typeof optimizer.step !== 'function')
    throw new ValueError(`${operation}: options.optimizer must be an Optimizer, e.g. adam()`);
  if (![true, false, 'auto'].includes(compileOption))
    throw new ValueError(`${operation}: compile must be true, false or 'auto', got ${JSON.stringify(compileOption)}`);
  const metrics: [string, MetricFn | Metric][] = resolveMetrics(operation, options.metrics ?? []);
  const state = options.state ?? new TrainingState({ model, optimizer });
  if (state.model !== model || state.optimizer !== optimizer)
    throw new ValueError(`${operation}: options.state must hold the same model and optimizer`);

  const lookAhead = () => optimizer.usesLookAhead?.() ?? typeof optimizer.beforeGradient === 'function';
  const wantCompile =
    compileOption === true || (compileOption === 'auto' && typeof getBackend().compileGraph === 'function');
  let eagerReason: string | undefined;

  /** Forward, loss, backward, update; returns [loss, finite flags, ...metric sums]. */
  const body = (x: Tensor, y: Tensor): Tensor[] =>
    tidy(() => {
      const params = model.parameters().filter((p) => p.trainable);
      optimizer.beforeGradient?.(params);
      let measured: Tensor[] = [];
      const { value, grads } = valueAndGrad(() => {
        const prediction = model.forward(x);
        let total = loss(prediction, y);
        for (const p of penalties) total = add(total, p.loss(params));
        measured = withoutRecording(() =>
          metrics.map(([name, m]) => keep(batchSums(operation, name, m, prediction, y))),
        );
        return total;
      })(...params.map((p) => p.value));
      // One flag per tensor, 0 exactly when it is finite (the backend's one-pass kernel, or Σ x·0
      // with one gradient-sized temporary at a time).
      const flags = finiteFlags([value, ...grads]);
      // The gradients are read by nothing after the update: the optimizer frees each once its
      // parameter's new value is computed, so they are not all held beside the new values. It
      // may also write the new values into the parameters and state themselves (no second
      // copy), guarded by the flags: a step they reject writes nothing in place, and the
      // snapshot puts back everything else.
      const guard = sum(flags);
      optimizer.step(params, grads, { releaseGradients: true, inPlace: true, guard });
      return [value, flags, ...measured];
    });

  let compiled: CompiledFunction<Tensor[]> | undefined;
  let hyper = '';
  const current = (): CompiledFunction<Tensor[]> | undefined => {
    eagerReason =
      wantCompile && lookAhead()
        ? 'the optimizer takes the gradient at a look-ahead point (beforeGradient), which a graph cannot hold'
        : undefined;
    if (!wantCompile || eagerReason) return undefined;
    // A graph holds the hyperparameters it was traced with, except learning rates the optimizer
    // hands over as tensors (graph inputs), which parameters it updates and with which group's
    // settings, which modules run in training mode and the modules' own settings (a BatchNorm's
    // eps), and what else the optimizer says its update depends on: any change retraces.
    const { groups, lrTensors } = optimizer.getStateByParameter?.() ?? optimizer.getState();
    const now = `${exactKey(lrTensors ? groups.map(({ lr: _, ...rest }) => rest) : groups)}|${trainedBy(model, optimizer)}|${settingsOf(model)}|${optimizer.traceKey?.() ?? ''}`;
    if (compiled && now !== hyper) compiled.invalidate();
    hyper = now;
    compiled ??= compile(body, { state: [state.compiledState()] });
    return compiled;
  };

  const step = (async (x: Tensor, y: Tensor): Promise<StepResult> => {
    for (const [name, t] of [
      ['x', x],
      ['y', y],
    ] as const) {
      if (!(t instanceof Tensor)) throw new ValueError(`${operation}: ${name} must be a Tensor, got ${typeof t}`);
      t.assertLive(`${operation} (${name})`);
    }
    const fn = current();
    const before = state.snapshot({ scope: 'step' });
    let outputs: Tensor[];
    lendToGuard(before, 1);
    try {
      outputs = fn ? fn(x, y) : body(x, y);
    } catch (e) {
      state.restore(before);
      before.dispose();
      throw e;
    } finally {
      lendToGuard(before, -1);
    }
    let read: number[][];
    try {
      read = await Promise.all(outputs.map(async (t) => Array.from(await t.data())));
    } catch (e) {
      // The backend failed computing the step (an asynchronous backend's run): it wrote nothing,
      // and the state goes back to the step's start rather than holding values that cannot be read.
      state.restore(before);
      before.dispose();
      throw e;
    } finally {
      dispose(outputs);
    }
    const [[lossValue], flags, ...sums] = read;
    const bad = flags.findIndex((f) => f !== 0);
    if (bad >= 0) {
      state.restore(before);
      before.dispose();
      const params = model.parameters().filter((p) => p.trainable);
      const what =
        bad === 0 ? `the loss (${lossValue})` : `the gradient of ${params[bad - 1]?.name ?? `parameter ${bad - 1}`}`;
      throw new NonFiniteLossError(state.position.epoch + 1, state.position.batch + 1, lossValue, what, operation);
    }
    before.dispose();
    state.position.batch++;
    const size = x.rank === 0 ? 1 : x.shape[0];
    return {
      loss: lossValue,
      metrics: sums.map((s, i) => (isMetric(metrics[i][1]) ? metricResult(metrics[i][1], s, size) : s[0])),
      metricSums: sums,
    };
  }) as TrainStep;

  Object.defineProperties(step, {
    state: { value: state },
    mode: { get: () => (compiled && !eagerReason ? compiled.mode : 'eager') },
    reason: { get: () => eagerReason ?? compiled?.reason },
  });
  step.dispose = () => {
    compiled?.invalidate();
    compiled = undefined;
  };
  return step;
}

/**
 * The flags a traced step depends on beside the optimizer's hyperparameters, as a short string:
 * each parameter's `trainable` (which ones the step updates), then each module's `training` (a
 * batch normalization's statistics, a dropout's masks), every module once. One walk of the model
 * per step.
 */
/** Which parameters train (`p.trainable`), each with its group's index where the optimizer tells it. */
function trainedBy(model: Module, optimizer: Optimizer): string {
  let out = '';
  for (const p of model.parameters()) out += p.trainable ? `${optimizer.groupIndex?.(p) ?? 0},` : '-,';
  return out;
}

const isSetting = (v: unknown) => v === null || ['number', 'string', 'boolean'].includes(typeof v);

/**
 * What each module's forward may read besides tensors: its own enumerable numbers, strings,
 * booleans and lists of them — its `training` flag, a BatchNorm's `eps` and `momentum`, a
 * dropout's rate. A graph holds them as constants, so a change (`eval()`, or `bn.momentum` set
 * mid-run as PyTorch code does) retraces.
 */
function settingsOf(model: Module): string {
  const out: unknown[] = [];
  for (const m of model.modules()) {
    const own: unknown[] = [];
    for (const [k, v] of Object.entries(m))
      if (isSetting(v) || (Array.isArray(v) && v.every(isSetting))) own.push(k, v);
    out.push(own);
  }
  return exactKey(out);
}

/**
 * Counts (`by` 1) or uncounts (−1) the snapshot's views of parameters and optimizer state as
 * guarded: the step restores them exactly when its guard trips, which is exactly when guarded
 * in-place updates write nothing, so they do not stop an update from writing in place.
 */
function lendToGuard(snapshot: StateSnapshot, by: 1 | -1): void {
  for (const t of snapshot.model.values()) t.ref.guardedViews += by;
  for (const slot of (snapshot.optimizerByParameter ?? snapshot.optimizer)?.slots.values() ?? [])
    for (const t of Object.values(slot.tensors)) t.ref.guardedViews += by;
}
