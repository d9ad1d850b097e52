/** AdamW: Adam with decoupled weight decay. */
import type { Tensor } from '@backprop/core';
import { type CommonOptions, GradientOptimizer } from '../optimizer-base.js';
import { chain, type GradientTransformation, type TransformState, type UpdateContext } from '../transform.js';
import { scaleByAdam } from '../transforms/adam.js';
import { scaleByLearningRate } from '../transforms/scale.js';
import { addDecayedWeights } from '../transforms/weight-decay.js';
import { type AdamHyper, fusedAdam, validateAdam } from './adam.js';

/** Options of {@link AdamW}. */
export type AdamWOptions = Partial<AdamHyper> & CommonOptions<AdamHyper>;

/**
 * AdamW (Loshchilov & Hutter), as PyTorch: θ ← θ − γλθ, then Adam's step without decay in
 * the gradient. Default `weightDecay` 1e-2; other defaults and options as {@link Adam}.
 */
export class AdamW extends GradientOptimizer<AdamHyper> {
  constructor({
    lr = 1e-3,
    betas = [0.9, 0.999],
    eps = 1e-8,
    weightDecay = 1e-2,
    amsgrad = false,
    epsPlacement = 'outside',
    ...rest
  }: AdamWOptions = {}) {
    super('AdamW', { lr, betas, eps, weightDecay, amsgrad, epsPlacement }, rest);
  }

  protected validate(h: AdamHyper): void {
    validateAdam('AdamW', h);
  }

  protected transform(h: AdamHyper, lr: Tensor): GradientTransformation {
    const [beta1, beta2] = h.betas;
    return chain(scaleByAdam({ beta1, beta2, ...h }), addDecayedWeights(h.weightDecay), scaleByLearningRate(lr));
  }

  protected override fused(param: Tensor, grad: Tensor, state: TransformState, ctx: UpdateContext, h: AdamHyper) {
    return fusedAdam(param, grad, state, ctx, h, true);
  }
}

/**
 * Builds a {@link AdamW}: `adamW({ lr })` is `new AdamW({ lr })`. Factories are how every
 * Backprop object is built; the class stays exported for `instanceof` and for subclassing.
 */
export function adamW(options?: AdamWOptions): AdamW {
  return new AdamW(options);
}
