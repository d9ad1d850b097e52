/** Activation layers: modules without parameters that apply one function. */
import { elu, leakyRelu, logSoftmax, relu, softmax, softplus } from '../ops/activations.js';
import { flatten as flattenOp } from '../ops/reshape.js';
import { sigmoid, tanh } from '../ops/unary.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';

/** A module that applies `fn` and has no parameters. */
export class Lambda extends Module {
  constructor(
    readonly kind: string,
    private readonly fn: (x: Tensor) => Tensor,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return this.fn(x);
  }
}

/** ReLU layer. */
export const relu_ = (): Lambda => new Lambda('relu', relu);
/** Sigmoid layer. */
export const sigmoid_ = (): Lambda => new Lambda('sigmoid', sigmoid);
/** Tanh layer. */
export const tanh_ = (): Lambda => new Lambda('tanh', tanh);
/** Leaky ReLU layer. */
export const leakyRelu_ = (alpha = 0.01): Lambda => new Lambda('leakyRelu', (x) => leakyRelu(x, alpha));
/** Softplus layer. */
export const softplus_ = (): Lambda => new Lambda('softplus', softplus);
/** ELU layer. */
export const elu_ = (alpha = 1): Lambda => new Lambda('elu', (x) => elu(x, alpha));
/** Softmax layer (last axis). */
export const softmax_ = (): Lambda => new Lambda('softmax', (x) => softmax(x));
/** Log-softmax layer (last axis). */
export const logSoftmax_ = (): Lambda => new Lambda('logSoftmax', (x) => logSoftmax(x));
/** Flattens all axes after the batch axis. */
export const flatten_ = (): Lambda => new Lambda('flatten', (x) => flattenOp(x));

/** Activation layers by name, for configuration and hyperparameter search. */
export const activations = {
  relu: relu_,
  sigmoid: sigmoid_,
  tanh: tanh_,
  leakyRelu: () => leakyRelu_(),
  softplus: softplus_,
  elu: () => elu_(),
} as const;

/** The name of an activation layer. */
export type ActivationName = keyof typeof activations;
