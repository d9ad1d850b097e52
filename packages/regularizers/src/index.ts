/**
 * @packageDocumentation
 * Regularizers for Backprop: L2 / L1 / elastic-net weight penalties, dropout, batch and layer
 * normalization, early stopping, the max-norm constraint and Gaussian noise — each matching the
 * lecture and the reference library it names (PyTorch, Keras, scikit-learn).
 */

export { BatchNorm1d, type BatchNormOptions, batchNorm1d } from './batch-norm.js';
export { Dropout, type DropoutFnOptions, type DropoutLayerOptions, dropout, dropoutFn } from './dropout.js';
export type { DropoutRate } from './dropout-rate.js';
export { EarlyStopping, type EarlyStoppingOptions, earlyStopping } from './early-stopping.js';
export { type ElasticNetOptions, elasticNet } from './elastic-net.js';
export { GaussianNoise, type GaussianNoiseOptions, gaussianNoise } from './gaussian-noise.js';
export { l1 } from './l1.js';
export { l2 } from './l2.js';
export { LayerNorm, type LayerNormOptions, layerNorm } from './layer-norm.js';
export { applyMaxNorm, type MaxNormOptions, maxNorm } from './max-norm.js';
export { isWeight, type ParameterFilter, selectParameters } from './parameter-filter.js';
export { type PenaltyOptions, WeightPenalty } from './weight-penalty.js';
