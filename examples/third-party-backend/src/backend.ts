/** The backend object: storage on typed arrays, memory accounting, and the kernel table. */
import {
  type Backend,
  BackendError,
  type DType,
  DTypeError,
  type Handle,
  matchesDType,
  type Shape,
  sizeOf,
  type TypedArray,
} from '@backprop/core';
import { ArrayHandle, valuesOfHandle } from './handle.js';
import { kernels } from './kernels/index.js';

/**
 * A Backprop backend written from scratch: every required kernel as plain loops over typed
 * arrays, no optional kernels (core composes softmax, cross-entropy and dense layers from the
 * required ones). Like a GPU backend it has no `readSync`: values are read with `await t.data()`.
 *
 * @example
 * ```ts
 * await setBackend(loopBackend());
 * ```
 */
export function loopBackend(name = 'loop'): Backend {
  const live = new Set<ArrayHandle>();
  let bytes = 0;
  let peakBytes = 0;

  const track = (handle: ArrayHandle): ArrayHandle => {
    live.add(handle);
    bytes += valuesOfHandle(handle).byteLength;
    peakBytes = Math.max(peakBytes, bytes);
    return handle;
  };

  const own = (op: string, handle: Handle): TypedArray => {
    if (!(handle instanceof ArrayHandle) || !live.has(handle)) {
      throw new BackendError(`${name}.${op}: the handle does not belong to this backend or was disposed`);
    }
    return valuesOfHandle(handle);
  };

  return {
    name,
    kernels,
    write(values: TypedArray, shape: Shape, dtype: DType): Handle {
      if (!matchesDType(values, dtype))
        throw new DTypeError(`${name}.write: values are not the typed array of ${dtype}`);
      if (values.length !== sizeOf(shape)) throw new BackendError(`${name}.write: values do not fill the shape`);
      return track(new ArrayHandle(values.slice())); // a copy: the caller keeps its array
    },
    read: async (handle) => own('read', handle).slice(), // a copy the caller owns
    // Core passes every handle a kernel returns through here, so kernel outputs are counted too.
    registerOutput: (handle) => {
      if (!(handle instanceof ArrayHandle)) throw new BackendError(`${name}: a kernel returned a foreign handle`);
      track(handle);
    },
    dispose(handle: Handle): void {
      if (!(handle instanceof ArrayHandle) || !live.has(handle)) return; // already freed
      bytes -= valuesOfHandle(handle).byteLength;
      live.delete(handle);
      handle.values = undefined;
    },
    memory: () => ({ bytes, handles: live.size, peakBytes }),
    resetPeak: () => {
      peakBytes = bytes;
    },
  };
}
