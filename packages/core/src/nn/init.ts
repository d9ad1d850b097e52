/**
 * Weight initializers. Each draws from the global seeded generator, or from `seed`.
 * PyTorch's Linear default is U(±1/√fan_in) for weights and biases; Keras uses Glorot
 * uniform with zero biases; He (Kaiming) normal suits ReLU nets.
 */
import { ValueError } from '../errors.js';
import { full, zeros } from '../ops/creation.js';
import { randomNormal, randomUniform } from '../ops/random.js';
import type { Tensor } from '../tensor.js';

/** What an initializer knows about the tensor it fills. */
export interface InitContext {
  fanIn: number;
  fanOut: number;
  seed?: number;
}

/** Makes a tensor of `shape`. */
export type Initializer = (shape: readonly number[], context: InitContext) => Tensor;

/** All zeros. */
export const zerosInit: Initializer = (shape) => zeros(shape);
/** A constant. */
export const constantInit =
  (value: number): Initializer =>
  (shape) =>
    full(shape, value);
/** U(low, high). */
export const uniformInit =
  (low = -0.05, high = 0.05): Initializer =>
  (shape, { seed }) =>
    randomUniform(shape, { low, high, seed });
/** N(0, std²). */
export const normalInit =
  (std = 0.01): Initializer =>
  (shape, { seed }) =>
    randomNormal(shape, { std, seed });
/** Glorot (Xavier) uniform: U(±√(6/(fan_in + fan_out))). */
export const glorotUniform: Initializer = (shape, { fanIn, fanOut, seed }) => {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return randomUniform(shape, { low: -limit, high: limit, seed });
};
/** Glorot (Xavier) normal: N(0, 2/(fan_in + fan_out)). */
export const glorotNormal: Initializer = (shape, { fanIn, fanOut, seed }) =>
  randomNormal(shape, { std: Math.sqrt(2 / (fanIn + fanOut)), seed });
/** He (Kaiming) normal: N(0, 2/fan_in). */
export const heNormal: Initializer = (shape, { fanIn, seed }) =>
  randomNormal(shape, { std: Math.sqrt(2 / fanIn), seed });
/** He (Kaiming) uniform: U(±√(6/fan_in)). */
export const heUniform: Initializer = (shape, { fanIn, seed }) => {
  const limit = Math.sqrt(6 / fanIn);
  return randomUniform(shape, { low: -limit, high: limit, seed });
};
/** PyTorch's Linear default: U(±1/√fan_in), for weights and biases alike. */
export const torchDefault: Initializer = (shape, { fanIn, seed }) => {
  const limit = 1 / Math.sqrt(Math.max(fanIn, 1));
  return randomUniform(shape, { low: -limit, high: limit, seed });
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

/** Resolves an initializer given by name. */
export function resolveInit(op: string, init: InitializerLike): Initializer {
  if (typeof init === 'function') return init;
  const found = initializers[init];
  if (!found)
    throw new ValueError(
      `${op}: unknown initializer "${String(init)}"; expected one of ${Object.keys(initializers).join(', ')}`,
    );
  return found;
}
