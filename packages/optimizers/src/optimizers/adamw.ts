/** AdamW: Adam with decoupled weight decay. */
import type { Tensor } from '@backprop/core';
import { type CommonOptions, GradientOptimizer } from '../optimizer-base.js';
import type { GradientTransformation, TransformState, UpdateContext } from '../transform.js';
import { optimizerOptions } from '../validate.js';
import { type AdamHyper, adamTransform, fusedAdam, validateAdam } from './adam.js';

/** Options of {@link AdamW}. */
export type AdamWOptions = Partial<AdamHyper> & CommonOptions<AdamHyper>;

/**
 * AdamW (Loshchilov & Hutter), as PyTorch: θ ← θ − γλθ, then Adam's step without decay in
 * the gradient. Default `weightDecay` 1e-2; other defaults and options as {@link Adam}.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { grad, Parameter, setBackend, square, sum, tensor } from '@backprop/core';
 * import { AdamW } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const w = new Parameter('w', tensor([1, 2]));
 * const optimizer = new AdamW({ lr: 1e-3, weightDecay: 0.01 }); // the same as adamW(…)
 * const [g] = grad((v) => sum(square(v)))(w.value);
 * optimizer.step([w], [g]); // one update by hand: w moves against the gradient
 * ```
 */
export class AdamW extends GradientOptimizer<AdamHyper> {
  constructor(options: AdamWOptions = {}) {
    const {
      lr = 1e-3,
      betas = [0.9, 0.999],
      eps = 1e-8,
      weightDecay = 1e-2,
      amsgrad = false,
      epsPlacement = 'outside',
      ...rest
    } = optimizerOptions('AdamW', options);
    super('AdamW', { lr, betas, eps, weightDecay, amsgrad, epsPlacement }, rest);
  }

  protected validate(h: AdamHyper): void {
    validateAdam('AdamW', h);
  }

  protected transform(h: AdamHyper, lr: Tensor): GradientTransformation {
    return adamTransform(h, lr, true);
  }

  protected override fused(param: Tensor, grad: Tensor, state: TransformState, ctx: UpdateContext, h: AdamHyper) {
    return fusedAdam(param, grad, state, ctx, h, true);
  }
}

/**
 * Builds a {@link AdamW}: `adamW({ lr })` is `new AdamW({ lr })`. Factories are how every
 * Backprop object is built; the class stays exported for `instanceof` and for subclassing.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { fit, losses, nn, setBackend, tensor } from '@backprop/core';
 * import { adamW } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(1, 1));
 * await fit(model, tensor([[1], [2]]), tensor([[2], [4]]), { loss: losses.mse, optimizer: adamW({ lr: 1e-3, weightDecay: 0.01 }), epochs: 5, verbose: false });
 * ```
 */
export function adamW(options?: AdamWOptions): AdamW {
  return new AdamW(options);
}
