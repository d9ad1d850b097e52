/**
 * @packageDocumentation
 * An example third-party backend: backend-cpu's storage and kernels behind a new name, built
 * only from the public API of @backprop/core and @backprop/backend-cpu.
 */
import { cpu } from '@backprop/backend-cpu';
import { type Backend, type KernelTable, REQUIRED_KERNELS } from '@backprop/core';

/** Options of {@link renamedCpu}. */
export interface RenamedCpuOptions {
  /** The backend's name in error messages (default "third-party"). */
  name?: string;
  /** Keep backend-cpu's optional fused kernels (default true); false leaves only the required set, so core's fallbacks run. */
  optionalKernels?: boolean;
}

/**
 * A backend that delegates every kernel and storage call to a private `cpu()` instance. It
 * deliberately has no `readSync`, like a GPU backend: everything must read with `await t.data()`.
 */
export function renamedCpu({ name = 'third-party', optionalKernels = true }: RenamedCpuOptions = {}): Backend {
  const inner = cpu();
  const kernels = optionalKernels
    ? { ...inner.kernels }
    : (Object.fromEntries(REQUIRED_KERNELS.map((k) => [k, inner.kernels[k]])) as unknown as KernelTable);
  return {
    name,
    kernels,
    dtypes: inner.dtypes,
    write: (values, shape, dtype) => inner.write(values, shape, dtype),
    read: (handle, shape, dtype) => inner.read(handle, shape, dtype),
    dispose: (handle) => inner.dispose(handle),
    // Kernel outputs join the inner backend's memory accounting (core calls this for every output).
    registerOutput: (handle) => inner.registerOutput?.(handle),
    memory: () => inner.memory(),
    sync: async () => inner.sync?.(),
    destroy: async () => inner.destroy?.(),
  };
}
