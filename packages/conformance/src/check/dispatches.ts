/**
 * Which kernels each case actually dispatched: engine dispatches are observed with core's
 * `observeKernels`, and cases that call a backend's kernel table directly report the call
 * with {@link recordDispatch}. Coverage is computed from these records, not declared.
 */
import { type KernelName, observeKernels } from '@backprop/core';

let current: Set<KernelName> | undefined;

/** Records that the running case called kernel `name` directly on the backend. */
export function recordDispatch(name: KernelName): void {
  current?.add(name);
}

/** Runs `fn` while recording every kernel it dispatches; returns its result and the kernels. */
export async function recordingDispatches<T>(fn: () => Promise<T>): Promise<{ result: T; kernels: Set<KernelName> }> {
  const kernels = new Set<KernelName>();
  const previous = current;
  current = kernels;
  const stop = observeKernels((name) => kernels.add(name));
  try {
    return { result: await fn(), kernels };
  } finally {
    stop();
    current = previous;
  }
}
