/** Activation layers: modules without parameters that apply one function. */
import {
  elu as eluOp,
  leakyRelu as leakyReluOp,
  logSoftmax as logSoftmaxOp,
  relu as reluOp,
  softmax as softmaxOp,
  softplus as softplusOp,
} from '../ops/activations.js';
import { flatten as flattenOp } from '../ops/reshape.js';
import { sigmoid as sigmoidOp, tanh as tanhOp } from '../ops/unary.js';
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
export const relu = (): Lambda => new Lambda('relu', reluOp);
/** Sigmoid layer. */
export const sigmoid = (): Lambda => new Lambda('sigmoid', sigmoidOp);
/** Tanh layer. */
export const tanh = (): Lambda => new Lambda('tanh', tanhOp);
/** Leaky ReLU layer. */
export const leakyRelu = (alpha = 0.01): Lambda => new Lambda('leakyRelu', (x) => leakyReluOp(x, alpha));
/** Softplus layer. */
export const softplus = (): Lambda => new Lambda('softplus', softplusOp);
/** ELU layer. */
export const elu = (alpha = 1): Lambda => new Lambda('elu', (x) => eluOp(x, alpha));
/** Softmax layer (last axis). */
export const softmax = (): Lambda => new Lambda('softmax', (x) => softmaxOp(x));
/** Log-softmax layer (last axis). */
export const logSoftmax = (): Lambda => new Lambda('logSoftmax', (x) => logSoftmaxOp(x));
/** Flattens all axes after the batch axis. */
export const flatten = (): Lambda => new Lambda('flatten', (x) => flattenOp(x));

/** Activation layers by name, for configuration and hyperparameter search. */
export const activations = {
  relu,
  sigmoid,
  tanh,
  leakyRelu: () => leakyRelu(),
  softplus,
  elu: () => elu(),
} as const;

/** The name of an activation layer. */
export type ActivationName = keyof typeof activations;
