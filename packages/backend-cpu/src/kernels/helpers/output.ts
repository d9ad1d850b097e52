/** Allocation of kernel outputs. */
import { allocate, type OutputInfo, sizeOf, type TypedArray } from '@backprop/core';
import { CpuHandle } from '../../handle.js';

/** A zeroed typed array for `out`'s shape and dtype. */
export function allocateOut(out: OutputInfo): TypedArray {
  return allocate(out.dtype, sizeOf(out.shape));
}

/** Wraps computed values as a new handle (the backend registers it for memory accounting). */
export function output(values: TypedArray): CpuHandle {
  return new CpuHandle(values);
}
