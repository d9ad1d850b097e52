/** The optional fused adamUpdate kernel: one Adam / AdamW / AMSGrad step in a single pass over the arrays. */
import { adamStepCoefficients, type MultiKernel } from '@backprop/core';
import { valuesOf } from '../handle.js';
import { runFusedUpdate } from './helpers/fused-update.js';

/**
 * PyTorch's Adam by core's fused rule (`adamUpdateRule`), each operation rounded to float32: with
 * g ← g + θλ (coupled) or θ ← θ·(1 − γλ) (decoupled, AdamW), m′ = mβ₁ + g(1−β₁),
 * v′ = vβ₂ + g²(1−β₂), v̄′ = max(v̄, v′) under amsgrad (else v′): θ′ = θ − m′a/(√v̄′ + e), with
 * a = γ√bc₂/bc₁ and e = ε√bc₂ computed in float64 at step t and rounded once
 * (`adamStepCoefficients`). Inputs [θ, g, m, v, t (int32 scalar), v̄?, γ] → outputs [θ′, m′, v′, v̄′?].
 */
export const adamUpdate: MultiKernel<'adamUpdate'> = (inputs, attrs, outs) => {
  const lr = valuesOf(inputs[inputs.length - 1])[0];
  const { a, e, decay } = adamStepCoefficients(attrs, valuesOf(inputs[4])[0], lr);
  return runFusedUpdate('adamUpdate', inputs, attrs, outs, decay === undefined ? [a, e] : [a, e, decay]);
};
