/** Storage: a handle is an object holding one typed array, and kernels read their inputs through it. */
import { allocate, BackendError, type OutputInfo, sizeOf, type TensorInfo, type TypedArray } from '@backprop/core';

/** The storage of one tensor. `values` is dropped when the backend disposes the handle. */
export class ArrayHandle {
  values: TypedArray | undefined;

  constructor(values: TypedArray) {
    this.values = values;
  }
}

/** The values behind a handle; throws a BackendError if it is not ours or was disposed. */
export function valuesOfHandle(handle: object): TypedArray {
  if (!(handle instanceof ArrayHandle)) throw new BackendError('loop: the handle does not belong to the loop backend');
  if (handle.values === undefined) throw new BackendError('loop: the handle was disposed');
  return handle.values;
}

/** The values of a kernel input. */
export const valuesOf = (x: TensorInfo): TypedArray => valuesOfHandle(x.handle);

/** A zeroed typed array for a kernel's output (Float32Array, Int32Array or Uint8Array by dtype). */
export const allocateOutput = (out: OutputInfo): TypedArray => allocate(out.dtype, sizeOf(out.shape));
