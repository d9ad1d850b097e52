/** The optional fused adamUpdate kernel: one Adam / AdamW / AMSGrad step in a single pass over the arrays. */
import type { MultiKernel } from '@backprop/core';
import type { KernelContext } from '../kernel-context.js';
import { coupledGrad, runUpdate } from '../shaders/update.js';

/**
 * WGSL for 1 − βᵗ = −expm1(t·ln β) given x = t·ln β (≤ 0): a Taylor series for |x| < 0.5, where
 * 1 − exp(x) would cancel, else 1 − exp(x); relative error ≲ 3e-7 in f32.
 */
const oneMinusPow = (x: string) =>
  `select(1.0 - exp(${x}), -${x} * (1.0 + ${x} * (0.5 + ${x} * (1.0 / 6.0 + ${x} * (1.0 / 24.0 + ${x} * (1.0 / 120.0 + ${x} * (1.0 / 720.0 + ${x} / 5040.0)))))), abs(${x}) < 0.5)`;

/**
 * With g ← g + λθ (coupled) or θ ← θ(1 − γλ) (decoupled, AdamW), m′ = β₁m + (1−β₁)g,
 * v′ = β₂v + (1−β₂)g², v̄ = max(v̄, v′) under amsgrad (else v′), bc₁ = 1−β₁ᵗ, bc₂ = 1−β₂ᵗ:
 * θ′ = θ − γ·(m′/bc₁)/(√v̄/√bc₂ + ε) (PyTorch; see core's `adamUpdateReference`). Inputs [θ, g, m, v, t (int32 scalar, bound as array<i32>), v̄?, γ] →
 * outputs [θ′, m′, v′, v̄′?], in f32; the bias corrections are computed in the shader from t.
 */
export const adamUpdate =
  (k: KernelContext): MultiKernel<'adamUpdate'> =>
  (inputs, attrs, outs) => {
    const { beta1, beta2, eps, weightDecay, decoupled, amsgrad } = attrs;
    // ln β, clamped so β = 0 gives exp(t·ln β) = 0 without an infinity in the shader.
    const lnBeta = (b: number) => Math.max(Math.log(b), -80);
    // γ is the last input (read by every invocation); p(0) is unused, p(5) is AdamW's decoupled λ.
    const params = [
      0,
      beta1,
      beta2,
      eps,
      decoupled ? 0 : weightDecay,
      decoupled ? weightDecay : 0,
      lnBeta(beta1),
      lnBeta(beta2),
    ];
    const state = inputs.slice(0, amsgrad ? 6 : 5);
    const body = `  let lr = in${state.length}[0];
  let t = f32(in4[0]);
  let x1 = t * p(6u);
  let x2 = t * p(7u);
  let bc1 = ${oneMinusPow('x1')};
  let bc2 = ${oneMinusPow('x2')};
  let theta = in0[i];
  let g = ${coupledGrad(4)};
  let m = p(1u) * in2[i] + (1.0 - p(1u)) * g;
  let v = p(2u) * in3[i] + (1.0 - p(2u)) * g * g;
  o1[i] = m;
  o2[i] = v;
  ${amsgrad ? 'let vBar = fmax(in5[i], v);\n  o3[i] = vBar;' : 'let vBar = v;'}
  out[i] = theta * (1.0 - lr * p(5u)) - (lr * (m / bc1)) / (sqrt(vBar) / sqrt(bc2) + p(3u));`;
    return runUpdate(
      k,
      'adamUpdate',
      amsgrad ? 'amsgrad' : 'adam',
      body,
      [...state, inputs[inputs.length - 1]],
      outs.slice(0, amsgrad ? 4 : 3),
      params,
      [4],
    );
  };
