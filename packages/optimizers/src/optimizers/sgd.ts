/** SGD: plain, with coupled weight decay, momentum and Nesterov, in PyTorch's form or the lecture's. */
import {
  add,
  keep,
  mul,
  type Parameter,
  scalar,
  sgdUpdate,
  stopGradient,
  type Tensor,
  tidy,
  ValueError,
  withoutRecording,
} from '@backprop/core';
import { hasFusedUpdate } from '../fused.js';
import { type CommonOptions, GradientOptimizer } from '../optimizer-base.js';
import type { BaseHyper } from '../param-groups.js';
import { chain, type GradientTransformation, type TransformState, type UpdateContext } from '../transform.js';
import { lectureMomentum, traceMomentum } from '../transforms/momentum.js';
import { scale, scaleByLearningRate } from '../transforms/scale.js';
import { addWeightDecay } from '../transforms/weight-decay.js';
import { checkBoolean, checkInRange, checkNonNegative, optimizerOptions } from '../validate.js';
import { completeState, keepUnread } from './slot-keys.js';

/** SGD's hyperparameters (per group). */
export interface SGDHyper extends BaseHyper {
  momentum: number;
  dampening: number;
  nesterov: boolean;
  /** `'pytorch'` (default) or `'lecture'`. */
  form: 'pytorch' | 'lecture';
}

/** Options of {@link SGD}; defaults are PyTorch's (lr 1e-3 as PyTorch ≥ 2.2). */
export type SGDOptions = Partial<SGDHyper> & CommonOptions<SGDHyper>;

/**
 * Stochastic gradient descent. With g ← g + λθ (`weightDecay`):
 * - `form: 'pytorch'` (default): b₁ = g, b_t = μb + (1−τ)g (`momentum` μ, `dampening` τ);
 *   `nesterov`: d = g + μb_t, else d = b_t; θ ← θ − γd.
 * - `form: 'lecture'`: v ← λv − (1−λ)g with v₀ = 0 (`momentum` λ); θ ← θ + ηv (`lr` η).
 *   `nesterov` is the look-ahead form: the gradient is taken at θ + ηλv, the point momentum
 *   alone would reach (Goodfellow's θ + αv with v absorbing the rate); `fit` arranges this
 *   through `beforeGradient`; by hand call `beforeGradient(params)` before taking gradients.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { grad, Parameter, setBackend, square, sum, tensor } from '@backprop/core';
 * import { SGD } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const w = new Parameter('w', tensor([1, 2]));
 * const optimizer = new SGD({ lr: 0.1 }); // the same as sgd(…)
 * const [g] = grad((v) => sum(square(v)))(w.value);
 * optimizer.step([w], [g]); // one update by hand: w moves against the gradient
 * console.log(await w.value.data()); // Float32Array [0.8, 1.6]
 * ```
 */
export class SGD extends GradientOptimizer<SGDHyper> {
  constructor(options: SGDOptions = {}) {
    const {
      lr = 1e-3,
      momentum = 0,
      dampening = 0,
      nesterov = false,
      weightDecay = 0,
      form = 'pytorch',
      ...rest
    } = optimizerOptions('SGD', options);
    super('SGD', { lr, momentum, dampening, nesterov, weightDecay, form }, rest);
  }

  protected validate(h: SGDHyper): void {
    checkNonNegative('SGD', 'lr', h.lr);
    checkNonNegative('SGD', 'weightDecay', h.weightDecay);
    if (h.form !== 'pytorch' && h.form !== 'lecture')
      throw new ValueError(`SGD: form must be 'pytorch' or 'lecture', got ${String(h.form)}`);
    if (h.form === 'lecture') checkInRange('SGD', 'momentum (λ of the lecture form)', h.momentum, 0, 1, true);
    else checkNonNegative('SGD', 'momentum', h.momentum);
    checkNonNegative('SGD', 'dampening', h.dampening);
    checkBoolean('SGD', 'nesterov', h.nesterov);
    if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0)) {
      throw new ValueError(
        `SGD: nesterov needs momentum > 0 and dampening 0, got momentum ${h.momentum}, dampening ${h.dampening}`,
      );
    }
  }

  /**
   * The composed rule. A slot made under another `momentum` or `form` keeps the state it no longer
   * reads, unchanged (PyTorch keeps an unused momentum buffer); a missing PyTorch buffer starts
   * from the gradient (PyTorch's first step) and a missing lecture velocity from v₀ = 0.
   */
  protected transform(h: SGDHyper, lr: Tensor): GradientTransformation {
    if (h.form === 'lecture')
      return completeState(chain(addWeightDecay(h.weightDecay), lectureMomentum(h.momentum), scale(lr)), ['velocity']);
    const momentum = h.momentum > 0 ? [traceMomentum(h)] : [];
    return completeState(chain(addWeightDecay(h.weightDecay), ...momentum, scaleByLearningRate(lr)), []);
  }

  protected override fused(
    param: Tensor,
    grad: Tensor,
    state: TransformState,
    ctx: UpdateContext,
    h: SGDHyper,
  ): { param: Tensor; state: TransformState } | undefined {
    if (h.form !== 'pytorch' || !hasFusedUpdate('sgdUpdate')) return undefined;
    const buf = state.momentumBuffer;
    const lr = ctx.lr ?? scalar(h.lr);
    const attrs = {
      momentum: h.momentum,
      dampening: h.dampening,
      nesterov: h.nesterov,
      weightDecay: h.weightDecay,
      firstStep: !buf,
    };
    const out = sgdUpdate({ param, grad, momentumBuffer: h.momentum > 0 ? buf : undefined, lr }, attrs, {
      inPlace: ctx.inPlace,
    });
    const next: Record<string, Tensor> = h.momentum > 0 ? { momentumBuffer: out[1] } : {};
    // An unused buffer (momentum set to 0, or the lecture's velocity) stays as it is, as in PyTorch.
    return { param: out[0], state: keepUnread(state, next) };
  }

  /**
   * The lecture's Nesterov look-ahead: moves θ to θ + ηλv before the gradient is taken;
   * the next `step` restores θ and applies the update there. A no-op for other settings.
   */
  /** True when a group uses the lecture's Nesterov look-ahead (`form: 'lecture', nesterov: true`). */
  usesLookAhead(): boolean {
    return this.paramGroups.some((g) => g.form === 'lecture' && g.nesterov);
  }

  beforeGradient(params: readonly Parameter[]): void {
    tidy(() =>
      withoutRecording(() => {
        for (const p of params) {
          const h = this.groupOf(p);
          const v = this.slotOf(p)?.state.velocity;
          if (!p.trainable || h.form !== 'lecture' || !h.nesterov || !v) continue;
          let origin = this.origins.get(p);
          if (!origin) {
            origin = keep(stopGradient(p.value));
            this.origins.set(p, origin);
          }
          p.assign(add(origin, mul(v, h.lr * h.momentum)));
        }
      }),
    );
  }
}

/**
 * Builds a {@link SGD}: `sgd({ lr })` is `new SGD({ lr })`. Factories are how every
 * Backprop object is built; the class stays exported for `instanceof` and for subclassing.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { fit, losses, nn, setBackend, tensor } from '@backprop/core';
 * import { sgd } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(1, 1));
 * await fit(model, tensor([[1], [2]]), tensor([[2], [4]]), { loss: losses.mse, optimizer: sgd({ lr: 0.1 }), epochs: 5, verbose: false });
 * ```
 */
export function sgd(options?: SGDOptions): SGD {
  return new SGD(options);
}
