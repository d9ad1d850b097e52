/** The `nn` namespace: modules, layers, initializers. */
export { Module } from './module.js';
export { Parameter } from './parameter.js';
export { Dense, dense, type DenseOptions } from './dense.js';
export { Sequential, sequential } from './sequential.js';
export {
  Lambda,
  activations,
  type ActivationName,
  relu_ as relu,
  sigmoid_ as sigmoid,
  tanh_ as tanh,
  leakyRelu_ as leakyRelu,
  softplus_ as softplus,
  elu_ as elu,
  softmax_ as softmax,
  logSoftmax_ as logSoftmax,
  flatten_ as flatten,
} from './activation-layers.js';
export * from './init.js';
