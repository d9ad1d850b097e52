/** When a backward pass may run a backend's fused gradient kernel instead of its differentiable composition. */
import { hasKernel } from '../engine.js';
import type { OptionalKernelName } from '../kernels/spec.js';
import { isRecording } from './tape.js';

/**
 * True when the backward pass now running may use the current backend's fused gradient kernel
 * `name`: the backend has it, and this backward pass is not itself being recorded. A kernel's
 * output has no gradient of its own, so a gradient of the gradient must take the composition core
 * can differentiate (which gives the same values).
 */
export function fusedGradientKernel(name: OptionalKernelName): boolean {
  return !isRecording() && hasKernel(name);
}
