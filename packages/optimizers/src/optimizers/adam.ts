/** Adam and AMSGrad, with PyTorch's ε outside the root or the lecture's δ inside. */
import { adamUpdate, scalar, type Tensor } from '@backprop/core';
import { hasFusedUpdate } from '../fused.js';
import { type CommonOptions, GradientOptimizer } from '../optimizer-base.js';
import type { BaseHyper } from '../param-groups.js';
import { chain, type GradientTransformation, type TransformState, type UpdateContext } from '../transform.js';
import { type EpsPlacement, scaleByAdam } from '../transforms/adam.js';
import { scaleByLearningRate } from '../transforms/scale.js';
import { addDecayedWeights, addWeightDecay } from '../transforms/weight-decay.js';
import { checkBetas, checkBoolean, checkChoice, checkNonNegative, optimizerOptions } from '../validate.js';
import { completeState, keepUnread, missingKeys, withFreshKeys } from './slot-keys.js';

/** Adam's hyperparameters (per group). */
export interface AdamHyper extends BaseHyper {
  betas: readonly [number, number];
  eps: number;
  amsgrad: boolean;
  epsPlacement: EpsPlacement;
}

/** Options of {@link Adam} and {@link AdamW}. */
export type AdamOptions = Partial<AdamHyper> & CommonOptions<AdamHyper>;

/** Validates Adam-family hyperparameters under `op`'s name. */
export function validateAdam(op: string, h: AdamHyper): void {
  checkNonNegative(op, 'lr', h.lr);
  checkBetas(op, h.betas);
  checkNonNegative(op, 'eps', h.eps);
  checkNonNegative(op, 'weightDecay', h.weightDecay);
  checkBoolean(op, 'amsgrad', h.amsgrad);
  checkChoice(op, 'epsPlacement', h.epsPlacement, ['outside', 'inside']);
}

const AMSGRAD_KEYS: readonly string[] = Object.freeze(['maxExpAvgSq']);
const NO_KEYS: readonly string[] = Object.freeze([]);
/** The state keys that depend on a group's settings: AMSGrad's running max (see `slot-keys.ts`). */
export const adamStructuralKeys = (h: AdamHyper): readonly string[] => (h.amsgrad ? AMSGRAD_KEYS : NO_KEYS);

/**
 * Adam's composed rule for a group, coupled (Adam) or decoupled (AdamW) decay; a slot made under
 * another `amsgrad` gets a fresh running max or keeps its unread one (see `slot-keys.ts`).
 */
export function adamTransform(h: AdamHyper, lr: Tensor, decoupled: boolean): GradientTransformation {
  const [beta1, beta2] = h.betas;
  const scaling = scaleByAdam({ beta1, beta2, eps: h.eps, amsgrad: h.amsgrad, epsPlacement: h.epsPlacement });
  const rule = decoupled
    ? chain(scaling, addDecayedWeights(h.weightDecay), scaleByLearningRate(lr))
    : chain(addWeightDecay(h.weightDecay), scaling, scaleByLearningRate(lr));
  return completeState(rule, adamStructuralKeys(h));
}

/**
 * The fused `adamUpdate` kernel for Adam (coupled decay) or AdamW (decoupled), when present. t
 * goes in as the int32 step-count tensor of the state (`ctx.stepCount`) and γ as the group's
 * learning-rate tensor (`ctx.lr`), so a compiled step traces the same kernel call every step.
 * A slot made without `amsgrad` gets a fresh running max (zeros) at its first AMSGrad step,
 * computed out of place; one made with it keeps its running max, unread, while `amsgrad` is off.
 */
export function fusedAdam(
  param: Tensor,
  grad: Tensor,
  state: TransformState,
  ctx: UpdateContext,
  h: AdamHyper,
  decoupled: boolean,
): { param: Tensor; state: TransformState } | undefined {
  // The lecture's δ inside the root is not fused: the composed update computes it.
  if (h.epsPlacement !== 'outside' || !hasFusedUpdate('adamUpdate')) return undefined;
  // Contexts without a step-count tensor (custom ones) pass the host t.
  const step = ctx.stepCount ?? scalar(ctx.step, 'int32');
  const [beta1, beta2] = h.betas;
  const fresh = missingKeys(state, adamStructuralKeys(h));
  const { expAvg, expAvgSq, maxExpAvgSq } = withFreshKeys(state, fresh, param);
  const attrs = { beta1, beta2, eps: h.eps, weightDecay: h.weightDecay, decoupled, amsgrad: h.amsgrad };
  const lr = ctx.lr ?? scalar(h.lr);
  // A fresh tensor is not the slot's own yet: that one update is computed out of place.
  const inPlace = fresh.length === 0 ? ctx.inPlace : undefined;
  const out = adamUpdate({ param, grad, expAvg, expAvgSq, step, maxExpAvgSq, lr }, attrs, { inPlace });
  const state2: TransformState = { expAvg: out[1], expAvgSq: out[2], ...(h.amsgrad ? { maxExpAvgSq: out[3] } : {}) };
  return { param: out[0], state: keepUnread(state, state2) };
}

/**
 * Adam (Kingma & Ba). With g ← g + λθ (`weightDecay`, coupled), m ← β₁m + (1−β₁)g,
 * v ← β₂v + (1−β₂)g² (`betas`):
 * - PyTorch (`epsPlacement: 'outside'`, default): θ ← θ − (γ/(1−β₁ᵗ))·m/(√v/√(1−β₂ᵗ) + ε).
 * - The lecture (`'inside'`): ŝ = m/(1−β₁ᵗ), r̂ = v/(1−β₂ᵗ), θ ← θ − ε_lr·ŝ/√(r̂ + δ), δ = `eps`.
 * `amsgrad` uses the running max of v. Defaults lr 1e-3, betas (0.9, 0.999), eps 1e-8.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { grad, Parameter, setBackend, square, sum, tensor } from '@backprop/core';
 * import { Adam } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const w = new Parameter('w', tensor([1, 2]));
 * const optimizer = new Adam({ lr: 1e-3, betas: [0.9, 0.999] }); // the same as adam(…)
 * const [g] = grad((v) => sum(square(v)))(w.value);
 * optimizer.step([w], [g]); // one update by hand: w moves against the gradient
 * ```
 */
export class Adam extends GradientOptimizer<AdamHyper> {
  constructor(options: AdamOptions = {}) {
    const {
      lr = 1e-3,
      betas = [0.9, 0.999],
      eps = 1e-8,
      weightDecay = 0,
      amsgrad = false,
      epsPlacement = 'outside',
      ...rest
    } = optimizerOptions('Adam', options);
    super('Adam', { lr, betas, eps, weightDecay, amsgrad, epsPlacement }, rest);
  }

  protected validate(h: AdamHyper): void {
    validateAdam('Adam', h);
  }

  protected transform(h: AdamHyper, lr: Tensor): GradientTransformation {
    return adamTransform(h, lr, false);
  }

  protected override fused(param: Tensor, grad: Tensor, state: TransformState, ctx: UpdateContext, h: AdamHyper) {
    return fusedAdam(param, grad, state, ctx, h, false);
  }
}

/**
 * Builds a {@link Adam}: `adam({ lr })` is `new Adam({ lr })`. Factories are how every
 * Backprop object is built; the class stays exported for `instanceof` and for subclassing.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { fit, losses, nn, setBackend, tensor } from '@backprop/core';
 * import { adam } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(1, 1));
 * await fit(model, tensor([[1], [2]]), tensor([[2], [4]]), { loss: losses.mse, optimizer: adam({ lr: 1e-3, betas: [0.9, 0.999] }), epochs: 5, verbose: false });
 * ```
 */
export function adam(options?: AdamOptions): Adam {
  return new Adam(options);
}
