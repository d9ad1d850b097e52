/**
 * @packageDocumentation
 * Greedy layer-wise pretraining for Backprop: restricted Boltzmann machines (Bernoulli and
 * Gaussian visible units, CD-k and persistent CD), deep belief nets, stacked (denoising)
 * autoencoders, greedy supervised pretraining, and conversion to a core MLP for fine-tuning.
 */
export { type ActivationName, type Encoder } from './encoder.js';
export { RBM, type RBMOptions, type VisibleUnits } from './rbm.js';
export { cdStep, disposeRbmState, type CdStepOptions, type RbmTrainState, type SparsityOptions } from './cd-step.js';
export { trainRbm, hintonMomentum, type TrainRbmOptions } from './train-rbm.js';
export { pseudoLikelihood, type PseudoLikelihoodOptions } from './pseudo-likelihood.js';
export { gibbsSample, type GibbsOptions } from './gibbs.js';
export { philoxSampler, replaySampler, type Sampler } from './sampler.js';
export type { EpochRecord, ProgressOptions } from './progress.js';
export type { Features } from './validate.js';
export { Autoencoder, autoencoder, type AutoencoderOptions, type ReconstructionLoss } from './autoencoder.js';
export { corrupt, type Corruption } from './corruption.js';
export { trainAutoencoder, type TrainAutoencoderOptions } from './train-autoencoder.js';
export { SupervisedLayer } from './supervised-layer.js';
export { pretrainDbn, pretrainAutoencoders, pretrainSupervised, type GreedyOptions, type Stack } from './greedy.js';
export { encodeFeatures } from './encode-dataset.js';
export { toMlp, type ToMlpOptions } from './to-mlp.js';
export { sgd } from './sgd.js';
export { layerGradients, gradientMagnitudes, type LayerGradient, type GradientRecord } from './gradient-magnitudes.js';
export { readIdx, loadIdxDataset, type IdxArray } from './idx.js';
