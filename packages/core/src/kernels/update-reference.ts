/**
 * The fused optimizer updates written once in float64 on host arrays: the reference every
 * backend's `sgdUpdate`, `adamUpdate` and `rmspropUpdate` is checked against (conformance and
 * the package tests import it; no test writes the formulas again). Inputs are plain arrays;
 * outputs are float64 arrays in the kernel's output order.
 */
import type { AdamUpdateAttrs, RmspropUpdateAttrs, SgdUpdateAttrs } from './spec.js';

type Values = ArrayLike<number>;

/**
 * PyTorch's SGD: g ← g + λθ; with μ > 0, b′ = g on the first step (or without a buffer), else
 * μb + (1 − τ)g, and the direction is g + μb′ (Nesterov) or b′; θ′ = θ − γ·direction.
 * Returns [θ′] or [θ′, b′].
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
    let d = grad[i] + a.weightDecay * theta[i];
    if (a.momentum > 0) {
      const b = a.firstStep || !buffer ? d : a.momentum * buffer[i] + (1 - a.dampening) * d;
      b2.push(b);
      d = a.nesterov ? d + a.momentum * b : b;
    }
    p2.push(theta[i] - lr * d);
  }
  return a.momentum > 0 ? [p2, b2] : [p2];
}

/**
 * PyTorch's Adam / AdamW / AMSGrad at step t: g ← g + λθ (coupled) or θ ← θ(1 − γλ) (decoupled),
 * m′ = β₁m + (1−β₁)g, v′ = β₂v + (1−β₂)g², v̄′ = max(v̄, v′) (amsgrad), bc₁ = 1 − β₁ᵗ,
 * bc₂ = 1 − β₂ᵗ, θ′ = θ − γ·(m′/bc₁)/(√v̄′/√bc₂ + ε). Returns [θ′, m′, v′] or [θ′, m′, v′, v̄′].
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
    const g = a.decoupled ? grad[i] : grad[i] + a.weightDecay * theta[i];
    const mi = a.beta1 * m[i] + (1 - a.beta1) * g;
    const vi = a.beta2 * v[i] + (1 - a.beta2) * g * g;
    const vBar = a.amsgrad && vMax ? Math.max(vMax[i], vi) : vi;
    const shrunk = a.decoupled ? theta[i] * (1 - lr * a.weightDecay) : theta[i];
    out[0].push(shrunk - (lr * (mi / bc1)) / (Math.sqrt(vBar) / Math.sqrt(bc2) + a.eps));
    out[1].push(mi);
    out[2].push(vi);
    out[3].push(vBar);
  }
  return a.amsgrad ? out : out.slice(0, 3);
}

/**
 * PyTorch's RMSprop and Adagrad: g ← g + λθ; v′ = decay·v + scale·g²; ḡ′ = decay·ḡ + scale·g
 * (centered) and d = √(v′ − ḡ′²) + ε, else d = √v′ + ε; b′ = μb + g/d and θ′ = θ − γb′ (μ > 0),
 * else θ′ = θ − γg/d. Returns [θ′, v′, ḡ′ (centered), b′ (μ > 0)].
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
    const g = grad[i] + a.weightDecay * theta[i];
    const v = a.decay * state.squareAvg[i] + a.scale * g * g;
    const ga = a.decay * (state.gradAvg?.[i] ?? 0) + a.scale * g;
    const d = (a.centered ? Math.sqrt(v - ga * ga) : Math.sqrt(v)) + a.eps;
    const b = a.momentum * (state.momentumBuffer?.[i] ?? 0) + g / d;
    out[0].push(theta[i] - lr * (a.momentum > 0 ? b : g / d));
    out[1].push(v);
    if (a.centered) out[2].push(ga);
    if (a.momentum > 0) out[3].push(b);
  }
  return out.filter((o, k) => k < 2 || o.length > 0);
}
