/**
 * The fused optimizer updates written once in float64 on host arrays: the reference every
 * backend's `sgdUpdate`, `adamUpdate` and `rmspropUpdate` is checked against (conformance and
 * the package tests import it; no test writes the formulas again). Inputs are plain arrays;
 * outputs are float64 arrays in the kernel's output order. The formulas themselves are the
 * shared rules of `update-rules.ts` on host numbers.
 */
import type { AdamUpdateAttrs, RmspropUpdateAttrs, SgdUpdateAttrs } from './spec.js';
import {
  adamDirectionRule,
  adamMomentsRule,
  coupledDecayRule,
  hostArithmetic,
  momentumRule,
  rmsRule,
} from './update-rules.js';

type Values = ArrayLike<number>;
const H = hostArithmetic;

/**
 * PyTorch's SGD: g ← g + λθ; with μ > 0, b′ = g on the first step (or without a buffer), else
 * μb + (1 − τ)g, and the direction is g + μb′ (Nesterov) or b′; θ′ = θ − γ·direction.
 * Returns [θ′] or [θ′, b′].
 *
 * @example
 * ```ts
 * import { sgdUpdateReference } from '@backprop/core';
 *
 * const attrs = { momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0, firstStep: true };
 * console.log(sgdUpdateReference([1, 2], [10, 10], undefined, 0.1, attrs)); // [[0, 1], [10, 10]]: θ′ and the buffer
 * ```
 */
export function sgdUpdateReference(
  theta: Values,
  grad: Values,
  buffer: Values | undefined,
  lr: number,
  a: SgdUpdateAttrs,
): number[][] {
  const p2: number[] = [];
  const b2: number[] = [];
  for (let i = 0; i < theta.length; i++) {
    let d = coupledDecayRule(H, grad[i], theta[i], a.weightDecay);
    if (a.momentum > 0) {
      const m = momentumRule(H, d, a.firstStep || !buffer ? undefined : buffer[i], {
        momentum: a.momentum,
        dampening: a.dampening,
        nesterov: a.nesterov,
      });
      b2.push(m.buffer);
      d = m.direction;
    }
    p2.push(theta[i] - lr * d);
  }
  return a.momentum > 0 ? [p2, b2] : [p2];
}

/**
 * PyTorch's Adam / AdamW / AMSGrad at step t: g ← g + λθ (coupled) or θ ← θ(1 − γλ) (decoupled),
 * m′ = β₁m + (1−β₁)g, v′ = β₂v + (1−β₂)g², v̄′ = max(v̄, v′) (amsgrad), bc₁ = 1 − β₁ᵗ,
 * bc₂ = 1 − β₂ᵗ, θ′ = θ − γ·(m′/bc₁)/(√v̄′/√bc₂ + ε). Returns [θ′, m′, v′] or [θ′, m′, v′, v̄′].
 *
 * @example
 * ```ts
 * import { adamUpdateReference } from '@backprop/core';
 *
 * const attrs = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false };
 * const [theta, m, v] = adamUpdateReference([[1], [1], [0], [0]], 1, 0.1, attrs); // θ′ ≈ [0.9], m [0.1], v [0.001]
 * ```
 */
export function adamUpdateReference(
  [theta, grad, m, v, vMax]: [Values, Values, Values, Values, Values?],
  step: number,
  lr: number,
  a: AdamUpdateAttrs,
): number[][] {
  const bc1 = 1 - a.beta1 ** step;
  const bc2 = 1 - a.beta2 ** step;
  const out: number[][] = [[], [], [], []];
  for (let i = 0; i < theta.length; i++) {
    const g = a.decoupled ? grad[i] : coupledDecayRule(H, grad[i], theta[i], a.weightDecay);
    const next = adamMomentsRule(H, g, m[i], v[i], a.beta1, a.beta2);
    const vBar = a.amsgrad && vMax ? Math.max(vMax[i], next.v) : next.v;
    const shrunk = a.decoupled ? theta[i] * (1 - lr * a.weightDecay) : theta[i];
    out[0].push(shrunk - lr * adamDirectionRule(H, next.m, vBar, bc1, bc2, a.eps));
    out[1].push(next.m);
    out[2].push(next.v);
    out[3].push(vBar);
  }
  return a.amsgrad ? out : out.slice(0, 3);
}

/**
 * PyTorch's RMSprop and Adagrad: g ← g + λθ; v′ = decay·v + scale·g²; ḡ′ = decay·ḡ + scale·g
 * (centered) and d = √(v′ − ḡ′²) + ε, else d = √v′ + ε; b′ = μb + g/d and θ′ = θ − γb′ (μ > 0),
 * else θ′ = θ − γg/d. Returns [θ′, v′, ḡ′ (centered), b′ (μ > 0)].
 *
 * @example
 * ```ts
 * import { rmspropUpdateReference } from '@backprop/core';
 *
 * const attrs = { decay: 0.99, scale: 0.01, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false };
 * const [theta, squareAvg] = rmspropUpdateReference([1], [1], { squareAvg: [0] }, 0.01, attrs); // θ′ ≈ [0.9], squareAvg [0.01]
 * ```
 */
export function rmspropUpdateReference(
  theta: Values,
  grad: Values,
  state: { squareAvg: Values; gradAvg?: Values; momentumBuffer?: Values },
  lr: number,
  a: RmspropUpdateAttrs,
): number[][] {
  const out: number[][] = [[], [], [], []];
  for (let i = 0; i < theta.length; i++) {
    const g = coupledDecayRule(H, grad[i], theta[i], a.weightDecay);
    const r = rmsRule(
      H,
      g,
      {
        squareAvg: state.squareAvg[i],
        gradAvg: state.gradAvg?.[i] ?? 0,
        momentumBuffer: state.momentumBuffer?.[i] ?? 0,
      },
      a,
    );
    out[0].push(theta[i] - lr * r.direction);
    out[1].push(r.state.squareAvg);
    if (a.centered) out[2].push(r.state.gradAvg as number);
    if (a.momentum > 0) out[3].push(r.state.momentumBuffer as number);
  }
  return out.filter((o, k) => k < 2 || o.length > 0);
}
