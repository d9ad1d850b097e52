/**
 * The WebGPU backend's `updateInPlace`: the same fused update shaders, with the parameter and
 * state buffers bound read-write as the outputs (see `runUpdateInPlace`), and a guard buffer
 * whose non-zero value makes every invocation return before writing.
 */
import type { Handle, UpdateInto } from '@backprop/core';
import { runUpdateInPlace } from './shaders/update.js';

/** Where the WebGPU backend's updates go in place (for core's `updateInPlaceFromKernels`); `own` checks a handle is this backend's and live. */
export function webgpuUpdateInto(own: (op: string, handle: Handle) => unknown): UpdateInto {
  return (op, _name, inputs, guard, run) => {
    for (const x of guard ? [...inputs, guard] : inputs) own(op, x.handle);
    runUpdateInPlace(guard, run);
  };
}
