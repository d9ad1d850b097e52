/** The `nn` namespace: modules, layers, initializers. */

export {
  type ActivationName,
  activations,
  elu,
  flatten,
  Lambda,
  leakyRelu,
  logSoftmax,
  relu,
  sigmoid,
  softmax,
  softplus,
  tanh,
} from './activation-layers.js';
export { Dense, type DenseOptions, dense } from './dense.js';
export * from './init.js';
export { Module } from './module.js';
export { Parameter } from './parameter.js';
export { Sequential, sequential } from './sequential.js';
export { type LayerSummary, type ModelSummary, memorySummary, type SummaryOptions, summary } from './summary.js';
