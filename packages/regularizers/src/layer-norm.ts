/** LayerNorm: normalization of each example over its last axis, with elementwise γ and β. */
import {
  add,
  checkOptionNames,
  formatShape,
  formatValue,
  Module,
  mean,
  mul,
  ones,
  optionNames,
  type Parameter,
  rsqrt,
  ShapeError,
  square,
  sub,
  type Tensor,
  ValueError,
  zeros,
} from '@backprop/core';
import { bool, positive } from './check.js';

/** Options of {@link LayerNorm}. */
export interface LayerNormOptions {
  /** Added to the variance before the square root (default 1e-5, PyTorch's; Keras uses 1e-3). */
  eps?: number;
  /** Learnable γ (`weight`, starts at 1) and β (`bias`, starts at 0); default true (`true` or `false` only). */
  elementwiseAffine?: boolean;
}

/**
 * Layer normalization (Ba, Kiros & Hinton 2016), as PyTorch's `LayerNorm(d)`: each row along the
 * last axis is normalized with its own mean and biased variance, `y = γ·(x − μ)/√(σ² + ε) + β`, the
 * same in training and evaluation (no running statistics). Input `[..., d]`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, tensor } from '@backprop/core';
 * import { LayerNorm } from '@backprop/regularizers';
 *
 * await setBackend(cpu());
 * const ln = new LayerNorm(3, { elementwiseAffine: false });
 * console.log(await ln.forward(tensor([[1, 2, 3]])).data()); // ≈ [-1.2247, 0, 1.2247]: each row to mean 0, variance 1
 * ```
 */
export class LayerNorm extends Module {
  readonly weight?: Parameter;
  readonly bias?: Parameter;
  readonly eps: number;

  constructor(
    readonly features: number,
    options: LayerNormOptions = {},
  ) {
    super();
    checkOptionNames('layerNorm', options, optionNames<LayerNormOptions>({ eps: true, elementwiseAffine: true }), {
      aliases: { epsilon: 'eps', affine: 'elementwiseAffine' },
    });
    const { eps = 1e-5, elementwiseAffine = true } = options;
    if (!Number.isInteger(features) || features < 1)
      throw new ValueError(`layerNorm: features must be a positive integer, got ${formatValue(features)}`);
    this.eps = positive('layerNorm', 'eps', eps);
    bool('layerNorm', 'elementwiseAffine', elementwiseAffine);
    if (elementwiseAffine) {
      this.weight = this.parameter('weight', ones([features]));
      this.bias = this.parameter('bias', zeros([features]));
    }
  }

  forward(x: Tensor): Tensor {
    if (x.rank < 1 || x.shape[x.rank - 1] !== this.features) {
      throw new ShapeError(`layerNorm: expected input [..., ${this.features}], got ${formatShape(x.shape)}`);
    }
    const centered = sub(x, mean(x, -1, true));
    const normalized = mul(centered, rsqrt(add(mean(square(centered), -1, true), this.eps)));
    return this.weight && this.bias ? add(mul(normalized, this.weight.value), this.bias.value) : normalized;
  }
}

/**
 * A layer-normalization layer over the last axis: `layerNorm(256)`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 * import { layerNorm } from '@backprop/regularizers';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(32, 64), layerNorm(64), nn.relu(), nn.dense(64, 1));
 * ```
 */
export const layerNorm = (features: number, options?: LayerNormOptions): LayerNorm => new LayerNorm(features, options);
