/** The optional fused sgdUpdate kernel: one SGD step (momentum, dampening, Nesterov, weight decay) in a single pass. */
import type { MultiKernel } from '@backprop/core';
import type { KernelContext } from '../kernel-context.js';
import { coupledGrad, runUpdate } from '../shaders/update.js';

/**
 * PyTorch's SGD: g ← g + λθ; with momentum μ > 0, b′ = g on the first step, else μb + (1−τ)g,
 * and the direction is g + μb′ (Nesterov) or b′; θ′ = θ − γ·direction. Inputs [θ, g, b?] →
 * outputs [θ′, b′ (when μ > 0)], in f32, as backend-cpu and backend-onnx compute it too; γ is the last input.
 */
export const sgdUpdate =
  (k: KernelContext): MultiKernel<'sgdUpdate'> =>
  (inputs, attrs, outs) => {
    const { momentum, dampening, nesterov, weightDecay, firstStep } = attrs;
    // γ is the last input (a scalar array read by every invocation); p(0) is unused.
    const lr = inputs[inputs.length - 1];
    const params = [0, momentum, dampening, weightDecay];
    if (momentum === 0) {
      return runUpdate(
        k,
        'sgdUpdate',
        'plain',
        `  out[i] = in0[i] - in2[0] * (${coupledGrad(3)});`,
        [...inputs.slice(0, 2), lr],
        outs.slice(0, 1),
        params,
      );
    }
    const first = firstStep || inputs.length < 4;
    const state = first ? inputs.slice(0, 2) : inputs.slice(0, 3);
    const body = `  let lr = in${state.length}[0];
  let g = ${coupledGrad(3)};
  let b = ${first ? 'g' : 'p(1u) * in2[i] + (1.0 - p(2u)) * g'};
  o1[i] = b;
  out[i] = in0[i] - lr * ${nesterov ? '(g + p(1u) * b)' : 'b'};`;
    return runUpdate(
      k,
      'sgdUpdate',
      `${first ? 'first' : 'next'}|${nesterov ? 'nesterov' : 'heavy'}`,
      body,
      [...state, lr],
      outs.slice(0, 2),
      params,
    );
  };
