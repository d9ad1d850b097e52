/** Adamax: Adam with the infinity norm in place of the second moment. */
import type { Tensor } from '@backprop/core';
import { type CommonOptions, GradientOptimizer } from '../optimizer-base.js';
import type { BaseHyper } from '../param-groups.js';
import { chain, type GradientTransformation } from '../transform.js';
import { scaleByAdamax } from '../transforms/adaptive.js';
import { scaleByLearningRate } from '../transforms/scale.js';
import { addWeightDecay } from '../transforms/weight-decay.js';
import { checkBetas, checkNonNegative, optimizerOptions } from '../validate.js';

/** Adamax's hyperparameters (per group). */
export interface AdamaxHyper extends BaseHyper {
  betas: readonly [number, number];
  eps: number;
}

/** Options of {@link Adamax}. */
export type AdamaxOptions = Partial<AdamaxHyper> & CommonOptions<AdamaxHyper>;

/**
 * Adamax (Kingma & Ba §7.1), as PyTorch: g ← g + λθ; m ← β₁m + (1−β₁)g;
 * u ← max(β₂u, |g| + ε); θ ← θ − γ·m/((1−β₁ᵗ)u). Defaults lr 2e-3, betas (0.9, 0.999), eps 1e-8.
 * Not in the lecture.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { grad, Parameter, setBackend, square, sum, tensor } from '@backprop/core';
 * import { Adamax } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const w = new Parameter('w', tensor([1, 2]));
 * const optimizer = new Adamax({ lr: 2e-3 }); // the same as adamax(…)
 * const [g] = grad((v) => sum(square(v)))(w.value);
 * optimizer.step([w], [g]); // one update by hand: w moves against the gradient
 * ```
 */
export class Adamax extends GradientOptimizer<AdamaxHyper> {
  constructor(options: AdamaxOptions = {}) {
    const {
      lr = 2e-3,
      betas = [0.9, 0.999],
      eps = 1e-8,
      weightDecay = 0,
      ...rest
    } = optimizerOptions('Adamax', options);
    super('Adamax', { lr, betas, eps, weightDecay }, rest);
  }

  protected validate(h: AdamaxHyper): void {
    checkNonNegative('Adamax', 'lr', h.lr);
    checkBetas('Adamax', h.betas);
    checkNonNegative('Adamax', 'eps', h.eps);
    checkNonNegative('Adamax', 'weightDecay', h.weightDecay);
  }

  protected transform(h: AdamaxHyper, lr: Tensor): GradientTransformation {
    const [beta1, beta2] = h.betas;
    return chain(addWeightDecay(h.weightDecay), scaleByAdamax({ beta1, beta2, eps: h.eps }), scaleByLearningRate(lr));
  }
}

/**
 * Builds a {@link Adamax}: `adamax({ lr })` is `new Adamax({ lr })`. Factories are how every
 * Backprop object is built; the class stays exported for `instanceof` and for subclassing.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { fit, losses, nn, setBackend, tensor } from '@backprop/core';
 * import { adamax } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(1, 1));
 * await fit(model, tensor([[1], [2]]), tensor([[2], [4]]), { loss: losses.mse, optimizer: adamax({ lr: 2e-3 }), epochs: 5, verbose: false });
 * ```
 */
export function adamax(options?: AdamaxOptions): Adamax {
  return new Adamax(options);
}
