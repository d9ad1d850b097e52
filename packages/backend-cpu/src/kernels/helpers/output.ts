/**
 * Allocation of kernel outputs on the heap of the backend running the kernel. The backend sets
 * that heap around every kernel call (`runOnHeap`); kernels ask for a typed array with
 * `allocateOut`, fill it, and hand it back through `output`, which finds its handle.
 */
import { BackendError, type OutputInfo, sizeOf, type TypedArray } from '@backprop/core';
import { allocateHandle, type CpuHandle } from '../../handle.js';
import type { Heap } from '../../memory/heap.js';

let active: Heap | undefined;
let made: CpuHandle[] = [];
/** Where outputs go instead of new blocks, while `runInto` runs a kernel. */
let into: CpuHandle[] | undefined;
const handles = new WeakMap<TypedArray, CpuHandle>();

/**
 * Runs `body` with `heap` as the heap kernel outputs are allocated on; returns its result and
 * every handle it allocated (its outputs, and any it dropped).
 */
export function runOnHeap<T>(heap: Heap, body: () => T): { result: T; allocated: CpuHandle[] } {
  const previous = [active, made, into] as const;
  active = heap;
  made = [];
  into = undefined;
  try {
    return { result: body(), allocated: made };
  } catch (error) {
    throw Object.assign(new HeapRunError(error), { allocated: made });
  } finally {
    [active, made, into] = previous;
  }
}

/** A kernel's exception, with the handles the kernel had allocated before it threw. */
export class HeapRunError extends Error {
  allocated: CpuHandle[] = [];
  constructor(readonly error: unknown) {
    super('a kernel threw');
  }
}

/** The heap of the kernel running now. */
export function activeHeap(): Heap {
  if (!active) throw new BackendError('cpu: a kernel ran outside its backend (no heap to allocate its output on)');
  return active;
}

/**
 * Runs `body` (a kernel) with its outputs going to `destinations`, in order, instead of new
 * blocks: an in-place update writes its results into its inputs' storage and allocates nothing.
 */
export function runInto<T>(heap: Heap, destinations: readonly CpuHandle[], body: () => T): T {
  const previous = [active, into] as const;
  active = heap;
  into = [...destinations];
  try {
    const result = body();
    if (into.length > 0)
      throw new BackendError(
        `cpu: a kernel wrote ${destinations.length - into.length} outputs, expected ${destinations.length}`,
      );
    return result;
  } finally {
    [active, into] = previous;
  }
}

/** A new handle for `out` on the active heap, contents unspecified (for kernels that write every element). */
export function allocateOutHandle(out: OutputInfo): CpuHandle {
  if (into) {
    const next = into.shift();
    if (!next || next.length !== sizeOf(out.shape) || next.dtype !== out.dtype)
      throw new BackendError('cpu: an in-place kernel asked for an output its destinations do not match');
    return next;
  }
  const handle = allocateHandle(activeHeap(), sizeOf(out.shape), out.dtype);
  made.push(handle);
  return handle;
}

/**
 * A typed array for `out`'s shape and dtype, in the active heap: zero-filled unless `zeroed` is
 * false (for kernels that write every element). Pass it to `output` when filled.
 */
export function allocateOut(out: OutputInfo, zeroed = true): TypedArray {
  if (into && zeroed) throw new BackendError('cpu: an in-place kernel asked for a zeroed output');
  const handle = allocateOutHandle(out);
  const values = handle.values;
  if (zeroed) values.fill(0);
  handles.set(values, handle);
  return values;
}

/**
 * The handle of values from `allocateOut` (the backend registers it for memory accounting).
 * Values made elsewhere are copied into a new block of the heap.
 */
export function output(values: TypedArray): CpuHandle {
  const handle = handles.get(values);
  if (handle) {
    handles.delete(values);
    return handle;
  }
  const dtype = values instanceof Float32Array ? 'float32' : values instanceof Int32Array ? 'int32' : 'bool';
  const copy = allocateHandle(activeHeap(), values.length, dtype);
  made.push(copy);
  copy.values.set(values);
  return copy;
}
