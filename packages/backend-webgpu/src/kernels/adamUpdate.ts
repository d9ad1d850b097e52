/** The optional fused adamUpdate kernel: one Adam / AdamW / AMSGrad step in a single pass over the arrays. */
import type { MultiKernel } from '@backprop/core';
import type { KernelContext } from '../kernel-context.js';
import { runUpdate } from '../shaders/update.js';

/**
 * With g ← g + λθ (coupled) or θ ← θ(1 − γλ) (decoupled, AdamW), m′ = β₁m + (1−β₁)g,
 * v′ = β₂v + (1−β₂)g², v̄ = max(v̄, v′) under amsgrad (else v′), bc₁ = 1−β₁ᵗ, bc₂ = 1−β₂ᵗ:
 * θ′ = θ − γ·(m′/bc₁)/(√v̄/√bc₂ + ε) (ε outside, PyTorch) or θ − γ·(m′/bc₁)/√(v̄/bc₂ + δ)
 * (inside, the lecture). Inputs [θ, g, m, v, v̄?] → outputs [θ′, m′, v′, v̄′?], in f32.
 */
export const adamUpdate =
  (k: KernelContext): MultiKernel<'adamUpdate'> =>
  (inputs, attrs, outs) => {
    const { lr, beta1, beta2, eps, weightDecay, decoupled, amsgrad, epsPlacement, step } = attrs;
    const bc1 = 1 - beta1 ** step;
    const bc2 = 1 - beta2 ** step;
    const params = [
      lr,
      beta1,
      beta2,
      eps,
      decoupled ? 0 : weightDecay,
      decoupled ? 1 - lr * weightDecay : 1,
      bc1,
      bc2,
      Math.sqrt(bc2),
    ];
    const denom = epsPlacement === 'outside' ? 'sqrt(vBar) / p(8u) + p(3u)' : 'sqrt(vBar / p(7u) + p(3u))';
    const body = `  let theta = in0[i];
  let g = in1[i] + p(4u) * theta;
  let m = p(1u) * in2[i] + (1.0 - p(1u)) * g;
  let v = p(2u) * in3[i] + (1.0 - p(2u)) * g * g;
  o1[i] = m;
  o2[i] = v;
  ${amsgrad ? 'let vBar = fmax(in4[i], v);\n  o3[i] = vBar;' : 'let vBar = v;'}
  out[i] = theta * p(5u) - (p(0u) * (m / p(6u))) / (${denom});`;
    return runUpdate(
      k,
      'adamUpdate',
      `${amsgrad ? 'amsgrad' : 'adam'}|${epsPlacement}`,
      body,
      inputs.slice(0, amsgrad ? 5 : 4),
      outs.slice(0, amsgrad ? 4 : 3),
      params,
    );
  };
