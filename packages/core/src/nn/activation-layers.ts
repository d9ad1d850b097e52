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

/**
 * A module that applies `fn` and has no parameters.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { mul, nn, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const double = new nn.Lambda('double', (x) => mul(x, 2));
 * console.log(await double.forward(tensor([1, 2])).data()); // Float32Array [2, 4]
 * ```
 */
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

/**
 * ReLU layer.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(4, 8), nn.relu(), nn.dense(8, 2));
 * ```
 */
export const relu = (): Lambda => new Lambda('relu', reluOp);
/**
 * Sigmoid layer.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(4, 8), nn.sigmoid(), nn.dense(8, 2));
 * ```
 */
export const sigmoid = (): Lambda => new Lambda('sigmoid', sigmoidOp);
/**
 * Tanh layer.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(4, 8), nn.tanh(), nn.dense(8, 2));
 * ```
 */
export const tanh = (): Lambda => new Lambda('tanh', tanhOp);
/**
 * Leaky ReLU layer.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(4, 8), nn.leakyRelu(0.2), nn.dense(8, 2));
 * ```
 */
export const leakyRelu = (alpha = 0.01): Lambda => new Lambda('leakyRelu', (x) => leakyReluOp(x, alpha));
/**
 * Softplus layer.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(4, 8), nn.softplus(), nn.dense(8, 2));
 * ```
 */
export const softplus = (): Lambda => new Lambda('softplus', softplusOp);
/**
 * ELU layer.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(4, 8), nn.elu(1), nn.dense(8, 2));
 * ```
 */
export const elu = (alpha = 1): Lambda => new Lambda('elu', (x) => eluOp(x, alpha));
/**
 * Softmax layer (last axis).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(4, 3), nn.softmax());
 * ```
 */
export const softmax = (): Lambda => new Lambda('softmax', (x) => softmaxOp(x));
/**
 * Log-softmax layer (last axis).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(4, 3), nn.logSoftmax());
 * ```
 */
export const logSoftmax = (): Lambda => new Lambda('logSoftmax', (x) => logSoftmaxOp(x));
/**
 * Flattens all axes after the batch axis.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.flatten(), nn.dense(4, 2)); // [N, 2, 2] images become [N, 4]
 * ```
 */
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
