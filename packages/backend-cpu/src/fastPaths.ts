/** Chooses the CPU backend's code paths (scalar TypeScript, WebAssembly SIMD, threads) from its options. */
import { BackendError, ValueError } from '@backprop/core';
import type { GemmEngine } from './kernels/helpers/gemm.js';
import { ThreadPool } from './threads/pool.js';
import { canBlock, coreCount, loadWorkerFactory, type WorkerFactory } from './threads/workers.js';
import { sharedMemoryAvailable, simdAvailable, WasmRuntime } from './wasm/runtime.js';
import { wasmGemm } from './wasm/wasmGemm.js';

/** Options of {@link cpu}. */
export interface CpuOptions {
  /**
   * WebAssembly SIMD kernels for matmul and dense: `'auto'` (default) uses them where the engine
   * validates the module, `true` requires them (BackendError where unavailable), `false` keeps
   * every kernel in plain TypeScript.
   */
  simd?: 'auto' | boolean;
  /**
   * Threads the SIMD kernels may use, the calling thread included: `'auto'` (default) uses every
   * core where shared memory and blocking waits are allowed (Node; a cross-origin-isolated
   * browser worker) and one thread elsewhere; a number forces that many (BackendError where
   * threads cannot run). Threads only serve the SIMD kernels, so `simd: false` needs `threads` 1 or 'auto'.
   */
  threads?: 'auto' | number;
}

/** The code paths a backend runs, as chosen from its options and the engine. */
export interface CpuPaths {
  /** True when matmul and dense run the WebAssembly SIMD kernels. */
  readonly simd: boolean;
  /** Threads those kernels use (1 = the calling thread only); known once `ready()` resolved under 'auto'. */
  readonly threads: number;
}

/** The chosen paths, the SIMD engine if any, and the lifecycle of the lazy thread pool. */
export interface FastPaths {
  readonly paths: CpuPaths;
  readonly engine?: GemmEngine;
  /** The SIMD module instance (undefined on the scalar path). */
  readonly runtime?: WasmRuntime;
  ready(): Promise<void>;
  destroy(): void;
}

/** Resolves `options` into code paths; validation happens before anything starts. */
export function createFastPaths({ simd = 'auto', threads = 'auto' }: CpuOptions): FastPaths {
  if (simd !== 'auto' && typeof simd !== 'boolean') {
    throw new ValueError(`cpu: simd must be 'auto', true or false, got ${String(simd)}`);
  }
  if (threads !== 'auto' && !(Number.isInteger(threads) && threads >= 1 && threads <= 17)) {
    throw new ValueError(`cpu: threads must be 'auto' or an integer in [1, 17], got ${String(threads)}`);
  }
  const forcedThreads = typeof threads === 'number' && threads > 1;
  if (simd === false && forcedThreads) {
    throw new ValueError(
      `cpu: threads only serve the SIMD kernels, got simd false and threads ${threads}; use threads 1`,
    );
  }
  const useSimd = simd === true || (simd === 'auto' && simdAvailable());
  if (simd === true && !simdAvailable()) {
    throw new BackendError('cpu: simd true was asked, but this engine does not run WebAssembly SIMD; use simd auto');
  }
  const threadable = useSimd && sharedMemoryAvailable() && canBlock();
  if (forcedThreads && !threadable) {
    throw new BackendError(
      `cpu: threads ${threads} was asked, but shared memory or blocking waits are unavailable here (a browser page must be cross-origin isolated and run the backend in a worker); use threads auto`,
    );
  }
  const paths = { simd: useSimd, threads: 1 };
  if (!useSimd) return { paths, ready: async () => {}, destroy: () => {} };

  const wantThreads = threadable && threads !== 1;
  const runtime = new WasmRuntime(wantThreads);
  let factory: WorkerFactory | undefined;
  let pool: ThreadPool | undefined;
  let destroyed = false;
  const loading = wantThreads
    ? Promise.all([loadWorkerFactory(), threads === 'auto' ? coreCount() : threads]).then(([f, count]) => {
        factory = f;
        paths.threads = f ? Math.min(count, 17) : 1;
        // A browser worker's nested workers cannot start while it blocks in Atomics.wait, so there the
        // pool starts now and `ready()` resolves once its workers are up (yielding, not blocking).
        if (!(globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node)
          return getPool()
            ?.whenReady()
            .then(() => undefined);
      })
    : Promise.resolve();
  // In Node the pool starts on the first product large enough to split, not before.
  const getPool = (): ThreadPool | undefined => {
    if (!pool && factory && paths.threads > 1 && !destroyed) {
      pool = new ThreadPool(paths.threads - 1, runtime.module, runtime.memory, factory);
    }
    return pool;
  };
  return {
    paths,
    engine: wasmGemm(runtime, getPool),
    runtime,
    ready: () => loading,
    destroy() {
      destroyed = true;
      pool?.destroy();
      pool = undefined;
    },
  };
}
