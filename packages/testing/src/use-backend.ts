/** `useBackend`: a test hook that installs a fresh backend. */
import { type Backend, setBackend } from '@backprop/core';

/**
 * A hook for vitest's `beforeAll` or `beforeEach` that sets a fresh backend made by `create`
 * (called anew on every run of the hook) as core's current backend:
 *
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * beforeAll(useBackend(cpu));                  // one backend for the file
 * beforeEach(useBackend(() => cpu({ simd: false })));  // a fresh one per test
 * ```
 *
 * The hook resolves to nothing (a hook that returned a function would be taken as its teardown).
 */
export function useBackend(create: () => Backend | Promise<Backend>): () => Promise<void> {
  return async () => {
    await setBackend(create());
  };
}
