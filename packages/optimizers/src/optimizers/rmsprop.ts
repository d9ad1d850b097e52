/** RMSProp: a decaying average of squared gradients, optionally centered, optionally with momentum. */
import { type InPlaceUpdates, type RmspropUpdateAttrs, rmspropUpdate, scalar, type Tensor } from '@backprop/core';
import { hasFusedUpdate } from '../fused.js';
import { type CommonOptions, GradientOptimizer } from '../optimizer-base.js';
import type { BaseHyper } from '../param-groups.js';
import { chain, type GradientTransformation, type TransformState, type UpdateContext } from '../transform.js';
import { scaleByRms } from '../transforms/adaptive.js';
import { scaleByLearningRate } from '../transforms/scale.js';
import { addWeightDecay } from '../transforms/weight-decay.js';
import { checkBoolean, checkNonNegative, optimizerOptions } from '../validate.js';
import { completeState, keepUnread, missingKeys, withFreshKeys } from './slot-keys.js';

/** RMSProp's hyperparameters (per group). */
export interface RMSpropHyper extends BaseHyper {
  /** α, the decay of the squared average (the lecture's ρ). */
  alpha: number;
  eps: number;
  momentum: number;
  centered: boolean;
}

const RMS_KEYS: readonly (readonly string[])[] = [[], ['gradAvg'], ['momentumBuffer'], ['gradAvg', 'momentumBuffer']];
/** The state keys that depend on the settings: ḡ (`centered`) and the momentum buffer (`momentum` > 0). */
const rmsStructuralKeys = ({ centered, momentum }: { centered: boolean; momentum: number }): readonly string[] =>
  RMS_KEYS[(centered ? 1 : 0) + (momentum > 0 ? 2 : 0)];

/**
 * The fused `rmspropUpdate` kernel, when present: RMSprop's state keys `squareAvg`, `gradAvg`
 * (centered) and `momentumBuffer` (momentum), or Adagrad's `sum` (decay 1, scale 1) as `squareAvg`.
 * A slot made under other `centered` / `momentum` settings gets the state it lacks fresh (zeros;
 * that update computed out of place) and keeps what is no longer read, unchanged.
 */
export function fusedRmsprop(
  param: Tensor,
  grad: Tensor,
  state: TransformState,
  attrs: RmspropUpdateAttrs,
  lr: Tensor,
  squareKey = 'squareAvg',
  inPlace?: InPlaceUpdates,
): { param: Tensor; state: TransformState } | undefined {
  const { centered, momentum } = attrs;
  if (!hasFusedUpdate('rmspropUpdate')) return undefined;
  const fresh = missingKeys(state, rmsStructuralKeys(attrs));
  const { gradAvg, momentumBuffer } = withFreshKeys(state, fresh, param);
  const out = rmspropUpdate(
    { param, grad, squareAvg: state[squareKey], gradAvg, momentumBuffer, lr },
    attrs,
    // A fresh tensor is not the slot's own yet: that one update is computed out of place.
    { inPlace: fresh.length === 0 ? inPlace : undefined },
  );
  const [p, square, ...rest] = out;
  const next: Record<string, Tensor> = { [squareKey]: square };
  if (centered) next.gradAvg = rest.shift() as Tensor;
  if (momentum > 0) next.momentumBuffer = rest.shift() as Tensor;
  return { param: p, state: keepUnread(state, next) };
}

/** Options of {@link RMSprop}. */
export type RMSpropOptions = Partial<RMSpropHyper> & CommonOptions<RMSpropHyper>;

/**
 * RMSProp (Hinton), PyTorch's form (the lecture's with ρ = α, δ outside the root):
 * g ← g + λθ; v ← αv + (1−α)g²; `centered`: ḡ ← αḡ + (1−α)g and v − ḡ² in the root;
 * d = g/(√v + ε); `momentum`: b ← μb + d, d = b; θ ← θ − γd.
 * Defaults lr 1e-2, alpha 0.99, eps 1e-8 (Keras: ρ 0.9, ε inside the root).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { grad, Parameter, setBackend, square, sum, tensor } from '@backprop/core';
 * import { RMSprop } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const w = new Parameter('w', tensor([1, 2]));
 * const optimizer = new RMSprop({ lr: 0.01, alpha: 0.99 }); // the same as rmsprop(…)
 * const [g] = grad((v) => sum(square(v)))(w.value);
 * optimizer.step([w], [g]); // one update by hand: w moves against the gradient
 * ```
 */
export class RMSprop extends GradientOptimizer<RMSpropHyper> {
  constructor(options: RMSpropOptions = {}) {
    const {
      lr = 1e-2,
      alpha = 0.99,
      eps = 1e-8,
      weightDecay = 0,
      momentum = 0,
      centered = false,
      ...rest
    } = optimizerOptions('RMSprop', options);
    super('RMSprop', { lr, alpha, eps, weightDecay, momentum, centered }, rest);
  }

  protected validate(h: RMSpropHyper): void {
    checkNonNegative('RMSprop', 'lr', h.lr);
    checkNonNegative('RMSprop', 'alpha', h.alpha);
    checkNonNegative('RMSprop', 'eps', h.eps);
    checkNonNegative('RMSprop', 'weightDecay', h.weightDecay);
    checkNonNegative('RMSprop', 'momentum', h.momentum);
    checkBoolean('RMSprop', 'centered', h.centered);
  }

  protected transform(h: RMSpropHyper, lr: Tensor): GradientTransformation {
    const rule = chain(addWeightDecay(h.weightDecay), scaleByRms(h), scaleByLearningRate(lr));
    return completeState(rule, rmsStructuralKeys(h));
  }

  protected override fused(param: Tensor, grad: Tensor, state: TransformState, ctx: UpdateContext, h: RMSpropHyper) {
    const { alpha, eps, weightDecay, momentum, centered } = h;
    const attrs = { decay: alpha, scale: 1 - alpha, eps, weightDecay, momentum, centered };
    return fusedRmsprop(param, grad, state, attrs, ctx.lr ?? scalar(h.lr), 'squareAvg', ctx.inPlace);
  }
}

/**
 * Builds a {@link RMSprop}: `rmsprop({ lr })` is `new RMSprop({ lr })`. Factories are how every
 * Backprop object is built; the class stays exported for `instanceof` and for subclassing.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { fit, losses, nn, setBackend, tensor } from '@backprop/core';
 * import { rmsprop } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(1, 1));
 * await fit(model, tensor([[1], [2]]), tensor([[2], [4]]), { loss: losses.mse, optimizer: rmsprop({ lr: 0.01, alpha: 0.99 }), epochs: 5, verbose: false });
 * ```
 */
export function rmsprop(options?: RMSpropOptions): RMSprop {
  return new RMSprop(options);
}
