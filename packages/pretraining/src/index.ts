/**
 * @packageDocumentation
 * Greedy layer-wise pretraining for Backprop: restricted Boltzmann machines (Bernoulli and
 * Gaussian visible units, CD-k and persistent CD), deep belief nets, stacked (denoising)
 * autoencoders, greedy supervised pretraining, and conversion to a core MLP for fine-tuning.
 */

export { Autoencoder, type AutoencoderOptions, autoencoder, type ReconstructionLoss } from './autoencoder.js';
export { type CdStepOptions, cdStep, disposeRbmState, type RbmTrainState, type SparsityOptions } from './cd-step.js';
export { type Corruption, corrupt } from './corruption.js';
export { type EncodeFeaturesOptions, encodeFeatures } from './encode-dataset.js';
export type { ActivationName, Encoder } from './encoder.js';
export { type GibbsOptions, gibbsSample } from './gibbs.js';
export {
  type GradientMagnitudesOptions,
  type GradientRecord,
  gradientMagnitudes,
  type LayerGradient,
  type LayerGradientsOptions,
  layerGradients,
} from './gradient-magnitudes.js';
export { type GreedyOptions, pretrainAutoencoders, pretrainDbn, pretrainSupervised, type Stack } from './greedy.js';
export type { EpochRecord, ProgressOptions } from './progress.js';
export { type PseudoLikelihoodOptions, pseudoLikelihood } from './pseudo-likelihood.js';
export { RBM, type RBMOptions, type VisibleUnits } from './rbm.js';
export { philoxSampler, replaySampler, type Sampler } from './sampler.js';
export { SupervisedLayer } from './supervised-layer.js';
export { type ToMlpOptions, toMlp } from './to-mlp.js';
export { type TrainAutoencoderOptions, trainAutoencoder } from './train-autoencoder.js';
export { hintonMomentum, type TrainRbmOptions, trainRbm } from './train-rbm.js';
export type { Features } from './validate.js';
