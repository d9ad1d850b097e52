/** The optional fused adamUpdate kernel: one Adam / AdamW / AMSGrad step in a single pass over the arrays. */
import type { MultiKernel } from '@backprop/core';
import type { KernelContext } from '../kernel-context.js';
import { runUpdate } from '../shaders/update.js';
import { updateShader, type WgslMath } from '../shaders/update-rule.js';

/**
 * WGSL for 1 − βᵗ = −expm1(t·ln β) given x = t·ln β (≤ 0): a Taylor series for |x| < 0.5, where
 * 1 − exp(x) would cancel, else 1 − exp(x); relative error ≲ 3e-7 in f32.
 */
const oneMinusPow = (x: string) =>
  `select(1.0 - exp(${x}), -${x} * (1.0 + ${x} * (0.5 + ${x} * (1.0 / 6.0 + ${x} * (1.0 / 24.0 + ${x} * (1.0 / 120.0 + ${x} * (1.0 / 720.0 + ${x} / 5040.0)))))), abs(${x}) < 0.5)`;

/** ln β, clamped so β = 0 gives exp(t·ln β) = 0 without an infinity in the shader. */
const lnBeta = (b: number) => Math.max(Math.log(b), -80);

/**
 * PyTorch's Adam / AdamW / AMSGrad by core's fused rule (`adamUpdateRule`), as backend-cpu and
 * backend-onnx compute it: with g ← g + λθ (coupled) or θ ← θ(1 − γλ) (decoupled, AdamW),
 * m′ = β₁m + (1−β₁)g, v′ = β₂v + (1−β₂)g², v̄′ = max(v̄, v′) under amsgrad (else v′):
 * θ′ = θ − a·m′/(√v̄′ + e) with a = γ√bc₂/bc₁ and e = ε√bc₂. The bias corrections bc₁ = 1−β₁ᵗ,
 * bc₂ = 1−β₂ᵗ and the coefficients are computed in the shader from t, in f32 (the CPU backends
 * compute them in float64: `adamStepCoefficients`), so the step count never leaves the GPU.
 * Inputs [θ, g, m, v, t (int32 scalar, bound as array<i32>), v̄?, γ] → outputs [θ′, m′, v′, v̄′?].
 */
export const adamUpdate =
  (k: KernelContext): MultiKernel<'adamUpdate'> =>
  (inputs, attrs, outs) => {
    const { beta1, beta2, eps, weightDecay, decoupled } = attrs;
    const state = inputs.slice(0, -1);
    const coefficients = (M: WgslMath) => {
      const t = M.value('f32(in4[0])');
      const bc = (beta: number, name: string) =>
        M.value(oneMinusPow(M.value(`${t} * ${M.constant(lnBeta(beta), name)}`)));
      const bc1 = bc(beta1, 'lnBeta1');
      const rootBc2 = M.value(`sqrt(${bc(beta2, 'lnBeta2')})`);
      const a = M.value(`lr * ${rootBc2} / ${bc1}`);
      const e = M.value(`${M.constant(eps, 'eps')} * ${rootBc2}`);
      if (!decoupled || weightDecay === 0) return [a, e];
      return [a, e, M.value(`1.0 - lr * ${M.constant(weightDecay, 'weightDecay')}`)];
    };
    const { body, params } = updateShader('adamUpdate', attrs, {
      // (t, at index 4, is read by the coefficients only.)
      inputs: state.map((_, j) => (j === 4 ? undefined : `in${j}`)),
      lr: `in${state.length}`,
      outputs: ['out', 'o1', 'o2', 'o3'].slice(0, outs.length),
      coefficients,
    });
    return runUpdate(k, 'adamUpdate', body, inputs, outs, params, [4]);
  };
