/** Greedy layer-wise pretraining of a stack: a DBN of RBMs, stacked (denoising) autoencoders, or supervised layers. */

import {
  type ArrayDataset,
  checkOptionNames,
  fit,
  formatValue,
  losses,
  nn,
  type Optimizer,
  optionNames,
  ShapeError,
  ValueError,
} from '@backprop/core';
import { sgd } from '@backprop/optimizers';
import { activationFn } from './activation.js';
import { AUTOENCODER_OPTIONS, Autoencoder, type AutoencoderOptions } from './autoencoder.js';
import { checkCorruption } from './corruption.js';
import { encodeFeatures } from './encode-dataset.js';
import type { ActivationName, Encoder } from './encoder.js';
import { checkProgressOptions, type EpochRecord, type ProgressOptions } from './progress.js';
import { RBM, type VisibleUnits } from './rbm.js';
import { SupervisedLayer } from './supervised-layer.js';
import { TRAIN_AUTOENCODER_OPTIONS, type TrainAutoencoderOptions, trainAutoencoder } from './train-autoencoder.js';
import { TRAIN_RBM_ALIASES, TRAIN_RBM_OPTIONS, type TrainRbmOptions, trainRbm } from './train-rbm.js';
import {
  checkFeatures,
  checkNestedOptions,
  checkSizes,
  checkUnitInterval,
  checkVisibleData,
  type Features,
  optionalBoolean,
  optionalFunction,
  seedOf,
} from './validate.js';

/** A pretrained stack and the per-layer, per-epoch history of its training. */
export interface Stack<L extends Encoder> {
  layers: L[];
  history: EpochRecord[];
}

/** Options shared by the greedy functions: layer widths, seed, progress. */
export interface GreedyOptions extends Omit<ProgressOptions, 'layer'> {
  /** Input width then one width per layer, e.g. [784, 500, 500, 2000]. */
  sizes: readonly number[];
  /** Base seed: layer i uses seed + i for its weights and shuffles (default 0). */
  seed?: number;
}

/** Every option of {@link GreedyOptions}; each greedy function adds its own. */
const GREEDY_OPTIONS = optionNames<GreedyOptions>({ sizes: true, seed: true, silent: true, log: true });

/** Where the per-layer options a greedy function sets itself belong instead. */
const PER_LAYER = {
  layer: 'is set per layer by the greedy function (it numbers the progress lines)',
  seed: 'is set per layer from the seed option (layer i + 1 uses seed + i); give seed next to sizes instead',
};

/**
 * The checks every greedy function runs first: sizes, data, seed, progress options. The layers
 * draw from seeds up to `seed + span` (each layer's own offset, and the +1 a layer takes for its
 * second tensor), so a seed too close to 2⁵³ for that is refused here, not after a layer trained.
 */
function prepare(op: string, data: Features, options: GreedyOptions, span: (layers: number) => number): void {
  checkSizes(op, options.sizes);
  checkFeatures(op, data, options.sizes[0]);
  const seed = seedOf(op, options.seed);
  const top = seed === undefined ? 0 : span(options.sizes.length - 1);
  if (seed !== undefined && !Number.isSafeInteger(seed + top))
    throw new ValueError(
      `${op}: seed must be at most ${Number.MAX_SAFE_INTEGER - top} for ${options.sizes.length - 1} layers (the layers use seeds up to seed + ${top}), got ${seed}`,
    );
  checkProgressOptions(op, options);
}

/**
 * The progress options each layer trains with: `silent` and `log` from the top level or from the
 * layer options (`rbm`, `train`); given in both places with different values, a ValueError.
 */
function progressOf(op: string, options: ProgressOptions, group: string, nested: ProgressOptions): ProgressOptions {
  optionalBoolean(op, `${group}.silent`, nested.silent);
  optionalFunction(op, `${group}.log`, nested.log, '(line: string) => void');
  for (const name of ['silent', 'log'] as const) {
    if (options[name] !== undefined && nested[name] !== undefined && options[name] !== nested[name])
      throw new ValueError(
        `${op}: ${name} is given twice with different values, at the top level (${formatValue(options[name])}) and as ${group}.${name} (${formatValue(nested[name])}); give it once`,
      );
  }
  return { silent: nested.silent ?? options.silent, log: nested.log ?? options.log };
}

/**
 * Checks an `optimizer` option that must make one fresh Optimizer per layer: an Optimizer
 * instance passed instead (what `trainAutoencoder` takes) used to fail as a TypeError.
 */
function checkOptimizerFactory(op: string, factory: unknown): void {
  if (typeof factory === 'function') return;
  const isOptimizer = typeof (factory as Partial<Optimizer> | null)?.step === 'function';
  const got = isOptimizer ? `an Optimizer instance (${describeObject(factory)})` : formatValue(factory);
  throw new ValueError(
    `${op}: optimizer must be a function that makes a fresh optimizer for each layer, e.g. () => adam({ lr: 1e-3 }), got ${got}`,
  );
}

/** Calls the factory for one layer and checks that it made an Optimizer. */
function optimizerFrom(op: string, factory: () => Optimizer, layer: number): Optimizer {
  const opt: unknown = factory();
  const o = opt as Partial<Optimizer> | null;
  if (typeof o?.step !== 'function' || typeof o?.dispose !== 'function')
    throw new ValueError(
      `${op}: the optimizer function must return an Optimizer such as adam({ lr: 1e-3 }), got ${formatValue(opt)} for layer ${layer}`,
    );
  return opt as Optimizer;
}

function describeObject(v: unknown): string {
  return (v as { constructor?: { name?: string } })?.constructor?.name || 'object';
}

/**
 * A deep belief net trained greedily (Hinton, Osindero & Teh 2006): RBM 1 on the data, RBM i+1
 * on the hidden probabilities of RBM i. Only the first RBM may have Gaussian visible units.
 * `rbm` holds {@link trainRbm}'s options for every layer; `silent` and `log` may go there or next
 * to `sizes`. Its `seed` is refused: each layer's seed comes from the `seed` option.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend } from '@backprop/core';
 * import { pretrainDbn, toMlp } from '@backprop/pretraining';
 *
 * await setBackend(cpu());
 * const data = { x: Float32Array.from({ length: 64 * 16 }, () => Math.round(Math.random())), xShape: [64, 16] };
 * const { layers } = await pretrainDbn(data, { sizes: [16, 12, 8], rbm: { epochs: 3 }, silent: true });
 * const model = toMlp(layers, { outputs: 10 }); // 16 → 12 → 8 → 10, ready to fine-tune with fit
 * ```
 * @throws ShapeError when `sizes` is malformed or does not start with the data width;
 *   ValueError for Bernoulli input units given data outside [0, 1] (Gaussian ones given NaN or
 *   ±∞), an unknown option (in `rbm` too) or one the function sets per layer — before any training.
 */
export async function pretrainDbn(
  data: Features,
  options: GreedyOptions & { rbm?: Omit<TrainRbmOptions, 'layer' | 'seed'>; visible?: VisibleUnits },
): Promise<Stack<RBM>> {
  checkOptionNames('pretrainDbn', options, [...GREEDY_OPTIONS, 'rbm', 'visible']);
  const { sizes, seed = 0, visible = 'bernoulli', rbm: train = {} } = options;
  prepare('pretrainDbn', data, options, (layers) => layers);
  checkNestedOptions('pretrainDbn', 'rbm', train, TRAIN_RBM_OPTIONS, PER_LAYER, TRAIN_RBM_ALIASES);
  const progress = progressOf('pretrainDbn', options, 'rbm', train);
  if (visible === 'bernoulli' || visible === 'gaussian') checkVisibleData('pretrainDbn', visible, data.x);
  const stack: Stack<RBM> = { layers: [], history: [] };
  let input = data;
  for (let i = 0; i + 1 < sizes.length; i++) {
    const rbm = new RBM(sizes[i], sizes[i + 1], { visible: i === 0 ? visible : 'bernoulli', seed: seed + i });
    const layer = { index: i + 1, count: sizes.length - 1 };
    stack.history.push(...(await trainRbm(rbm, input, { ...train, ...progress, layer, seed: seed + i })));
    stack.layers.push(rbm);
    if (i + 2 < sizes.length) input = await encodeFeatures((x) => rbm.encode(x), input);
  }
  return stack;
}

/**
 * Stacked (denoising) autoencoders (Bengio et al. 2007; Vincent et al. 2008): autoencoder i+1
 * learns to reconstruct the codes of autoencoder i. `corruption` may differ per layer
 * (the Theano SdA tutorial uses masking 0.1, 0.2, 0.3): layer i + 1 uses `corruption[i]`, and layers
 * past the end of the list (or given `undefined`) train without corruption. A list longer than the
 * stack, or a malformed entry, is a ValueError before any layer trains.
 *
 * `optimizer` is a function making a fresh optimizer for each layer, so no optimizer state carries
 * over from one layer to the next (an Optimizer instance there is a ValueError). `train` holds
 * {@link trainAutoencoder}'s options for every layer and `autoencoder` the layers' options;
 * `silent` and `log` may go in `train` or next to `sizes`. What the function sets per layer is
 * refused there with a pointer to the option that sets it: `train.optimizer`, `train.corruption`,
 * `train.seed` and `autoencoder.seed`. Cross-entropy with more than one layer needs sigmoid codes
 * (the only ones in [0, 1]).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend } from '@backprop/core';
 * import { adam } from '@backprop/optimizers';
 * import { pretrainAutoencoders } from '@backprop/pretraining';
 *
 * await setBackend(cpu());
 * const data = { x: Float32Array.from({ length: 64 * 16 }, () => Math.random()), xShape: [64, 16] };
 * const { layers, history } = await pretrainAutoencoders(data, { sizes: [16, 8, 4], optimizer: () => adam(), train: { epochs: 3 }, silent: true });
 * ```
 */
export async function pretrainAutoencoders(
  data: Features,
  options: GreedyOptions & {
    autoencoder?: Omit<AutoencoderOptions, 'seed'>;
    train?: Omit<TrainAutoencoderOptions, 'layer' | 'seed' | 'optimizer' | 'corruption'>;
    optimizer?: () => Optimizer;
    corruption?: TrainAutoencoderOptions['corruption'][];
  },
): Promise<Stack<Autoencoder>> {
  checkOptionNames('pretrainAutoencoders', options, [
    ...GREEDY_OPTIONS,
    'autoencoder',
    'train',
    'optimizer',
    'corruption',
  ]);
  const {
    sizes,
    seed = 0,
    autoencoder = {},
    train = {},
    optimizer = () => sgd({ lr: 0.1 }),
    corruption = [],
  } = options;
  prepare('pretrainAutoencoders', data, options, (layers) => 100 * (layers - 1) + 1);
  checkOptimizerFactory('pretrainAutoencoders', optimizer);
  checkNestedOptions('pretrainAutoencoders', 'autoencoder', autoencoder, AUTOENCODER_OPTIONS, {
    seed: PER_LAYER.seed.replace('seed + i', 'seed + 100·i for its weights'),
  });
  checkNestedOptions('pretrainAutoencoders', 'train', train, TRAIN_AUTOENCODER_OPTIONS, {
    ...PER_LAYER,
    optimizer:
      'is made per layer by the optimizer option, a function such as () => adam({ lr: 1e-3 }); give that next to sizes instead',
    corruption:
      'is set per layer by the corruption option, a list with one entry per layer (e.g. corruption: [c, c, c]); give that next to sizes instead',
  });
  const progress = progressOf('pretrainAutoencoders', options, 'train', train);
  // One entry per layer at most, each checked before any layer trains (a later layer's bad entry
  // used to surface only after the earlier layers had trained; extra entries were ignored).
  if (!Array.isArray(corruption) || corruption.length > sizes.length - 1)
    throw new ValueError(
      `pretrainAutoencoders: corruption must be a list of at most one entry per layer (${sizes.length - 1}), got ${formatValue(corruption)}`,
    );
  corruption.forEach((c, i) => {
    if (c !== undefined) checkCorruption(`pretrainAutoencoders (corruption of layer ${i + 1})`, c);
  });
  if ((autoencoder.loss ?? 'crossEntropy') === 'crossEntropy') {
    checkUnitInterval('pretrainAutoencoders', data.x, 'autoencoder');
    // Layer 2 onwards reconstruct the codes of the layer below: only sigmoid codes lie in [0, 1]
    // (they used to fail after layer 1 had trained).
    const activation = autoencoder.activation ?? 'sigmoid';
    activationFn('pretrainAutoencoders', activation);
    if (sizes.length > 2 && activation !== 'sigmoid')
      throw new ValueError(
        `pretrainAutoencoders: layers 2 to ${sizes.length - 1} reconstruct the ${activation} codes of the layer below, which cross-entropy needs in [0, 1] and only sigmoid codes are; use autoencoder: { activation: 'sigmoid' } or { loss: 'squaredError' }, got activation '${String(activation)}' with loss 'crossEntropy'`,
      );
  }
  const stack: Stack<Autoencoder> = { layers: [], history: [] };
  let input = data;
  for (let i = 0; i + 1 < sizes.length; i++) {
    const ae = new Autoencoder(sizes[i], sizes[i + 1], { ...autoencoder, seed: seed + 100 * i });
    const opt = optimizerFrom('pretrainAutoencoders', optimizer, i + 1);
    const layer = { index: i + 1, count: sizes.length - 1 };
    stack.history.push(
      ...(await trainAutoencoder(ae, input, {
        ...train,
        ...progress,
        optimizer: opt,
        corruption: corruption[i],
        layer,
        seed: seed + i,
      })),
    );
    opt.dispose();
    stack.layers.push(ae);
    if (i + 2 < sizes.length) input = await encodeFeatures((x) => ae.encode(x), input);
  }
  return stack;
}

/**
 * Greedy supervised layer-wise pretraining (Bengio et al. 2007, the lecture's third row):
 * layer i is trained with core `fit` as a one-hidden-layer net act(xW + c) → fresh softmax
 * output on the labels, with the layers below frozen (their outputs precomputed); the
 * temporary output layer is then dropped. `data.y` holds int32 labels [N]. `optimizer` is a
 * function making a fresh optimizer for each layer, e.g. `() => adam({ lr: 1e-3 })`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend } from '@backprop/core';
 * import { spirals } from '@backprop/datasets';
 * import { pretrainSupervised, toMlp } from '@backprop/pretraining';
 *
 * await setBackend(cpu());
 * const { layers } = await pretrainSupervised(spirals({ n: 90 }), { sizes: [2, 16, 16], classes: 3, epochs: 5, silent: true });
 * const model = toMlp(layers, { outputs: 3 });
 * ```
 */
export async function pretrainSupervised(
  data: ArrayDataset,
  options: GreedyOptions & {
    classes: number;
    activation?: ActivationName;
    epochs?: number;
    batchSize?: number;
    optimizer?: () => Optimizer;
  },
): Promise<Stack<SupervisedLayer>> {
  checkOptionNames('pretrainSupervised', options, [
    ...GREEDY_OPTIONS,
    'classes',
    'activation',
    'epochs',
    'batchSize',
    'optimizer',
  ]);
  const {
    sizes,
    seed = 0,
    classes,
    activation = 'sigmoid',
    epochs = 5,
    batchSize = 32,
    optimizer = () => sgd({ lr: 0.1 }),
  } = options;
  prepare('pretrainSupervised', data, options, (layers) => 100 * layers + 1);
  checkOptimizerFactory('pretrainSupervised', optimizer);
  if (!(data.y instanceof Int32Array) || data.yShape.length !== 1 || data.yShape[0] !== data.xShape[0]) {
    throw new ShapeError(
      `pretrainSupervised: expected int32 labels [${data.xShape[0]}], got ${data.y?.constructor?.name} [${data.yShape}]`,
    );
  }
  const stack: Stack<SupervisedLayer> = { layers: [], history: [] };
  let input: Features = data;
  for (let i = 0; i + 1 < sizes.length; i++) {
    const hidden = new SupervisedLayer(sizes[i], sizes[i + 1], activation, { seed: seed + 100 * i });
    const head = new nn.Dense(sizes[i + 1], classes, { seed: seed + 100 * i + 50 });
    const model = nn.sequential(hidden, head);
    const opt = optimizerFrom('pretrainSupervised', optimizer, i + 1);
    const count = sizes.length - 1;
    const h = await fit(
      model,
      { x: input.x, xShape: input.xShape, y: data.y, yShape: data.yShape },
      {
        loss: losses.softmaxCrossEntropy,
        optimizer: opt,
        epochs,
        batchSize,
        seed: seed + i,
        metrics: ['accuracy'],
        verbose: false,
      },
    );
    h.epochs.forEach((logs, e) => {
      const record: EpochRecord = {
        layer: i + 1,
        epoch: e + 1,
        loss: logs.loss,
        extra: { accuracy: logs.accuracy },
        seconds: 0,
      };
      stack.history.push(record);
      if (!options.silent)
        (options.log ?? console.log)(
          `layer ${i + 1}/${count} epoch ${e + 1}/${epochs} loss ${logs.loss.toFixed(4)} accuracy ${logs.accuracy.toFixed(4)}`,
        );
    });
    opt.dispose();
    head.dispose();
    stack.layers.push(hidden);
    if (i + 2 < sizes.length) input = await encodeFeatures((x) => hidden.encode(x), input);
  }
  return stack;
}
