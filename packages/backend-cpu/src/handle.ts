/** The CPU backend's storage handle: an object holding one typed array. */
import { BackendError, type TensorInfo, type TypedArray } from '@backprop/core';

/** Storage of one tensor: its values, until disposed. */
export class CpuHandle {
  /** The values; replaced by an empty array on dispose so the memory can be collected. */
  values: TypedArray;
  /** True once the backend freed this handle. */
  disposed = false;

  constructor(values: TypedArray) {
    this.values = values;
  }
}

/** The live values behind `handle`; throws a BackendError naming `op` when it is foreign or disposed. */
export function valuesOfHandle(op: string, handle: object): TypedArray {
  if (!(handle instanceof CpuHandle)) throw new BackendError(`${op}: the handle does not belong to the cpu backend`);
  if (handle.disposed) throw new BackendError(`${op}: the handle was disposed; it cannot be read or used`);
  return handle.values;
}

/** The live values of a kernel input. */
export function valuesOf(x: TensorInfo): TypedArray {
  return valuesOfHandle('cpu kernel', x.handle);
}
