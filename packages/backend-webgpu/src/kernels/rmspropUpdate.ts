/** The optional fused rmspropUpdate kernel: one RMSProp or AdaGrad step in a single pass over the arrays. */
import type { MultiKernel } from '@backprop/core';
import type { KernelContext } from '../kernel-context.js';
import { runUpdate } from '../shaders/update.js';
import { updateShader } from '../shaders/update-rule.js';

/**
 * PyTorch's RMSprop / Adagrad by core's fused rule (`rmspropUpdateRule`), as backend-cpu and
 * backend-onnx compute it: g ← g + λθ (skipped when λ = 0), v′ = decay·v + scale·g²,
 * ḡ′ = decay·ḡ + scale·g and d = √(v′ − ḡ′²) + ε (centered) or d = √v′ + ε, b′ = μb + g/d
 * (μ > 0): θ′ = θ − γb′ or θ − γg/d. Inputs [θ, g, v, ḡ?, b?, γ] → outputs [θ′, v′, ḡ′?, b′?],
 * in f32; a NaN gradient reaches every output.
 */
export const rmspropUpdate =
  (k: KernelContext): MultiKernel<'rmspropUpdate'> =>
  (inputs, attrs, outs) => {
    const state = inputs.slice(0, -1);
    const { body, params } = updateShader('rmspropUpdate', attrs, {
      inputs: state.map((_, j) => `in${j}`),
      lr: `in${state.length}`,
      outputs: ['out', 'o1', 'o2', 'o3'].slice(0, outs.length),
    });
    return runUpdate(k, 'rmspropUpdate', body, inputs, outs, params);
  };
