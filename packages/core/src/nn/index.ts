/** The `nn` namespace: modules, layers, initializers. */

export {
  type ActivationName,
  activations,
  elu_ as elu,
  flatten_ as flatten,
  Lambda,
  leakyRelu_ as leakyRelu,
  logSoftmax_ as logSoftmax,
  relu_ as relu,
  sigmoid_ as sigmoid,
  softmax_ as softmax,
  softplus_ as softplus,
  tanh_ as tanh,
} from './activation-layers.js';
export { Dense, type DenseOptions, dense } from './dense.js';
export * from './init.js';
export { Module } from './module.js';
export { Parameter } from './parameter.js';
export { Sequential, sequential } from './sequential.js';
export { type LayerSummary, type ModelSummary, memorySummary, type SummaryOptions, summary } from './summary.js';
