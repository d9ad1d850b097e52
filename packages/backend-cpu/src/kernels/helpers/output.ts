/**
 * Allocation of kernel outputs, with reuse of freed arrays. A large new typed array costs page
 * faults and zeroing (about as much as a whole elementwise kernel), so arrays of disposed
 * handles of at least 64 KiB are kept, up to 64 MiB in all, and handed to the next output of
 * the same dtype and length.
 */
import { allocate, type DType, type OutputInfo, sizeOf, type TypedArray } from '@backprop/core';
import { CpuHandle } from '../../handle.js';

/** Arrays smaller than this are left to the garbage collector (young-generation allocation is cheap). */
const MIN_POOLED_BYTES = 65536;
/** The most bytes of freed arrays kept for reuse. */
const MAX_POOLED_BYTES = 64 * 1024 * 1024;

const pool = new Map<string, TypedArray[]>();
let pooledBytes = 0;
const keyOf = (dtype: DType | string, length: number) => `${dtype}:${length}`;

/** Keeps the array of a disposed handle for reuse, if it is large and the pool has room. */
export function recycle(values: TypedArray): void {
  if (values.byteLength < MIN_POOLED_BYTES || pooledBytes + values.byteLength > MAX_POOLED_BYTES) return;
  const dtype = values instanceof Float32Array ? 'float32' : values instanceof Int32Array ? 'int32' : 'bool';
  const key = keyOf(dtype, values.length);
  const list = pool.get(key);
  if (list) list.push(values);
  else pool.set(key, [values]);
  pooledBytes += values.byteLength;
}

/**
 * A typed array for `out`'s shape and dtype: a recycled one when available, zero-filled unless
 * `zeroed` is false (for kernels that write every element).
 */
export function allocateOut(out: OutputInfo, zeroed = true): TypedArray {
  const length = sizeOf(out.shape);
  const reused = pool.get(keyOf(out.dtype, length))?.pop();
  if (!reused) return allocate(out.dtype, length);
  pooledBytes -= reused.byteLength;
  if (zeroed) reused.fill(0);
  return reused;
}

/** Wraps computed values as a new handle (the backend registers it for memory accounting). */
export function output(values: TypedArray): CpuHandle {
  return new CpuHandle(values);
}
