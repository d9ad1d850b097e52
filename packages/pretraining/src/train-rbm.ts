/** trainRbm: minibatch contrastive-divergence training of one RBM over a dataset, epoch by epoch. */
import {
  checkOptionNames,
  dispose,
  finiteFlags,
  formatValue,
  invalid,
  NonFiniteLossError,
  optionNames,
  permutation,
  takeRows,
  tensor,
  tidy,
  ValueError,
} from '@backprop/core';
import {
  applyCdUpdate,
  CD_STEP_OPTIONS,
  type CdStepOptions,
  checkCdOptions,
  computeCdUpdate,
  disposeRbmState,
  type RbmTrainState,
} from './cd-step.js';
import {
  checkProgressOptions,
  type EpochRecord,
  endReconstructionEpoch,
  PROGRESS_OPTIONS,
  type ProgressOptions,
} from './progress.js';
import type { RBM } from './rbm.js';
import { checkSampler, philoxSampler, type Sampler } from './sampler.js';
import {
  checkFeatures,
  checkVisibleData,
  type Features,
  optionalBoolean,
  optionalFunction,
  positiveInt,
  seedOf,
} from './validate.js';

/** @internal Every option of {@link trainRbm}. */
export const TRAIN_RBM_OPTIONS = [
  ...CD_STEP_OPTIONS,
  ...PROGRESS_OPTIONS,
  ...optionNames<Omit<TrainRbmOptions, keyof CdStepOptions | keyof ProgressOptions>>({
    epochs: true,
    batchSize: true,
    shuffle: true,
    seed: true,
    sampler: true,
    onEpoch: true,
    onBatch: true,
  }),
];

/** @internal scikit-learn's names of {@link trainRbm}'s options. */
export const TRAIN_RBM_ALIASES = { learningRate: 'lr', nIter: 'epochs', n_iter: 'epochs' };

/** Options of {@link trainRbm}. */
export interface TrainRbmOptions extends Omit<CdStepOptions, 'momentum'>, ProgressOptions {
  /** Passes over the data (default 10). */
  epochs?: number;
  /** Examples per update (default 10, as scikit-learn). */
  batchSize?: number;
  /**
   * A constant momentum or a schedule by 0-based epoch, e.g. {@link hintonMomentum} (default 0).
   * A schedule is read for every epoch before the first batch, so a bad late value stops nothing half-way.
   */
  momentum?: number | ((epoch: number) => number);
  /** Reshuffle each epoch (default true; false takes the rows in order, as scikit-learn). */
  shuffle?: boolean;
  /** Seed of the shuffles and, unless `sampler` is given, of the Gibbs draws (default 0). */
  seed?: number;
  /** Where random draws come from (default `philoxSampler(seed)`). */
  sampler?: Sampler;
  /** Called after each epoch. */
  onEpoch?: (record: EpochRecord) => void;
  /** Called after each batch with its reconstruction error (for fine-grained curves). */
  onBatch?: (error: number) => void;
}

/**
 * Hinton's momentum schedule: 0.5 for the first `switchEpoch` epochs, then 0.9.
 *
 * @example
 * ```ts
 * import { hintonMomentum } from '@backprop/pretraining';
 *
 * const momentum = hintonMomentum(5); // pass as trainRbm's `momentum`
 * console.log(momentum(0), momentum(5)); // 0.5 0.9
 * ```
 */
export const hintonMomentum =
  (switchEpoch = 5, initial = 0.5, final = 0.9) =>
  (epoch: number): number =>
    epoch < switchEpoch ? initial : final;

/**
 * Trains `rbm` on `data` ([N, rbm.inputs], values in [0, 1] for Bernoulli visible units) with
 * CD-k or PCD-k minibatch updates ({@link cdStep}). Returns one record per epoch with the mean
 * reconstruction error; prints `layer i/n epoch e/E recon x` lines unless `silent`.
 *
 * scikit-learn's `BernoulliRBM(learning_rate, batch_size, n_iter)` is
 * `{ lr, batchSize, epochs, persistent: true, shuffle: false }`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend } from '@backprop/core';
 * import { hintonMomentum, RBM, trainRbm } from '@backprop/pretraining';
 *
 * await setBackend(cpu());
 * const data = { x: Float32Array.from({ length: 64 * 16 }, () => Math.round(Math.random())), xShape: [64, 16] };
 * const records = await trainRbm(new RBM(16, 8), data, { epochs: 10, lr: 0.1, momentum: hintonMomentum(), silent: true });
 * console.log(records.at(-1)?.loss); // the last epoch's mean reconstruction error
 * ```
 * Each batch's new weights and biases are checked before they are written: when one holds NaN or
 * ±∞ (a learning rate too large, Gaussian data not standardized) nothing of that batch is written
 * and training stops with `NonFiniteLossError` (`operation: 'trainRbm'`), so the RBM keeps the
 * weights of the batch before.
 *
 * @throws ShapeError when the data width is not `rbm.inputs`; ValueError for empty data,
 *   Bernoulli visible units given data outside [0, 1], Gaussian ones given NaN or ±∞, or bad
 *   hyperparameters — before any update.
 *   NonFiniteLossError when an update would make a weight or bias non-finite (nothing written).
 */
export async function trainRbm(rbm: RBM, data: Features, options: TrainRbmOptions = {}): Promise<EpochRecord[]> {
  checkOptionNames('trainRbm', options, TRAIN_RBM_OPTIONS, { aliases: TRAIN_RBM_ALIASES });
  const { epochs = 10, batchSize = 10, momentum = 0, shuffle = true, seed = 0, onBatch } = options;
  const { k, lr, weightCost, persistent, sampleVisible, sparsity } = options;
  const cd = { k, lr, weightCost, persistent, sampleVisible, sparsity };
  const n = checkFeatures('trainRbm', data, rbm.inputs);
  positiveInt('trainRbm', 'batchSize', batchSize);
  if (!Number.isInteger(epochs) || epochs < 0)
    throw new ValueError(`trainRbm: epochs must be a non-negative integer, got ${formatValue(epochs)}`);
  // Every value is checked here, before the first batch: a bad callback used to throw a TypeError
  // after that batch's update was written, and shuffle: 'false' counted as true.
  checkCdOptions('trainRbm', cd);
  if (typeof momentum === 'function') {
    // A schedule is read for every epoch now, so a bad value for a late epoch stops nothing half-way.
    for (let epoch = 0; epoch < epochs; epoch++) {
      const m: unknown = momentum(epoch);
      if (!(typeof m === 'number' && m >= 0 && Number.isFinite(m)))
        invalid('trainRbm', `momentum(${epoch})`, 'a finite number ≥ 0', m);
    }
  } else if (!(typeof momentum === 'number' && momentum >= 0 && Number.isFinite(momentum)))
    invalid('trainRbm', 'momentum', 'a finite number ≥ 0 or a function of the 0-based epoch', momentum);
  optionalBoolean('trainRbm', 'shuffle', shuffle);
  seedOf('trainRbm', seed);
  checkSampler('trainRbm', options.sampler);
  optionalFunction('trainRbm', 'onEpoch', options.onEpoch, '(record: EpochRecord) => void');
  optionalFunction('trainRbm', 'onBatch', onBatch, '(error: number) => void');
  checkProgressOptions('trainRbm', options);
  checkVisibleData('trainRbm', rbm.visible, data.x);
  const sampler = options.sampler ?? philoxSampler(seed);
  const momentumAt = typeof momentum === 'function' ? momentum : () => momentum;
  const state: RbmTrainState = {};
  const records: EpochRecord[] = [];
  const ds = { x: data.x, xShape: data.xShape, y: new Int32Array(n), yShape: [n] };
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const start = performance.now();
      const order = shuffle ? permutation(n, seed, epoch) : Int32Array.from({ length: n }, (_, i) => i);
      let errorSum = 0;
      for (let s = 0; s < n; s += batchSize) {
        const rows = takeRows(ds, order.subarray(s, Math.min(s + batchSize, n)));
        const update = tidy(() =>
          computeCdUpdate(rbm, tensor(rows.x, rows.xShape, 'float32'), state, sampler, {
            ...cd,
            momentum: momentumAt(epoch),
          }),
        );
        const flags = finiteFlags([update.weight, update.visibleBias, update.hiddenBias]);
        const [[e], read] = await Promise.all([update.error.data(), flags.data()]).finally(() => flags.dispose());
        const bad = read.findIndex((f) => f !== 0);
        if (bad >= 0) {
          dispose(update);
          const what = `the new ${['weight', 'visibleBias', 'hiddenBias'][bad]}`;
          throw new NonFiniteLossError(epoch + 1, s / batchSize + 1, e, what, 'trainRbm');
        }
        applyCdUpdate(rbm, state, update).dispose();
        errorSum += e * rows.xShape[0];
        onBatch?.(e);
      }
      endReconstructionEpoch(records, epoch, errorSum, n, start, epochs, options);
    }
  } finally {
    disposeRbmState(state);
  }
  return records;
}
