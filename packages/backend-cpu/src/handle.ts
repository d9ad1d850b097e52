/** The CPU backend's storage handle: one block of the backend's WebAssembly heap. */
import { BackendError, bytesPerElement, type DType, type TensorInfo, type TypedArray } from '@backprop/core';
import type { Heap } from './memory/heap.js';

/** Storage of one tensor: `length` values of `dtype` at byte offset `ptr` of `heap`, until disposed. */
export class CpuHandle {
  /** True once the backend freed this handle. */
  disposed = false;
  private view: TypedArray;

  constructor(
    readonly heap: Heap,
    readonly ptr: number,
    readonly length: number,
    readonly dtype: DType,
  ) {
    this.view = this.makeView();
  }

  /** Bytes of the values (the block may be larger: it is rounded up to its size class). */
  get byteLength(): number {
    return this.length * bytesPerElement(this.dtype);
  }

  /**
   * A typed array over the values, in the heap. A view made before the memory grew can be
   * detached (unshared memory), so the view is re-made when that happened.
   */
  get values(): TypedArray {
    if (this.view.length !== this.length) this.view = this.makeView();
    return this.view;
  }

  private makeView(): TypedArray {
    const buffer = this.heap.memory.buffer;
    if (this.dtype === 'float32') return new Float32Array(buffer, this.ptr, this.length);
    if (this.dtype === 'int32') return new Int32Array(buffer, this.ptr, this.length);
    return new Uint8Array(buffer, this.ptr, this.length);
  }
}

/** A new handle for `length` values of `dtype` on `heap` (contents unspecified). */
export function allocateHandle(heap: Heap, length: number, dtype: DType): CpuHandle {
  return new CpuHandle(heap, heap.allocate(length * bytesPerElement(dtype)), length, dtype);
}

/** Returns the handle's block to its heap; reading or using the handle afterwards throws. */
export function freeHandle(handle: CpuHandle): void {
  if (handle.disposed) return;
  handle.disposed = true;
  handle.heap.release(handle.ptr, handle.byteLength);
}

/** The live handle; throws a BackendError naming `op` when it is foreign or disposed. */
export function liveHandle(op: string, handle: object): CpuHandle {
  if (!(handle instanceof CpuHandle)) throw new BackendError(`${op}: the handle does not belong to the cpu backend`);
  if (handle.disposed) throw new BackendError(`${op}: the handle was disposed; it cannot be read or used`);
  return handle;
}

/** The live values behind `handle`; throws a BackendError naming `op` when it is foreign or disposed. */
export function valuesOfHandle(op: string, handle: object): TypedArray {
  return liveHandle(op, handle).values;
}

/** The live values of a kernel input. */
export function valuesOf(x: TensorInfo): TypedArray {
  return valuesOfHandle('cpu kernel', x.handle);
}
