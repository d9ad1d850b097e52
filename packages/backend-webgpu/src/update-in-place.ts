/**
 * The WebGPU backend's `updateInPlace`: the same fused update shaders, with the parameter and
 * state buffers bound read-write as the outputs (see `runUpdateInPlace`), and a guard buffer
 * whose non-zero value makes every invocation return before writing.
 */
import {
  type Backend,
  BackendError,
  type Handle,
  type KernelTable,
  type TensorInfo,
  type UpdateKernelAttrs,
  type UpdateKernelName,
} from '@backprop/core';
import { runUpdateInPlace } from './shaders/update.js';

/** `Backend.updateInPlace` over `table`'s update kernels; `own` checks a handle is this backend's and live. */
export function updateInPlaceWith(
  backend: () => Backend,
  table: KernelTable,
  own: (op: string, handle: Handle) => unknown,
): NonNullable<Backend['updateInPlace']> {
  return <K extends UpdateKernelName>(
    name: K,
    inputs: TensorInfo[],
    attrs: UpdateKernelAttrs[K],
    guard?: TensorInfo,
  ) => {
    const op = `webgpu.updateInPlace(${name})`;
    const kernel = table[name] as ((...a: unknown[]) => unknown) | undefined;
    if (typeof kernel !== 'function') throw new BackendError(`${op}: no such update kernel`);
    for (const x of guard ? [...inputs, guard] : inputs) own(op, x.handle);
    // One output description per written input: all but the gradient, Adam's step count and γ.
    const written = inputs.filter((_, i) => i !== 1 && i !== inputs.length - 1 && !(name === 'adamUpdate' && i === 4));
    const outs = written.map(() => ({ shape: inputs[0].shape, dtype: 'float32' as const }));
    runUpdateInPlace(guard, () => kernel(inputs, attrs, outs, { backend: backend(), name }));
  };
}
