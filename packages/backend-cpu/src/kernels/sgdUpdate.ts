/** The optional fused sgdUpdate kernel: one SGD step (momentum, dampening, Nesterov, weight decay) in a single pass. */
import type { MultiKernel } from '@backprop/core';
import { runFusedUpdate } from './helpers/fused-update.js';

/**
 * PyTorch's SGD by core's fused rule (`sgdUpdateRule`), each operation rounded to float32:
 * g ← g + θλ; with momentum μ > 0, b′ = g on the first step, else bμ + g(1−τ), and the step
 * direction is g + b′μ (Nesterov) or b′; θ′ = θ − direction·γ.
 * Inputs [θ, g, b?, γ] → outputs [θ′, b′ (when μ > 0)].
 */
export const sgdUpdate: MultiKernel<'sgdUpdate'> = (inputs, attrs, outs) =>
  runFusedUpdate('sgdUpdate', inputs, attrs, outs);
