/** trainAutoencoder: minibatch gradient descent on an (optionally denoising) autoencoder's reconstruction loss. */

import {
  checkOptionNames,
  dispose,
  formatValue,
  NonFiniteLossError,
  type Optimizer,
  optionNames,
  permutation,
  takeRows,
  tensor,
  tidy,
  trainStep,
  ValueError,
} from '@backprop/core';
import { sgd } from '@backprop/optimizers';
import type { Autoencoder } from './autoencoder.js';
import { type Corruption, checkCorruption, corrupt } from './corruption.js';
import {
  checkProgressOptions,
  type EpochRecord,
  endReconstructionEpoch,
  PROGRESS_OPTIONS,
  type ProgressOptions,
} from './progress.js';
import { Reconstruction } from './reconstruction.js';
import { checkSampler, philoxSampler, type Sampler } from './sampler.js';
import { checkFeatures, checkUnitInterval, type Features, optionalFunction, positiveInt, seedOf } from './validate.js';

/** @internal Every option of {@link trainAutoencoder}. */
export const TRAIN_AUTOENCODER_OPTIONS = [
  ...PROGRESS_OPTIONS,
  ...optionNames<Omit<TrainAutoencoderOptions, keyof ProgressOptions>>({
    epochs: true,
    batchSize: true,
    optimizer: true,
    corruption: true,
    seed: true,
    sampler: true,
    onEpoch: true,
    onBatch: true,
  }),
];

/** Options of {@link trainAutoencoder}. */
export interface TrainAutoencoderOptions extends ProgressOptions {
  /** Passes over the data (default 10). */
  epochs?: number;
  /** Examples per update (default 20). */
  batchSize?: number;
  /** Any core Optimizer (default `sgd({ lr: 0.1 })` from `@backprop/optimizers`). */
  optimizer?: Optimizer;
  /** Denoising: corrupt the input, reconstruct the clean target (default none). */
  corruption?: Corruption;
  /** Seed of the shuffles and, unless `sampler` is given, of the corruption (default 0). */
  seed?: number;
  /** Where corruption draws come from (default `philoxSampler(seed)`). */
  sampler?: Sampler;
  /** Called after each epoch. */
  onEpoch?: (record: EpochRecord) => void;
  /** Called after each batch with its reconstruction error (for fine-grained curves). */
  onBatch?: (error: number) => void;
}

/**
 * Throws ValueError unless `optimizer` is undefined or an Optimizer: a factory such as
 * `() => adam()` (what the greedy `pretrainAutoencoders` takes) used to fail as a TypeError.
 */
function checkOptimizer(op: string, optimizer: unknown): void {
  if (optimizer === undefined) return;
  if (typeof optimizer === 'function')
    throw new ValueError(
      `${op}: optimizer must be an Optimizer instance such as adam({ lr: 1e-3 }), got a function; only pretrainAutoencoders takes a factory (one fresh optimizer per layer)`,
    );
  const o = optimizer as Partial<Optimizer> | null;
  if (typeof o?.step !== 'function' || typeof o?.dispose !== 'function')
    throw new ValueError(
      `${op}: optimizer must be an Optimizer such as adam({ lr: 1e-3 }), got ${formatValue(optimizer)}`,
    );
}

/**
 * Trains `ae` on `data` [N, ae.inputs]: each batch's loss is `ae.reconstructionLoss(x, corrupt(x))`
 * (see {@link Autoencoder}), minimised by core's `trainStep` (the step `fit` runs: updates in
 * place, one compiled graph on backends that compile). Returns one record per epoch with the mean
 * training reconstruction loss; prints `layer i/n epoch e/E recon x` unless silent.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend } from '@backprop/core';
 * import { adam } from '@backprop/optimizers';
 * import { autoencoder, trainAutoencoder } from '@backprop/pretraining';
 *
 * await setBackend(cpu());
 * const data = { x: Float32Array.from({ length: 64 * 8 }, () => Math.random()), xShape: [64, 8] };
 * const history = await trainAutoencoder(autoencoder(8, 3), data, { epochs: 10, batchSize: 16, optimizer: adam(), silent: true });
 * ```
 * @throws ShapeError when the data width is not `ae.inputs`; ValueError for cross-entropy given
 *   data outside [0, 1] or bad options — before any update. NonFiniteLossError (operation
 *   `'trainAutoencoder'`) when a batch's loss or gradient is NaN or ±∞ (a learning rate too large):
 *   that batch changes no weight and training stops, with the weights of the batch before.
 */
export async function trainAutoencoder(
  ae: Autoencoder,
  data: Features,
  options: TrainAutoencoderOptions = {},
): Promise<EpochRecord[]> {
  checkOptionNames('trainAutoencoder', options, TRAIN_AUTOENCODER_OPTIONS);
  const { epochs = 10, batchSize = 20, corruption, seed = 0, onBatch } = options;
  const n = checkFeatures('trainAutoencoder', data, ae.inputs);
  positiveInt('trainAutoencoder', 'batchSize', batchSize);
  if (!Number.isInteger(epochs) || epochs < 0)
    throw new ValueError(`trainAutoencoder: epochs must be a non-negative integer, got ${formatValue(epochs)}`);
  checkCorruption('trainAutoencoder', corruption);
  checkOptimizer('trainAutoencoder', options.optimizer);
  seedOf('trainAutoencoder', seed);
  checkSampler('trainAutoencoder', options.sampler);
  optionalFunction('trainAutoencoder', 'onEpoch', options.onEpoch, '(record: EpochRecord) => void');
  optionalFunction('trainAutoencoder', 'onBatch', onBatch, '(loss: number) => void');
  checkProgressOptions('trainAutoencoder', options);
  if (ae.loss === 'crossEntropy') checkUnitInterval('trainAutoencoder', data.x, 'autoencoder');
  const optimizer = options.optimizer ?? sgd({ lr: 0.1 });
  const sampler = options.sampler ?? philoxSampler(seed);
  const ds = { x: data.x, xShape: data.xShape, y: new Int32Array(n), yShape: [n] };
  const step = trainStep(new Reconstruction(ae), { loss: (z, target) => ae.lossOfLogits(z, target), optimizer });
  const records: EpochRecord[] = [];
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const start = performance.now();
      const order = permutation(n, seed, epoch);
      step.state.position = { epoch, batch: 0 };
      let lossSum = 0;
      for (let s = 0; s < n; s += batchSize) {
        const rows = takeRows(ds, order.subarray(s, Math.min(s + batchSize, n)));
        // Both made in one tidy: a corruption that throws leaves no tensor behind.
        const [x, input] = tidy(() => {
          const clean = tensor(rows.x, rows.xShape, 'float32');
          return [clean, corruption ? corrupt(clean, corruption, sampler) : clean];
        });
        let e: number;
        try {
          e = (await step(input, x)).loss;
        } catch (error) {
          if (!(error instanceof NonFiniteLossError)) throw error;
          throw new NonFiniteLossError(error.epoch, error.batch, error.loss, error.what, 'trainAutoencoder');
        } finally {
          dispose(input === x ? [x] : [x, input]);
        }
        lossSum += e * rows.xShape[0];
        onBatch?.(e);
      }
      endReconstructionEpoch(records, epoch, lossSum, n, start, epochs, options);
    }
  } finally {
    step.dispose();
    if (!options.optimizer) optimizer.dispose();
  }
  return records;
}
