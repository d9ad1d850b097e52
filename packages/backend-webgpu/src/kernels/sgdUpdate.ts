/** The optional fused sgdUpdate kernel: one SGD step (momentum, dampening, Nesterov, weight decay) in a single pass. */
import type { MultiKernel } from '@backprop/core';
import type { KernelContext } from '../kernel-context.js';
import { runUpdate } from '../shaders/update.js';
import { updateShader } from '../shaders/update-rule.js';

/**
 * PyTorch's SGD by core's fused rule (`sgdUpdateRule`), as backend-cpu and backend-onnx compute
 * it: g ← g + λθ; with momentum μ > 0, b′ = g on the first step, else μb + (1−τ)g, and the
 * direction is g + μb′ (Nesterov) or b′; θ′ = θ − γ·direction. Inputs [θ, g, b?, γ] → outputs
 * [θ′, b′ (when μ > 0)], in f32.
 */
export const sgdUpdate =
  (k: KernelContext): MultiKernel<'sgdUpdate'> =>
  (inputs, attrs, outs) => {
    const state = inputs.slice(0, -1);
    const { body, params } = updateShader('sgdUpdate', attrs, {
      inputs: state.map((_, j) => `in${j}`),
      lr: `in${state.length}`,
      outputs: ['out', 'o1'].slice(0, outs.length),
    });
    return runUpdate(k, 'sgdUpdate', body, inputs, outs, params);
  };
