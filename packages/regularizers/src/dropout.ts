/** Dropout: inverted dropout as a layer and as a function; identity in evaluation. */
import {
  bernoulli,
  cast,
  checkOptionNames,
  Generator,
  less,
  Module,
  mul,
  optionNames,
  randomUniform,
  type Tensor,
  ValueError,
} from '@backprop/core';
import { bool, seedOf } from './check.js';
import { type DropoutRate, dropRateOf } from './dropout-rate.js';

/** Options of {@link dropout} and {@link Dropout} besides the rate. */
export interface DropoutLayerOptions {
  /** Seed of this layer's own generator (default: core's global generator, set by `manualSeed`). */
  seed?: number;
}

/**
 * Inverted dropout (Srivastava et al. 2014, as PyTorch's `nn.Dropout` and Keras' `Dropout`): in
 * training each unit is kept with probability `keep = 1 − drop` and kept units are scaled by
 * `1/keep`, so the expected activation is unchanged and evaluation is the identity (the lecture's
 * "multiply the weights by p at test time" is folded into training). Masks come from core's Philox
 * generator, so a seed gives the same mask on every backend.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { ones, setBackend } from '@backprop/core';
 * import { Dropout } from '@backprop/regularizers';
 *
 * await setBackend(cpu());
 * const layer = new Dropout(0.5, { seed: 0 });
 * console.log(await layer.forward(ones([6])).data()); // each value 0 or 2 (kept values scaled by 1/(1 − 0.5))
 * console.log(await layer.eval().forward(ones([6])).data()); // all ones: the identity in evaluation
 * ```
 */
export class Dropout extends Module {
  /** Probability of dropping a unit, in [0, 1). */
  readonly drop: number;
  readonly #generator: Generator | undefined;

  constructor(rate: DropoutRate, options: DropoutLayerOptions = {}) {
    super();
    checkOptionNames('dropout', options, optionNames<DropoutLayerOptions>({ seed: true }));
    const { seed } = options;
    this.drop = dropRateOf('dropout', rate);
    const s = seedOf('dropout', seed);
    this.#generator = s === undefined ? undefined : this.generator('generator', new Generator(s));
  }

  /** Probability of keeping a unit (the lecture's p). */
  get keep(): number {
    return 1 - this.drop;
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.drop === 0) return x;
    return applyMask(x, less(randomUniform(x.shape, { generator: this.#generator }), this.keep), this.keep);
  }
}

function applyMask(x: Tensor, mask: Tensor, keep: number): Tensor {
  // NOTE: the scale 1/keep is applied to the mask first (as PyTorch's fused kernel), so kept values are x·(1/keep) in float32.
  return mul(x, mul(cast(mask, 'float32'), 1 / keep));
}

/**
 * A dropout layer for `nn.sequential`: `dropout(0.2)` or `dropout({ drop: 0.2 })` drops 20% of units
 * (PyTorch's `p`), `dropout({ keep: 0.8 })` keeps 80% (the lecture's `p`).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 * import { dropout } from '@backprop/regularizers';
 *
 * await setBackend(cpu());
 * // Drops half the hidden units in training; `fit` turns it off for validation and `predict`.
 * const model = nn.sequential(nn.dense(784, 256), nn.relu(), dropout(0.5, { seed: 1 }), nn.dense(256, 10));
 * ```
 * @throws ValueError when the drop rate is outside [0, 1) (keep outside (0, 1]) or both or neither are given.
 */
export const dropout = (rate: DropoutRate, options?: DropoutLayerOptions): Dropout => new Dropout(rate, options);

/** Options of {@link dropoutFn}. */
export type DropoutFnOptions = ({ drop: number; keep?: never } | { keep: number; drop?: never }) & {
  /** Apply dropout (default true); false returns `x` unchanged. `true` or `false` only (`model.training`). */
  training?: boolean;
  /** Draw the mask from the start of this seed's stream (default: the global generator). */
  seed?: number;
};

/**
 * Inverted dropout of `x` as a function, for custom loops: `dropoutFn(h, { drop: 0.5, training })`.
 * With `seed`, the mask is `bernoulli(x.shape, keep, { seed })` (the same each call); without, it
 * advances core's global generator.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { ones, setBackend } from '@backprop/core';
 * import { dropoutFn } from '@backprop/regularizers';
 *
 * await setBackend(cpu());
 * const y = dropoutFn(ones([4, 4]), { keep: 0.8, seed: 3 }); // kept values become 1/0.8 = 1.25, the rest 0
 * ```
 */
export function dropoutFn(x: Tensor, options: DropoutFnOptions): Tensor {
  if (!options || typeof options !== 'object')
    throw new ValueError('dropoutFn: options { drop } or { keep } are required');
  checkOptionNames('dropoutFn', options, ['drop', 'keep', 'training', 'seed'], {
    aliases: { rate: 'drop', p: 'drop' },
  });
  const { training = true, seed, drop, keep } = options;
  const p = dropRateOf('dropoutFn', { drop, keep });
  seedOf('dropoutFn', seed);
  bool('dropoutFn', 'training', training);
  x.assertLive('dropoutFn');
  if (!training || p === 0) return x;
  return applyMask(x, bernoulli(x.shape, 1 - p, { seed, dtype: 'bool' }), 1 - p);
}
