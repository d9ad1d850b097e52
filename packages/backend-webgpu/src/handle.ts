/** The WebGPU backend's storage handle: one pooled GPU buffer holding a tensor's 32-bit words. */
import { BackendError, type TensorInfo } from '@backprop/core';

/**
 * Storage of one tensor. Every dtype uses 4 bytes per element on the GPU: float32 as f32,
 * int32 as i32 and bool as u32 0 or 1 (converted on write and read).
 */
export class GpuHandle {
  /** True once the backend freed this handle. */
  disposed = false;

  constructor(
    /** The buffer; at least `bytes` long (pool buckets round sizes up). */
    readonly buffer: GPUBuffer,
    /** Bytes the tensor's values occupy (4 per element). */
    readonly bytes: number,
    /** The backend that owns it. */
    readonly owner: object,
  ) {}
}

/** The buffer behind a kernel input; throws a BackendError for a foreign or disposed handle. */
export function bufferOf(x: TensorInfo): GPUBuffer {
  const h = x.handle;
  if (!(h instanceof GpuHandle))
    throw new BackendError('webgpu kernel: the handle does not belong to the webgpu backend');
  if (h.disposed) throw new BackendError('webgpu kernel: the handle was disposed; it cannot be used');
  return h.buffer;
}
