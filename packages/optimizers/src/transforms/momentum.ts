/** Momentum in PyTorch's form (a trace with dampening, optional Nesterov) and in the lecture's (an EMA of −g). */
import { momentumRule, mul, sub, tensorArithmetic, ValueError, zerosLike } from '@backprop/core';
import type { GradientTransformation } from '../transform.js';
import { checkBoolean, checkTransform } from '../validate.js';

/** Options of {@link traceMomentum}. */
export interface TraceMomentumOptions {
  /** μ. */
  momentum: number;
  /** τ (default 0). */
  dampening?: number;
  /** Nesterov's variant (default false). */
  nesterov?: boolean;
}

/**
 * PyTorch's SGD momentum: b₁ = g, b_t = μb_{t−1} + (1−τ)g; the update is b_t, or g + μb_t
 * with `nesterov`. The buffer is created from the first gradient (state key `momentumBuffer`).
 *
 * @example
 * ```ts
 * import { chain, scaleByLearningRate, traceMomentum } from '@backprop/optimizers';
 *
 * const nesterovSgd = chain(traceMomentum({ momentum: 0.9, nesterov: true }), scaleByLearningRate(0.1));
 * ```
 */
export function traceMomentum({
  momentum,
  dampening = 0,
  nesterov = false,
}: TraceMomentumOptions): GradientTransformation {
  checkTransform('traceMomentum', 'momentum', momentum);
  checkTransform('traceMomentum', 'dampening', dampening);
  checkBoolean('traceMomentum', 'nesterov', nesterov);
  if (nesterov && (momentum <= 0 || dampening !== 0))
    throw new ValueError(
      `traceMomentum: nesterov needs momentum > 0 and dampening 0, got momentum ${momentum}, dampening ${dampening}`,
    );
  return {
    init: () => ({}),
    update(g, state) {
      const m = momentumRule(tensorArithmetic, g, state.momentumBuffer, { momentum, dampening, nesterov });
      return { updates: m.direction, state: { momentumBuffer: m.buffer } };
    },
  };
}

/**
 * The lecture's momentum: v ← λv − (1−λ)g with v₀ = 0; the update is v, so that with
 * {@link scale}(η) the step is θ ← θ + ηv. State key `velocity`.
 *
 * @example
 * ```ts
 * import { chain, lectureMomentum, scale } from '@backprop/optimizers';
 *
 * const momentum = chain(lectureMomentum(0.9), scale(0.1)); // v ← λv − (1−λ)g, θ ← θ + ηv
 * ```
 */
export function lectureMomentum(lambda: number): GradientTransformation {
  checkTransform('lectureMomentum', 'lambda', lambda, 'unit');
  return {
    init: (param) => ({ velocity: zerosLike(param) }),
    update(g, state) {
      const v = sub(mul(state.velocity, lambda), mul(g, 1 - lambda));
      return { updates: v, state: { velocity: v } };
    },
  };
}
