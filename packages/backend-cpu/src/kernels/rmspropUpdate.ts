/** The optional fused rmspropUpdate kernel: one RMSProp or AdaGrad step in a single pass over the arrays. */
import type { MultiKernel } from '@backprop/core';
import { runFusedUpdate } from './helpers/fused-update.js';

/**
 * PyTorch's RMSprop and Adagrad by core's fused rule (`rmspropUpdateRule`), each operation rounded
 * to float32: g ← g + θλ, v′ = v·decay + g²·scale, ḡ′ = ḡ·decay + g·scale (centered),
 * d = √(v′ − ḡ′²) + ε (centered) or √v′ + ε, b′ = bμ + g/d (momentum): θ′ = θ − b′γ or θ − (g/d)γ.
 * Inputs [θ, g, v, ḡ?, b?, γ] → outputs [θ′, v′, ḡ′?, b′?].
 */
export const rmspropUpdate: MultiKernel<'rmspropUpdate'> = (inputs, attrs, outs) =>
  runFusedUpdate('rmspropUpdate', inputs, attrs, outs);
