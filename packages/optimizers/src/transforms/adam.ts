/** Adam's scaling: bias-corrected first and second moments, ε outside the root (PyTorch) or δ inside (the lecture). */
import { add, div, maximum, mul, sqrt, zerosLike } from '@backprop/core';
import type { GradientTransformation } from '../transform.js';

/** Where Adam's ε goes. */
export type EpsPlacement = 'outside' | 'inside';

/** Options of {@link scaleByAdam}. */
export interface ScaleByAdamOptions {
  beta1: number;
  beta2: number;
  eps: number;
  /** Keep the running maximum of the raw second moment (default false). */
  amsgrad?: boolean;
  /** `'outside'`: m̂/(√v̂ + ε) (PyTorch, default); `'inside'`: ŝ/√(r̂ + δ) (the lecture, Optax's `eps_root`). */
  epsPlacement?: EpsPlacement;
}

/**
 * m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; with t the step, the update is
 * (m/(1−β₁ᵗ)) / (√v/√(1−β₂ᵗ) + ε) (PyTorch) or (m/(1−β₁ᵗ)) / √(v/(1−β₂ᵗ) + δ) (the lecture).
 * `amsgrad` uses max(v_max, v) for v. State keys `expAvg`, `expAvgSq`, `maxExpAvgSq`.
 */
export function scaleByAdam({
  beta1,
  beta2,
  eps,
  amsgrad = false,
  epsPlacement = 'outside',
}: ScaleByAdamOptions): GradientTransformation {
  return {
    init: (param) => ({
      expAvg: zerosLike(param),
      expAvgSq: zerosLike(param),
      ...(amsgrad ? { maxExpAvgSq: zerosLike(param) } : {}),
    }),
    update(g, state, { step }) {
      const m = add(mul(state.expAvg, beta1), mul(g, 1 - beta1));
      const v = add(mul(state.expAvgSq, beta2), mul(mul(g, 1 - beta2), g));
      const vMax = amsgrad ? maximum(state.maxExpAvgSq, v) : v;
      const bc1 = 1 - beta1 ** step;
      const bc2 = 1 - beta2 ** step;
      const denom =
        epsPlacement === 'outside' ? add(div(sqrt(vMax), Math.sqrt(bc2)), eps) : sqrt(add(div(vMax, bc2), eps));
      const updates = div(mul(m, 1 / bc1), denom);
      return { updates, state: { expAvg: m, expAvgSq: v, ...(amsgrad ? { maxExpAvgSq: vMax } : {}) } };
    },
  };
}
