/**
 * backend-cpu's `updateInPlace`: the same fused update kernels (SIMD or scalar), with their
 * outputs directed into the parameter's and state's own blocks. Every element's inputs are read
 * before its outputs are written, so writing over the inputs gives the out-of-place results bit
 * for bit, and nothing is allocated (the SIMD kernels take their arguments from the heap's fixed
 * block), so a validated update cannot fail half-way.
 */
import { type Handle, type UpdateInto, updateWrittenInputs } from '@backprop/core';
import type { CpuHandle } from './handle.js';
import { runInto } from './kernels/helpers/output.js';
import type { Heap } from './memory/heap.js';

/** Where backend-cpu's updates go in place (for core's `updateInPlaceFromKernels`); `own` checks a handle is this backend's. */
export function cpuUpdateInto(heap: Heap, own: (op: string, handle: Handle) => CpuHandle): UpdateInto {
  return (op, name, inputs, guard, run) => {
    const handles = inputs.map((x) => own(op, x.handle));
    // Anything but 0 (NaN too) in the guard: the step is being rejected, write nothing.
    if (guard && own(op, guard.handle).values[0] !== 0) return;
    runInto(
      heap,
      updateWrittenInputs(name, handles.length).map((i) => handles[i]),
      run,
    );
  };
}
