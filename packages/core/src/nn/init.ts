/**
 * Weight initializers. Each draws from the context's `generator` (a seeded layer's own stream),
 * else from the start of `seed`'s stream, else from the global seeded generator.
 * PyTorch's Linear default is U(±1/√fan_in) for weights and biases; Keras uses Glorot
 * uniform with zero biases; He (Kaiming) normal suits ReLU nets.
 */
import { otherCopyHint } from '../copies.js';
import { DTypeError, formatShape, ShapeError, ValueError } from '../errors.js';
import { full, zeros } from '../ops/creation.js';
import { randomNormal, randomUniform } from '../ops/random.js';
import type { Generator } from '../random/generator.js';
import { shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { formatValue } from '../validate.js';

/** What an initializer knows about the tensor it fills. */
export interface InitContext {
  fanIn: number;
  fanOut: number;
  /** Draw from the start of this seed's stream (when no `generator` is given). */
  seed?: number;
  /**
   * Draw from this generator, advancing it: a seeded layer passes its own, so its bias continues
   * the stream after its weight (as PyTorch draws them in turn after `manual_seed`).
   */
  generator?: Generator;
}

/** The random options of a context: its generator, else its seed. */
const source = ({ seed, generator }: InitContext): { seed?: number; generator?: Generator } =>
  generator !== undefined ? { generator } : { seed };

/** Makes a tensor of `shape`. */
export type Initializer = (shape: readonly number[], context: InitContext) => Tensor;

/**
 * All zeros.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const layer = nn.dense(256, 128, { weightInit: nn.zerosInit }); // or by name: 'zeros'
 * ```
 */
export const zerosInit: Initializer = (shape) => zeros(shape);
/**
 * A constant.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const layer = nn.dense(256, 128, { weightInit: nn.normalInit(0.02), biasInit: nn.constantInit(0.1) });
 * ```
 */
export const constantInit =
  (value: number): Initializer =>
  (shape) =>
    full(shape, value);
/**
 * U(low, high).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const layer = nn.dense(256, 128, { weightInit: nn.normalInit(0.02), biasInit: nn.uniformInit(-0.1, 0.1) });
 * ```
 */
export const uniformInit =
  (low = -0.05, high = 0.05): Initializer =>
  (shape, ctx) =>
    randomUniform(shape, { low, high, ...source(ctx) });
/**
 * N(0, std²).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const layer = nn.dense(256, 128, { weightInit: nn.normalInit(0.02) }); // N(0, 0.02²)
 * ```
 */
export const normalInit =
  (std = 0.01): Initializer =>
  (shape, ctx) =>
    randomNormal(shape, { std, ...source(ctx) });
/**
 * Glorot (Xavier) uniform: U(±√(6/(fan_in + fan_out))).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const layer = nn.dense(256, 128, { weightInit: nn.glorotUniform }); // or by name: 'glorotUniform'
 * ```
 */
export const glorotUniform: Initializer = (shape, ctx) => {
  const { fanIn, fanOut } = ctx;
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return randomUniform(shape, { low: -limit, high: limit, ...source(ctx) });
};
/**
 * Glorot (Xavier) normal: N(0, 2/(fan_in + fan_out)).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const layer = nn.dense(256, 128, { weightInit: nn.glorotNormal }); // or by name: 'glorotNormal'
 * ```
 */
export const glorotNormal: Initializer = (shape, ctx) =>
  randomNormal(shape, { std: Math.sqrt(2 / (ctx.fanIn + ctx.fanOut)), ...source(ctx) });
/**
 * He (Kaiming) normal: N(0, 2/fan_in).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const layer = nn.dense(256, 128, { weightInit: nn.heNormal }); // or by name: 'heNormal'
 * ```
 */
export const heNormal: Initializer = (shape, ctx) =>
  randomNormal(shape, { std: Math.sqrt(2 / ctx.fanIn), ...source(ctx) });
/**
 * He (Kaiming) uniform: U(±√(6/fan_in)).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const layer = nn.dense(256, 128, { weightInit: nn.heUniform }); // or by name: 'heUniform'
 * ```
 */
export const heUniform: Initializer = (shape, ctx) => {
  const { fanIn } = ctx;
  const limit = Math.sqrt(6 / fanIn);
  return randomUniform(shape, { low: -limit, high: limit, ...source(ctx) });
};
/**
 * PyTorch's Linear default: U(±1/√fan_in), for weights and biases alike.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const layer = nn.dense(256, 128, { weightInit: nn.torchDefault }); // or by name: 'torchDefault'
 * ```
 */
export const torchDefault: Initializer = (shape, ctx) => {
  const { fanIn } = ctx;
  const limit = 1 / Math.sqrt(Math.max(fanIn, 1));
  return randomUniform(shape, { low: -limit, high: limit, ...source(ctx) });
};

/** Initializers by name, for configuration files and hyperparameter search. */
export const initializers = {
  zeros: zerosInit,
  glorotUniform,
  glorotNormal,
  heNormal,
  heUniform,
  torchDefault,
} as const satisfies Record<string, Initializer>;

/** An initializer or its name. */
export type InitializerLike = Initializer | keyof typeof initializers;

/**
 * Resolves an initializer given by name.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const init = nn.resolveInit('myLayer', 'heNormal'); // a name or a function → the initializer
 * const w = init([64, 32], { fanIn: 64, fanOut: 32, seed: 1 });
 * ```
 */
export function resolveInit(op: string, init: InitializerLike): Initializer {
  if (typeof init === 'function') return checkedInit(op, init);
  // Own names only: 'constructor' or 'valueOf' would otherwise find Object's methods.
  const found = typeof init === 'string' && Object.hasOwn(initializers, init) ? initializers[init] : undefined;
  if (!found)
    throw new ValueError(
      `${op}: unknown initializer "${String(init)}"; expected one of ${Object.keys(initializers).join(', ')}`,
    );
  return found;
}

/**
 * A custom initializer whose result is checked: a float32 tensor of the shape asked for. A wrong
 * shape or dtype used to surface only at the first forward pass, as an error about a matmul.
 */
function checkedInit(op: string, init: Initializer): Initializer {
  return (shape, context) => {
    const tensor: unknown = init(shape, context);
    if (!(tensor instanceof Tensor))
      throw new ValueError(
        `${op}: the initializer must return a Tensor of shape ${formatShape(shape)}, got ${formatValue(tensor)}${otherCopyHint(tensor, 'Tensor')}`,
      );
    if (!shapesEqual(tensor.shape, shape))
      throw new ShapeError(
        `${op}: the initializer returned shape ${formatShape(tensor.shape)}, expected ${formatShape(shape)}`,
      );
    if (tensor.dtype !== 'float32')
      throw new DTypeError(`${op}: the initializer returned dtype ${tensor.dtype}, expected float32`);
    return tensor;
  };
}
