/** NAdam: Adam with Nesterov momentum and Dozat's momentum schedule. */
import type { Tensor } from '@backprop/core';
import { type CommonOptions, GradientOptimizer } from '../optimizer-base.js';
import type { BaseHyper } from '../param-groups.js';
import { chain, type GradientTransformation } from '../transform.js';
import { scaleByNadam } from '../transforms/adaptive.js';
import { scaleByLearningRate } from '../transforms/scale.js';
import { addWeightDecay } from '../transforms/weight-decay.js';
import { checkBetas, checkBoolean, checkNonNegative, optimizerOptions } from '../validate.js';

/** NAdam's hyperparameters (per group). */
export interface NAdamHyper extends BaseHyper {
  betas: readonly [number, number];
  eps: number;
  /** ψ in μ_t = β₁(1 − ½·0.96^{tψ}). */
  momentumDecay: number;
  /** Reproduce PyTorch 1.13's extra μ_t in the second term (see {@link scaleByNadam}). */
  legacyMuProduct: boolean;
}

/** Options of {@link NAdam}. */
export type NAdamOptions = Partial<NAdamHyper> & CommonOptions<NAdamHyper>;

/**
 * NAdam (Dozat 2016), as PyTorch ≥ 2.0: g ← g + λθ; m, v as Adam; μ_t = β₁(1 − ½·0.96^{tψ});
 * θ ← θ − γ[(1−μ_t)/(1−Π_{i≤t}μ_i)·g + μ_{t+1}/(1−Π_{i≤t+1}μ_i)·m] / (√(v/(1−β₂ᵗ)) + ε).
 * Defaults lr 2e-3, betas (0.9, 0.999), eps 1e-8, momentumDecay 4e-3. Not in the lecture.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { grad, Parameter, setBackend, square, sum, tensor } from '@backprop/core';
 * import { NAdam } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const w = new Parameter('w', tensor([1, 2]));
 * const optimizer = new NAdam({ lr: 2e-3 }); // the same as nadam(…)
 * const [g] = grad((v) => sum(square(v)))(w.value);
 * optimizer.step([w], [g]); // one update by hand: w moves against the gradient
 * ```
 */
export class NAdam extends GradientOptimizer<NAdamHyper> {
  constructor(options: NAdamOptions = {}) {
    const {
      lr = 2e-3,
      betas = [0.9, 0.999],
      eps = 1e-8,
      weightDecay = 0,
      momentumDecay = 4e-3,
      legacyMuProduct = false,
      ...rest
    } = optimizerOptions('NAdam', options);
    super('NAdam', { lr, betas, eps, weightDecay, momentumDecay, legacyMuProduct }, rest);
  }

  protected validate(h: NAdamHyper): void {
    checkNonNegative('NAdam', 'lr', h.lr);
    checkBetas('NAdam', h.betas);
    checkNonNegative('NAdam', 'eps', h.eps);
    checkNonNegative('NAdam', 'weightDecay', h.weightDecay);
    checkNonNegative('NAdam', 'momentumDecay', h.momentumDecay);
    checkBoolean('NAdam', 'legacyMuProduct', h.legacyMuProduct);
  }

  protected transform(h: NAdamHyper, lr: Tensor): GradientTransformation {
    const [beta1, beta2] = h.betas;
    return chain(
      addWeightDecay(h.weightDecay),
      scaleByNadam({
        beta1,
        beta2,
        eps: h.eps,
        momentumDecay: h.momentumDecay,
        legacyMuProduct: h.legacyMuProduct,
      }),
      scaleByLearningRate(lr),
    );
  }
}

/**
 * Builds a {@link NAdam}: `nadam({ lr })` is `new NAdam({ lr })`. Factories are how every
 * Backprop object is built; the class stays exported for `instanceof` and for subclassing.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { fit, losses, nn, setBackend, tensor } from '@backprop/core';
 * import { nadam } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(1, 1));
 * await fit(model, tensor([[1], [2]]), tensor([[2], [4]]), { loss: losses.mse, optimizer: nadam({ lr: 2e-3 }), epochs: 5, verbose: false });
 * ```
 */
export function nadam(options?: NAdamOptions): NAdam {
  return new NAdam(options);
}
