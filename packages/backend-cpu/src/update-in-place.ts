/**
 * backend-cpu's `updateInPlace`: the same fused update kernels (SIMD or scalar), with their
 * outputs directed into the parameter's and state's own blocks. Every element's inputs are read
 * before its outputs are written, so writing over the inputs gives the out-of-place results bit
 * for bit, and nothing is allocated (the SIMD kernels take their arguments from the heap's fixed
 * block), so a validated update cannot fail half-way.
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
import type { CpuHandle } from './handle.js';
import { runInto } from './kernels/helpers/output.js';
import type { Heap } from './memory/heap.js';

/** The positions of the inputs an update writes (its outputs, in order): all but the gradient, Adam's step count and γ. */
function written(name: UpdateKernelName, count: number): number[] {
  const skip = new Set([1, count - 1, ...(name === 'adamUpdate' ? [4] : [])]);
  return Array.from({ length: count }, (_, i) => i).filter((i) => !skip.has(i));
}

/** `Backend.updateInPlace` over `table`'s update kernels on `heap`; `own` checks a handle is this backend's. */
export function updateInPlaceWith(
  backend: () => Backend,
  table: KernelTable,
  heap: Heap,
  own: (op: string, handle: Handle) => CpuHandle,
): NonNullable<Backend['updateInPlace']> {
  return <K extends UpdateKernelName>(
    name: K,
    inputs: TensorInfo[],
    attrs: UpdateKernelAttrs[K],
    guard?: TensorInfo,
  ) => {
    const op = `cpu.updateInPlace(${name})`;
    const kernel = table[name];
    if (typeof kernel !== 'function') throw new BackendError(`${op}: no such update kernel`);
    const handles = inputs.map((x) => own(op, x.handle));
    // Anything but 0 (NaN too) in the guard: the step is being rejected, write nothing.
    if (guard && own(op, guard.handle).values[0] !== 0) return;
    const destinations = written(name, handles.length).map((i) => handles[i]);
    const outs = destinations.map((h) => ({ shape: [h.length], dtype: 'float32' as const }));
    runInto(heap, destinations, () =>
      (kernel as (...a: unknown[]) => unknown)(inputs, attrs, outs, { backend: backend(), name }),
    );
  };
}
