/** The Optax-style core: a gradient transformation is `init` + `update` over explicit per-parameter state. */
import { formatValue, type InPlaceUpdates, type Tensor, ValueError } from '@backprop/core';

/** Named state tensors a transformation keeps for one parameter (moments, buffers). */
export type TransformState = Readonly<Record<string, Tensor>>;

/** What an update sees besides the incoming updates and the state. */
export interface UpdateContext {
  /** The parameter's current value θ. */
  readonly param: Tensor;
  /**
   * The step number t, counted from 1 for this parameter, as a host number. NOTE: reading it
   * may read the step count from the backend, and a host number that changes every step makes
   * `compile` fall back to eager; prefer {@link UpdateContext.stepTensor} where it exists.
   */
  readonly step: number;
  /**
   * t as a float32 scalar tensor on the backend (the optimizer classes provide it): step-dependent
   * factors computed from it (Adam's bias corrections) keep a traced step the same every call.
   */
  readonly stepTensor?: Tensor;
  /**
   * t as an int32 scalar tensor (the optimizer classes provide it; the step count kept in the
   * state, already incremented): the fused `adamUpdate` kernel reads t from it.
   */
  readonly stepCount?: Tensor;
  /**
   * The group's learning rate γ as a float32 scalar tensor (the optimizer classes provide it):
   * a compiled step reads it as an input, so a schedule changes it without a new graph.
   */
  readonly lr?: Tensor;
  /**
   * Where a fused update may queue itself to be written into θ and the state at the end of the
   * step instead of into new tensors (the optimizer classes set it when the caller allows
   * in-place updates); pass it to the fused op as `{ inPlace }`.
   */
  readonly inPlace?: InPlaceUpdates;
}

/**
 * A pure update rule for one parameter: `init` makes its state, `update` maps incoming
 * updates (the gradient, for the first transform) to outgoing ones and returns the new state.
 * The final updates are added to the parameter: θ ← θ + u. Neither method frees or keeps
 * anything; the optimizer class owns the memory.
 */
export interface GradientTransformation {
  /** The state for a parameter before its first update; keys must be unique within a chain. */
  init(param: Tensor): TransformState;
  /** The outgoing updates and the new values of this transformation's state keys. */
  update(updates: Tensor, state: TransformState, ctx: UpdateContext): { updates: Tensor; state: TransformState };
}

/**
 * Applies transformations in order, each to the previous one's updates; state keys are merged.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, tensor } from '@backprop/core';
 * import { chain, clipByValue, scaleByAdam, scaleByLearningRate } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const rule = chain(clipByValue(1), scaleByAdam({ beta1: 0.9, beta2: 0.999, eps: 1e-8 }), scaleByLearningRate(1e-3));
 * const param = tensor([1, 2]);
 * const { updates } = rule.update(tensor([0.5, -3]), rule.init(param), { param, step: 1 }); // θ ← θ + updates
 * ```
 */
export function chain(...transforms: GradientTransformation[]): GradientTransformation {
  transforms.forEach((t, i) => {
    if (typeof t !== 'object' || t === null || typeof t.init !== 'function' || typeof t.update !== 'function')
      throw new ValueError(
        `chain: transformation ${i} must be an { init, update } (a GradientTransformation such as scaleByAdam(…)), got ${formatValue(t)}`,
      );
  });
  return {
    init(param) {
      return Object.assign({}, ...transforms.map((t) => t.init(param)));
    },
    update(updates, state, ctx) {
      let u = updates;
      const next: Record<string, Tensor> = {};
      for (const t of transforms) {
        const r = t.update(u, { ...state, ...next }, ctx);
        u = r.updates;
        Object.assign(next, r.state);
      }
      return { updates: u, state: next };
    },
  };
}

/**
 * A transformation without state from a function of the updates.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { mul, setBackend, tensor } from '@backprop/core';
 * import { stateless } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const halve = stateless((updates) => mul(updates, 0.5));
 * const param = tensor([0, 0]);
 * const { updates } = halve.update(tensor([2, 4]), halve.init(param), { param, step: 1 });
 * console.log(await updates.data()); // Float32Array [1, 2]
 * ```
 */
export function stateless(fn: (updates: Tensor, ctx: UpdateContext) => Tensor): GradientTransformation {
  return { init: () => ({}), update: (u, _s, ctx) => ({ updates: fn(u, ctx), state: {} }) };
}
