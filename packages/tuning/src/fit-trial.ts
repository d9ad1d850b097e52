/**
 * A ready-made trial for MLPs: builds the network a configuration describes (hidden layers,
 * units, activation, initialization, dropout), trains it with `fit` on a validation split,
 * optionally with early stopping, and reports the validation metrics.
 */
import {
  type ArrayDataset,
  type Callback,
  type EpochLogs,
  fit,
  formatValue,
  type Loss,
  type Module,
  metricMode,
  nn,
  type Optimizer,
  ValueError,
} from '@backprop/core';
import { dropout, earlyStopping } from '@backprop/regularizers';
import type { Config, HyperValue } from './space.js';

/** `config[key]` when it is a `type` (`fallback` when absent); a ValueError naming the key when it is anything else. */
function configValue<T extends 'number' | 'string'>(
  op: string,
  config: Config,
  key: string,
  type: T,
  fallback: T extends 'number' ? number : string,
): T extends 'number' ? number : string {
  const v: HyperValue | undefined = config[key];
  if (v === undefined) return fallback;
  if (typeof v !== type || (typeof v === 'number' && !Number.isFinite(v)))
    throw new ValueError(
      `${op}: config.${key} must be a ${type === 'number' ? 'finite number' : 'string'}, got ${formatValue(v)}`,
    );
  return v as T extends 'number' ? number : string;
}

/**
 * Builds the MLP of `config`: `layers` hidden layers (default 1) of `units` (default 64), each a
 * dense layer initialized with `init` (default 'torchDefault'), then `activation` (default 'relu'),
 * then dropout at rate `dropout` when it is not 0; a dense output layer of `outputs` last.
 * `seed` fixes the initial weights and the dropout masks (each dropout layer has its own generator
 * seeded from it, so a trial does not depend on what else ran in the thread). Each value must have its type (a number for `layers`,
 * `units` and `dropout`, a string for `activation` and `init`): anything else, `true` or `[64]`
 * included, is a ValueError naming the key rather than a value read some other way.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, zeros } from '@backprop/core';
 * import { mlpFromConfig } from '@backprop/tuning';
 *
 * await setBackend(cpu());
 * const model = mlpFromConfig(2, 3, { layers: 2, units: 16, activation: 'tanh', init: 'glorotUniform', dropout: 0.2 });
 * console.log(model.parameters().length); // 6: three weights, three biases
 * console.log(model.forward(zeros([4, 2])).shape); // [4, 3]
 * ```
 */
export function mlpFromConfig(inputs: number, outputs: number, config: Config, seed = 0): Module {
  const op = 'mlpFromConfig';
  const layers = configValue(op, config, 'layers', 'number', 1);
  const units = configValue(op, config, 'units', 'number', 64);
  const activation = configValue(op, config, 'activation', 'string', 'relu') as nn.ActivationName;
  const init = configValue(op, config, 'init', 'string', 'torchDefault') as keyof typeof nn.initializers;
  const drop = configValue(op, config, 'dropout', 'number', 0);
  if (!Number.isInteger(layers) || layers < 0)
    throw new ValueError(`mlpFromConfig: layers must be a non-negative integer, got ${config.layers}`);
  if (!(activation in nn.activations))
    throw new ValueError(
      `mlpFromConfig: unknown activation "${activation}"; expected one of ${Object.keys(nn.activations).join(', ')}`,
    );
  const stack: Module[] = [];
  let width = inputs;
  for (let l = 0; l < layers; l++) {
    stack.push(nn.dense(width, units, { weightInit: init, seed: seed * 1000 + 2 * l }));
    stack.push(nn.activations[activation]());
    // Any rate but 0 goes to dropout, which refuses one outside [0, 1) (a negative rate is not "none").
    // Its masks come from its own generator, seeded from `seed` (odd offsets; the dense layers take
    // the even ones), so a trial draws the same masks whatever ran before it in this thread.
    if (drop !== 0) stack.push(dropout({ drop }, { seed: seed * 1000 + 2 * l + 1 }));
    width = units;
  }
  stack.push(nn.dense(width, outputs, { seed: seed * 1000 + 2 * layers }));
  return nn.sequential(...stack);
}

/** Options of {@link fitTrial}. */
export interface FitTrialOptions {
  train: ArrayDataset;
  /** A validation set, or a fraction of `train` to hold out. */
  validation: ArrayDataset | number;
  /** Number of outputs (classes). */
  outputs: number;
  loss: Loss;
  /** Makes the optimizer from the configuration (e.g. `(c) => adam({ lr: c.lr })`). */
  optimizer: (config: Config) => Optimizer;
  /** Metrics to compute (default ['accuracy']). */
  metrics?: string[];
  /** Stop a trial early when `monitor` (default valLoss) has not improved for `patience` epochs. */
  earlyStopping?: { patience: number; monitor?: string; mode?: 'auto' | 'min' | 'max'; restoreBest?: boolean };
  /**
   * Called after each epoch with the epoch number (from 1) and its logs (`valLoss`,
   * `valAccuracy`, …); returning (or resolving to) true stops training after this epoch. Pass
   * the search's `report` here to let a pruner stop the trial:
   * `onEpoch: (epoch, logs) => report(epoch, logs.valAccuracy)`.
   */
  onEpoch?: (epoch: number, logs: EpochLogs) => unknown;
  /**
   * Stops training at the next batch when aborted (pass the trial context's `signal`, which aborts
   * when the trial runs past `trialTimeoutMs` or the search is cancelled); the trial then rejects
   * with the signal's reason. With it, training pauses for a moment after each epoch so that
   * timers can run (a time limit in this thread is checked only then).
   */
  signal?: AbortSignal;
}

/**
 * Trains the MLP `config` describes (`epochs`, `batchSize` from the config) and returns the
 * last epoch's validation metrics, the best value of each, and the epochs run.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { losses, setBackend } from '@backprop/core';
 * import { moons } from '@backprop/datasets';
 * import { adam } from '@backprop/optimizers';
 * import { fitTrial } from '@backprop/tuning';
 *
 * await setBackend(cpu());
 * const metrics = await fitTrial({ lr: 0.05, layers: 1, units: 16, epochs: 5, batchSize: 32 }, 0, {
 *   train: moons({ n: 200, noise: 0.1 }),
 *   validation: 0.2,
 *   outputs: 2,
 *   loss: losses.softmaxCrossEntropy,
 *   optimizer: (c) => adam({ lr: Number(c.lr) }),
 *   earlyStopping: { patience: 2 },
 * });
 * console.log(metrics.valAccuracy, metrics.bestValAccuracy, metrics.epochs); // e.g. 0.925 0.925 5
 * ```
 */
export async function fitTrial(config: Config, seed: number, o: FitTrialOptions): Promise<Record<string, number>> {
  const model = mlpFromConfig(
    o.train.xShape.slice(1).reduce((a, b) => a * b, 1),
    o.outputs,
    config,
    seed,
  );
  const callbacks: Callback[] = o.earlyStopping
    ? [earlyStopping({ monitor: 'valLoss', restoreBest: true, ...o.earlyStopping })]
    : [];
  const { onEpoch, signal } = o;
  if (onEpoch) {
    callbacks.push({
      async onEpochEnd(epoch, logs, ctx) {
        if ((await onEpoch(epoch + 1, logs)) === true) ctx.stop('stopped by onEpoch (pruned)');
      },
    });
  }
  if (signal) {
    callbacks.push({
      onBatchEnd() {
        signal.throwIfAborted();
      },
      // Training on backend-cpu never leaves the microtask queue; a pause after each epoch lets
      // the search's timer (trialTimeoutMs) fire and abort the signal.
      async onEpochEnd() {
        await new Promise<void>((resolve) => setTimeout(resolve, 0));
        signal.throwIfAborted();
      },
    });
  }
  try {
    signal?.throwIfAborted();
    const history = await fit(model, o.train, {
      loss: o.loss,
      optimizer: o.optimizer(config),
      epochs: configValue('fitTrial', config, 'epochs', 'number', 10),
      batchSize: configValue('fitTrial', config, 'batchSize', 'number', 32),
      seed,
      validation: o.validation,
      // Metric names as strings: the names fit accepts are checked by fit itself at run time.
      metrics: (o.metrics ?? ['accuracy']) as never,
      callbacks,
      verbose: false,
    });
    const last = history.epochs.at(-1) ?? {};
    const out: Record<string, number> = { ...last, epochs: history.epochs.length };
    for (const key of Object.keys(last).filter((k) => k.startsWith('val'))) {
      const values = history.epochs.map((e) => e[key]);
      // The best epoch's value, for metrics whose direction the name tells (core's metricMode); none for the others.
      const mode = metricMode(key);
      if (mode)
        out[`best${key[0].toUpperCase()}${key.slice(1)}`] = mode === 'max' ? Math.max(...values) : Math.min(...values);
    }
    return out;
  } finally {
    model.dispose();
  }
}
