/** The optional fused adamUpdate kernel: one Adam / AdamW / AMSGrad step in a single pass over the arrays. */
import type { AdamUpdateAttrs, MultiKernel } from '@backprop/core';
import { valuesOf } from '../handle.js';
import { allocateOut, output } from './helpers/output.js';

/** The per-step constants of an Adam update, in float64: what both the scalar and the SIMD kernel use. */
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
 * With g ← g + λθ (coupled) or θ ← θ(1 − γλ) (decoupled, AdamW), m′ = β₁m + (1−β₁)g,
 * v′ = β₂v + (1−β₂)g², v̄ = max(v̄, v′) under amsgrad (else v′), bc₁ = 1−β₁ᵗ, bc₂ = 1−β₂ᵗ:
 * θ′ = θ − γ·(m′/bc₁)/(√v̄/√bc₂ + ε) (PyTorch; see core's `adamUpdateReference`), computed as
 * θ − (γ√bc₂/bc₁)·m′/(√v̄ + ε√bc₂) ({@link adamCoefficients}). Inputs [θ, g, m, v, t (int32 scalar), v̄?, γ] →
 * outputs [θ′, m′, v′, v̄′?], computed in float64 per element and stored as float32.
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
  const { stepSize, epsRoot, shrink, coupled } = adamCoefficients(attrs, step, lr);
  for (let i = 0; i < p.length; i++) {
    const theta = p[i];
    const gi = coupled === 0 ? g[i] : g[i] + coupled * theta;
    const mi = beta1 * m[i] + (1 - beta1) * gi;
    const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
    m2[i] = mi;
    v2[i] = vi;
    let vBar = vi;
    if (amsgrad) {
      vBar = Math.max(vMax[i], vi);
      vMax2[i] = vBar;
    }
    p2[i] = theta * shrink - (stepSize * mi) / (Math.sqrt(vBar) + epsRoot);
  }
  return amsgrad ? [output(p2), output(m2), output(v2), output(vMax2)] : [output(p2), output(m2), output(v2)];
};
