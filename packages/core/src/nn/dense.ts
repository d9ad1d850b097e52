/** Dense (fully connected) layer: y = x·W + b (b optional, no activation), W of shape [inputs, units]. */

import { customOp } from '../autograd/tape.js';
import { hasKernel, runKernel } from '../engine.js';
import { formatShape, ShapeError, ValueError } from '../errors.js';
import { add } from '../ops/binary.js';
import { matmul } from '../ops/matmul.js';
import { sum } from '../ops/reduce.js';
import { Generator } from '../random/generator.js';
import type { Tensor } from '../tensor.js';
import { boolean, checkOptionNames, formatValue, optionNames } from '../validate.js';
import { type InitializerLike, resolveInit } from './init.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';

/** Options of {@link Dense}. */
export interface DenseOptions {
  /** Add a bias (default true). */
  bias?: boolean;
  /** Weight initializer (default PyTorch's U(±1/√fan_in)). */
  weightInit?: InitializerLike;
  /** Bias initializer (default PyTorch's U(±1/√fan_in)). */
  biasInit?: InitializerLike;
  /**
   * Seed for this layer's initial values (default: the global generator): the weight, then the
   * bias, are drawn from this seed's stream, so layers seeded 1, 2, 3, … share no draws.
   */
  seed?: number;
}

/** Every option of {@link dense}. */
const DENSE_OPTIONS = optionNames<DenseOptions>({ bias: true, weightInit: true, biasInit: true, seed: true });

/** Keras' and PyTorch's names for dense's options. */
const DENSE_ALIASES = {
  useBias: 'bias',
  use_bias: 'bias',
  kernelInitializer: 'weightInit',
  kernel_initializer: 'weightInit',
  biasInitializer: 'biasInit',
  bias_initializer: 'biasInit',
};

/** Keras options that are separate layers here. */
const DENSE_HINTS = {
  activation: 'a dense layer is linear here; add the activation as its own layer, e.g. nn.relu() after it',
  kernelRegularizer: 'pass penalties to fit, e.g. l2(1e-4) from @backprop/regularizers',
  kernel_regularizer: 'pass penalties to fit, e.g. l2(1e-4) from @backprop/regularizers',
};

/**
 * A fully connected layer, y = x·W + b with W of shape [inputs, units] (the transpose of
 * PyTorch's Linear.weight). Uses the backend's fused `dense` kernel when it has one.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const layer = new nn.Dense(784, 10, { bias: false });
 * console.log(layer.weight.shape); // [784, 10]
 * ```
 */
export class Dense extends Module {
  readonly weight: Parameter;
  readonly bias?: Parameter;

  constructor(
    readonly inputs: number,
    readonly units: number,
    options: DenseOptions = {},
  ) {
    super();
    checkOptionNames('dense', options, DENSE_OPTIONS, { aliases: DENSE_ALIASES, hints: DENSE_HINTS });
    const { bias = true, weightInit = 'torchDefault', biasInit = 'torchDefault', seed } = options;
    boolean('dense', 'bias', bias);
    for (const [k, v] of [
      ['inputs', inputs],
      ['units', units],
    ] as const) {
      if (!Number.isInteger(v) || v < 1)
        throw new ValueError(`dense: ${k} must be a positive integer, got ${formatValue(v)}`);
    }
    // A seeded layer draws its weight, then its bias, from its own stream: the bias used to start
    // seed + 1's stream, the weight of the next layer when layers take seeds 1, 2, 3, …, so the two
    // were the same draws. A custom initializer that reads `seed` still gets seed + 1 for the bias.
    const generator = seed === undefined ? undefined : new Generator(seed);
    const ctx = { fanIn: inputs, fanOut: units, generator };
    this.weight = this.parameter('weight', resolveInit('dense', weightInit)([inputs, units], { ...ctx, seed }));
    if (bias)
      this.bias = this.parameter(
        'bias',
        resolveInit('dense', biasInit)([units], { ...ctx, seed: seed === undefined ? undefined : seed + 1 }),
      );
  }

  forward(x: Tensor): Tensor {
    if (x.rank < 2 || x.shape[x.rank - 1] !== this.inputs) {
      throw new ShapeError(`dense: expected input [..., ${this.inputs}], got ${formatShape(x.shape)}`);
    }
    const w = this.weight.value;
    const b = this.bias?.value;
    if (b && x.rank === 2 && hasKernel('dense')) {
      return customOp(
        'dense',
        [x, w, b],
        () => runKernel('dense', [x, w, b], {}, { shape: [x.shape[0], this.units], dtype: x.dtype }),
        (dy, _, [needX, needW, needB]) => [
          needX ? matmul(dy, w, { transposeB: true }) : null,
          needW ? matmul(x, dy, { transposeA: true }) : null,
          needB ? sum(dy, 0) : null,
        ],
      );
    }
    const y = matmul(x, w);
    return b ? add(y, b) : y;
  }
}

/**
 * A dense layer: `dense(784, 256)`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend, zeros } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const layer = nn.dense(3, 2, { weightInit: 'glorotUniform', biasInit: 'zeros', seed: 0 });
 * console.log(layer.forward(zeros([5, 3])).shape); // [5, 2]
 * ```
 */
export const dense = (inputs: number, units: number, options?: DenseOptions): Dense =>
  new Dense(inputs, units, options);
