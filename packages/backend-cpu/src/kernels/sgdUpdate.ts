/** The optional fused sgdUpdate kernel: one SGD step (momentum, dampening, Nesterov, weight decay) in a single pass. */
import type { MultiKernel } from '@backprop/core';
import { valuesOf } from '../handle.js';
import { allocateOut, output } from './helpers/output.js';

/**
 * PyTorch's SGD, each operation rounded to float32 (PyTorch's arithmetic, and backend-onnx's
 * `update-rules.ts` operation for operation): g ← g + θλ; with momentum μ > 0, b′ = g on the
 * first step, else bμ + g(1−τ), and the step direction is g + b′μ (Nesterov) or b′; θ′ = θ − direction·γ.
 * Inputs [θ, g, b?, γ] → outputs [θ′, b′ (when μ > 0)].
 */
export const sgdUpdate: MultiKernel<'sgdUpdate'> = (inputs, attrs, outs) => {
  const [p, g, buf] = inputs.slice(0, -1).map(valuesOf) as Float32Array[];
  const lr = valuesOf(inputs[inputs.length - 1])[0];
  const { momentum, dampening, nesterov, weightDecay, firstStep } = attrs;
  const f = Math.fround;
  const [wd, mom, keep] = [f(weightDecay), f(momentum), f(1 - dampening)];
  const p2 = allocateOut(outs[0], false) as Float32Array;
  const grad = (i: number) => (weightDecay === 0 ? g[i] : f(g[i] + f(p[i] * wd)));
  if (momentum === 0) {
    for (let i = 0; i < p.length; i++) p2[i] = p[i] - f(grad(i) * lr);
    return [output(p2)];
  }
  const b2 = allocateOut(outs[1], false) as Float32Array;
  for (let i = 0; i < p.length; i++) {
    const gi = grad(i);
    const bi = firstStep || !buf ? gi : f(f(buf[i] * mom) + f(gi * keep));
    b2[i] = bi;
    p2[i] = p[i] - f((nesterov ? f(gi + f(bi * mom)) : bi) * lr);
  }
  return [output(p2), output(b2)];
};
