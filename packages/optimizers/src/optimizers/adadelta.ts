/** Adadelta: unit-corrected steps from running averages of squared gradients and squared steps. */
import type { Tensor } from '@backprop/core';
import { type CommonOptions, GradientOptimizer } from '../optimizer-base.js';
import type { BaseHyper } from '../param-groups.js';
import { chain, type GradientTransformation } from '../transform.js';
import { scaleByAdadelta } from '../transforms/adaptive.js';
import { scaleByLearningRate } from '../transforms/scale.js';
import { addWeightDecay } from '../transforms/weight-decay.js';
import { checkInRange, checkNonNegative, optimizerOptions } from '../validate.js';

/** Adadelta's hyperparameters (per group). */
export interface AdadeltaHyper extends BaseHyper {
  rho: number;
  eps: number;
}

/** Options of {@link Adadelta}. */
export type AdadeltaOptions = Partial<AdadeltaHyper> & CommonOptions<AdadeltaHyper>;

/**
 * Adadelta (Zeiler 2012), as PyTorch: g ← g + λθ; v ← ρv + (1−ρ)g²;
 * Δ = √(u + ε)/√(v + ε)·g; u ← ρu + (1−ρ)Δ²; θ ← θ − γΔ (ε inside both roots).
 * Defaults lr 1.0, rho 0.9, eps 1e-6. Not in the lecture.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { grad, Parameter, setBackend, square, sum, tensor } from '@backprop/core';
 * import { Adadelta } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const w = new Parameter('w', tensor([1, 2]));
 * const optimizer = new Adadelta({ rho: 0.9 }); // the same as adadelta(…)
 * const [g] = grad((v) => sum(square(v)))(w.value);
 * optimizer.step([w], [g]); // one update by hand: w moves against the gradient
 * ```
 */
export class Adadelta extends GradientOptimizer<AdadeltaHyper> {
  constructor(options: AdadeltaOptions = {}) {
    const { lr = 1, rho = 0.9, eps = 1e-6, weightDecay = 0, ...rest } = optimizerOptions('Adadelta', options);
    super('Adadelta', { lr, rho, eps, weightDecay }, rest);
  }

  protected validate(h: AdadeltaHyper): void {
    checkNonNegative('Adadelta', 'lr', h.lr);
    checkInRange('Adadelta', 'rho', h.rho, 0, 1, true);
    checkNonNegative('Adadelta', 'eps', h.eps);
    checkNonNegative('Adadelta', 'weightDecay', h.weightDecay);
  }

  protected transform(h: AdadeltaHyper, lr: Tensor): GradientTransformation {
    return chain(addWeightDecay(h.weightDecay), scaleByAdadelta(h), scaleByLearningRate(lr));
  }
}

/**
 * Builds a {@link Adadelta}: `adadelta({ lr })` is `new Adadelta({ lr })`. Factories are how every
 * Backprop object is built; the class stays exported for `instanceof` and for subclassing.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { fit, losses, nn, setBackend, tensor } from '@backprop/core';
 * import { adadelta } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(1, 1));
 * await fit(model, tensor([[1], [2]]), tensor([[2], [4]]), { loss: losses.mse, optimizer: adadelta({ rho: 0.9 }), epochs: 5, verbose: false });
 * ```
 */
export function adadelta(options?: AdadeltaOptions): Adadelta {
  return new Adadelta(options);
}
