/** The optional fused adamUpdate kernel: one Adam / AdamW / AMSGrad step in a single pass over the arrays. */
import type { AdamUpdateAttrs, MultiKernel } from '@backprop/core';
import { valuesOf } from '../handle.js';
import { allocateOut, output } from './helpers/output.js';

/** The per-step constants of an Adam update, in float64 (each rounded to float32 once, by both the scalar and the SIMD kernel). */
export interface AdamCoefficients {
  /** γ√bc₂/bc₁. */
  readonly stepSize: number;
  /** ε√bc₂. */
  readonly epsRoot: number;
  /** 1 − γλ under decoupled decay (AdamW), else 1. */
  readonly shrink: number;
  /** λ under coupled decay, else 0. */
  readonly coupled: number;
}

/**
 * PyTorch's γ·(m′/bc₁)/(√v̄/√bc₂ + ε) equals (γ√bc₂/bc₁)·m′/(√v̄ + ε√bc₂): one division per element
 * instead of three, the bias corrections folded into two constants per step (bc₁ = 1−β₁ᵗ, bc₂ = 1−β₂ᵗ).
 */
export function adamCoefficients(attrs: AdamUpdateAttrs, step: number, lr: number): AdamCoefficients {
  const { beta1, beta2, eps, weightDecay, decoupled } = attrs;
  const rootBc2 = Math.sqrt(1 - beta2 ** step);
  return {
    stepSize: (lr * rootBc2) / (1 - beta1 ** step),
    epsRoot: eps * rootBc2,
    shrink: decoupled ? 1 - lr * weightDecay : 1,
    coupled: decoupled ? 0 : weightDecay,
  };
}

/**
 * With g ← g + θλ (coupled) or θ ← θ·decay (decoupled, AdamW; decay = 1 − γλ), m′ = mβ₁ + g(1−β₁),
 * v′ = vβ₂ + g²(1−β₂), v̄ = max(v̄, v′) under amsgrad (else v′): θ′ = θ − m′a/(√v̄ + e) with
 * a = γ√bc₂/bc₁ and e = ε√bc₂ ({@link adamCoefficients}; PyTorch's γ·(m′/bc₁)/(√v̄/√bc₂ + ε), see
 * core's `adamUpdateReference`). Every operation is rounded to float32 (PyTorch's arithmetic, and
 * backend-onnx's `update-rules.ts` operation for operation); the coefficients are computed in
 * float64 and rounded once. Inputs [θ, g, m, v, t (int32 scalar), v̄?, γ] → outputs [θ′, m′, v′, v̄′?].
 */
export const adamUpdate: MultiKernel<'adamUpdate'> = (inputs, attrs, outs) => {
  const [p, g, m, v, t, vMax] = inputs.slice(0, -1).map(valuesOf) as Float32Array[];
  const step = (t as unknown as Int32Array)[0];
  const lr = valuesOf(inputs[inputs.length - 1])[0];
  const { beta1, beta2, amsgrad } = attrs;
  const p2 = allocateOut(outs[0], false) as Float32Array;
  const m2 = allocateOut(outs[1], false) as Float32Array;
  const v2 = allocateOut(outs[2], false) as Float32Array;
  const vMax2 = amsgrad ? (allocateOut(outs[3], false) as Float32Array) : v2;
  const f = Math.fround;
  const c = adamCoefficients(attrs, step, lr);
  const [a, e, shrink, coupled] = [f(c.stepSize), f(c.epsRoot), f(c.shrink), f(c.coupled)];
  const [b1, nb1, b2, nb2] = [f(beta1), f(1 - beta1), f(beta2), f(1 - beta2)];
  for (let i = 0; i < p.length; i++) {
    const theta = p[i];
    // Skipped when λ itself is 0 (not its float32 rounding), as the SIMD kernel tests its float64 slot.
    const gi = c.coupled === 0 ? g[i] : f(g[i] + f(theta * coupled));
    const mi = f(f(m[i] * b1) + f(gi * nb1));
    const vi = f(f(v[i] * b2) + f(f(gi * gi) * nb2));
    m2[i] = mi;
    v2[i] = vi;
    let vBar = vi;
    if (amsgrad) {
      vBar = Math.max(vMax[i], vi);
      vMax2[i] = vBar;
    }
    p2[i] = f(theta * shrink) - f(f(mi * a) / f(f(Math.sqrt(vBar)) + e));
  }
  return amsgrad ? [output(p2), output(m2), output(v2), output(vMax2)] : [output(p2), output(m2), output(v2)];
};
