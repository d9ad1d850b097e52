/** The optional fused sgdUpdate kernel: one SGD step (momentum, dampening, Nesterov, weight decay) in a single pass. */
import type { MultiKernel } from '@backprop/core';
import { valuesOf } from '../handle.js';
import { allocateOut, output } from './helpers/output.js';

/**
 * PyTorch's SGD: g ← g + λθ; with momentum μ > 0, b′ = g on the first step, else μb + (1−τ)g,
 * and the step direction is g + μb′ (Nesterov) or b′; θ′ = θ − γ·direction. Inputs
 * [θ, g, b?, γ] → outputs [θ′, b′ (when μ > 0)]; float64 per element, stored as float32.
 */
export const sgdUpdate: MultiKernel<'sgdUpdate'> = (inputs, attrs, outs) => {
  const [p, g, buf] = inputs.slice(0, -1).map(valuesOf) as Float32Array[];
  const lr = valuesOf(inputs[inputs.length - 1])[0];
  const { momentum, dampening, nesterov, weightDecay, firstStep } = attrs;
  const p2 = allocateOut(outs[0], false) as Float32Array;
  if (momentum === 0) {
    if (weightDecay === 0) for (let i = 0; i < p.length; i++) p2[i] = p[i] - lr * g[i];
    else for (let i = 0; i < p.length; i++) p2[i] = p[i] - lr * (g[i] + weightDecay * p[i]);
    return [output(p2)];
  }
  const b2 = allocateOut(outs[1], false) as Float32Array;
  for (let i = 0; i < p.length; i++) {
    const gi = weightDecay === 0 ? g[i] : g[i] + weightDecay * p[i];
    const bi = firstStep || !buf ? gi : momentum * buf[i] + (1 - dampening) * gi;
    b2[i] = bi;
    p2[i] = p[i] - lr * (nesterov ? gi + momentum * bi : bi);
  }
  return [output(p2), output(b2)];
};
