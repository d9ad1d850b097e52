/** Wrapping a backend: the same storage and kernels under a new object, with some kernels removed. */
import { type Backend, type KernelName, type KernelTable, setBackend } from '@backprop/core';

/** A backend delegating to `inner`, without the kernels in `without`. */
export function withoutKernels(inner: Backend, without: readonly KernelName[], name = inner.name): Backend {
  const kernels = { ...inner.kernels } as Partial<Record<KernelName, unknown>>;
  for (const k of without) delete kernels[k];
  const wrapped: Backend = {
    name,
    kernels: kernels as KernelTable,
    dtypes: inner.dtypes,
    write: (values, shape, dtype) => inner.write(values, shape, dtype),
    read: (handle, shape, dtype) => inner.read(handle, shape, dtype),
    dispose: (handle) => inner.dispose(handle),
    memory: () => inner.memory(),
    ...(inner.registerOutput ? { registerOutput: (handle) => inner.registerOutput?.(handle) } : {}),
  };
  return wrapped;
}

/** Runs `fn` with `backend` set as the current backend, then restores `restore`. */
export async function usingBackend<T>(backend: Backend, restore: Backend, fn: () => Promise<T>): Promise<T> {
  await setBackend(backend);
  try {
    return await fn();
  } finally {
    await setBackend(restore);
  }
}
