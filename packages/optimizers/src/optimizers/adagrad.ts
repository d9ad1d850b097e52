/** AdaGrad: per-coordinate rates from the sum of squared gradients. */
import { scalar, type Tensor } from '@backprop/core';
import { hasFusedUpdate } from '../fused.js';
import { type CommonOptions, GradientOptimizer } from '../optimizer-base.js';
import type { BaseHyper } from '../param-groups.js';
import { chain, type GradientTransformation, type TransformState, type UpdateContext } from '../transform.js';
import { scaleByAdagrad } from '../transforms/adaptive.js';
import { scaleByLearningRate } from '../transforms/scale.js';
import { addWeightDecay } from '../transforms/weight-decay.js';
import { checkNonNegative, optimizerOptions } from '../validate.js';
import { fusedRmsprop } from './rmsprop.js';

/** AdaGrad's hyperparameters (per group). */
export interface AdagradHyper extends BaseHyper {
  /** η in γ_t = γ/(1 + (t−1)η). */
  lrDecay: number;
  /** G₀. */
  initialAccumulatorValue: number;
  eps: number;
}

/** γ_t = γ/(1 + (t−1)·lrDecay), AdaGrad's rate at step t. */
const decayedRate = (h: AdagradHyper, t: number): number => h.lr / (1 + (t - 1) * h.lrDecay);

/** Options of {@link Adagrad}. */
export type AdagradOptions = Partial<AdagradHyper> & CommonOptions<AdagradHyper>;

/**
 * AdaGrad (Duchi et al.), the lecture's and PyTorch's form alike: g ← g + λθ; G ← G + g²;
 * θ ← θ − γ_t·g/(√G + ε) with γ_t = γ/(1 + (t−1)·lrDecay), G₀ = `initialAccumulatorValue`
 * (δ outside the root). Defaults lr 1e-2, eps 1e-10, G₀ 0. Keras starts G at 0.1.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { grad, Parameter, setBackend, square, sum, tensor } from '@backprop/core';
 * import { Adagrad } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const w = new Parameter('w', tensor([1, 2]));
 * const optimizer = new Adagrad({ lr: 0.01 }); // the same as adagrad(…)
 * const [g] = grad((v) => sum(square(v)))(w.value);
 * optimizer.step([w], [g]); // one update by hand: w moves against the gradient
 * ```
 */
export class Adagrad extends GradientOptimizer<AdagradHyper> {
  constructor(options: AdagradOptions = {}) {
    const {
      lr = 1e-2,
      lrDecay = 0,
      weightDecay = 0,
      initialAccumulatorValue = 0,
      eps = 1e-10,
      ...rest
    } = optimizerOptions('Adagrad', options);
    super('Adagrad', { lr, lrDecay, weightDecay, initialAccumulatorValue, eps }, rest);
  }

  protected validate(h: AdagradHyper): void {
    checkNonNegative('Adagrad', 'lr', h.lr);
    checkNonNegative('Adagrad', 'lrDecay', h.lrDecay);
    checkNonNegative('Adagrad', 'weightDecay', h.weightDecay);
    checkNonNegative('Adagrad', 'initialAccumulatorValue', h.initialAccumulatorValue);
    checkNonNegative('Adagrad', 'eps', h.eps);
  }

  protected transform(h: AdagradHyper, lr: Tensor): GradientTransformation {
    return chain(
      addWeightDecay(h.weightDecay),
      scaleByAdagrad({ eps: h.eps, initialAccumulator: h.initialAccumulatorValue }),
      // Without decay the rate does not depend on t, so the step stays the same every call.
      scaleByLearningRate(h.lrDecay === 0 ? lr : (t) => decayedRate(h, t)),
    );
  }

  /** The fused `rmspropUpdate` kernel with decay 1 and scale 1 (G ← G + g²). */
  protected override fused(param: Tensor, grad: Tensor, state: TransformState, ctx: UpdateContext, h: AdagradHyper) {
    if (!hasFusedUpdate('rmspropUpdate')) return undefined;
    const lr = h.lrDecay === 0 ? (ctx.lr ?? scalar(h.lr)) : scalar(decayedRate(h, ctx.step));
    const attrs = { decay: 1, scale: 1, eps: h.eps, weightDecay: h.weightDecay, momentum: 0, centered: false };
    return fusedRmsprop(param, grad, state, attrs, lr, 'sum', ctx.inPlace);
  }
}

/**
 * Builds a {@link Adagrad}: `adagrad({ lr })` is `new Adagrad({ lr })`. Factories are how every
 * Backprop object is built; the class stays exported for `instanceof` and for subclassing.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { fit, losses, nn, setBackend, tensor } from '@backprop/core';
 * import { adagrad } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(1, 1));
 * await fit(model, tensor([[1], [2]]), tensor([[2], [4]]), { loss: losses.mse, optimizer: adagrad({ lr: 0.01 }), epochs: 5, verbose: false });
 * ```
 */
export function adagrad(options?: AdagradOptions): Adagrad {
  return new Adagrad(options);
}
