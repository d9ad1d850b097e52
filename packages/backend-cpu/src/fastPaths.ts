/** Chooses the CPU backend's code paths (scalar TypeScript, WebAssembly SIMD, threads) from its options. */
import { BackendError, checkOptionNames, optionNames, ValueError } from '@backprop/core';
import type { GemmEngine } from './kernels/helpers/gemm.js';
import { Heap } from './memory/heap.js';
import { DEFAULT_SPIN_MS, ThreadPool, type ThreadStats } from './threads/pool.js';
import { canBlock, coreCount, loadWorkerFactory, type WorkerFactory } from './threads/workers.js';
import { relaxedSimdAvailable, sharedMemoryAvailable, simdAvailable, WasmRuntime } from './wasm/runtime.js';
import { wasmGemm } from './wasm/wasmGemm.js';

/** Options of {@link cpu}. */
export interface CpuOptions {
  /**
   * WebAssembly SIMD kernels (matmul, dense, elementwise, rows, reductions, the fused updates):
   * `'auto'` (default) uses them where the engine validates the module, `true` requires them
   * (BackendError where unavailable), `false` keeps every kernel in plain TypeScript (tensors
   * still live in the WebAssembly heap).
   */
  simd?: 'auto' | boolean;
  /**
   * Threads the SIMD kernels may use, the calling thread included: `'auto'` (default) uses every
   * core where shared memory and blocking waits are allowed (Node; a cross-origin-isolated
   * browser worker) and one thread elsewhere; a number forces that many (BackendError where
   * threads cannot run). Threads only serve the SIMD kernels, so `simd: false` needs `threads` 1 or 'auto'.
   */
  threads?: 'auto' | number;
  /**
   * SIMD kernels other than matmul split across threads only when each thread gets at least
   * this many elements (four times as many for kernels bound by memory bandwidth: arithmetic,
   * comparisons, copies, sums). Default 131072, the crossover measured by
   * `scripts/thread-threshold.mjs` on a 2-core machine; a positive integer.
   */
  parallelMinElements?: number;
  /**
   * Relaxed-SIMD fused multiply-adds in matmul and dense (one rounding per multiply-add, about
   * twice the multiply-add rate): `'auto'` (default) uses them where the engine runs relaxed SIMD
   * (Chrome and Edge ≥ 114, Node ≥ 22, Node 20 with `--experimental-wasm-relaxed-simd`), `true` requires
   * them (BackendError elsewhere), `false` keeps separate multiplies and adds.
   */
  relaxedSimd?: 'auto' | boolean;
  /**
   * How long idle threads poll for the next kernel before they sleep, in ms (default 1; at most
   * 1000). Waking a sleeping thread costs tens to hundreds of microseconds, so polling lets the
   * kernels of a step, and the steps of a loop, follow each other at once (a 2-thread MLP step
   * about 7 % faster on a 2-core machine than sleeping at once, 2–3 % faster than polling
   * 0.2 ms). A polling thread does not yield its core, so on a machine shared with other busy work
   * pass 0 to sleep at once; longer polls help only where kernels come in sparser bursts.
   */
  spinMs?: number;
}

/** The code paths a backend runs, as chosen from its options and the engine. */
export interface CpuPaths {
  /** True when the WebAssembly SIMD kernels run (matmul, dense, elementwise, rows, updates). */
  readonly simd: boolean;
  /** Threads those kernels use (1 = the calling thread only); known once `ready()` resolved under 'auto'. */
  readonly threads: number;
  /** True when matmul and dense run relaxed-SIMD fused multiply-adds. */
  readonly relaxedSimd: boolean;
  /** How long idle threads poll for work before sleeping, in ms (the `spinMs` option). */
  readonly spinMs: number;
}

/** The chosen paths, the heap tensors live on, the SIMD engine if any, and the lifecycle of the lazy thread pool. */
export interface FastPaths {
  readonly paths: CpuPaths;
  /** The WebAssembly memory every tensor of the backend lives in (shared when threads may run). */
  readonly heap: Heap;
  /** The thread pool, started on first use (undefined on one thread). */
  readonly pool: () => ThreadPool | undefined;
  /** The pool's statistics, once it started (without starting it). */
  readonly threadStats: () => ThreadStats | undefined;
  readonly engine?: GemmEngine;
  /** The SIMD module instance (undefined on the scalar path). */
  readonly runtime?: WasmRuntime;
  ready(): Promise<void>;
  destroy(): void;
}

/** Every option of `cpu()`. */
const CPU_OPTIONS = optionNames<CpuOptions>({
  simd: true,
  threads: true,
  parallelMinElements: true,
  relaxedSimd: true,
  spinMs: true,
});

/** Resolves `options` into code paths; validation happens before anything starts. */
export function createFastPaths(options: CpuOptions): FastPaths {
  checkOptionNames('cpu', options, CPU_OPTIONS, {
    aliases: { numThreads: 'threads', intraOpNumThreads: 'threads', num_threads: 'threads' },
  });
  const {
    simd = 'auto',
    threads = 'auto',
    parallelMinElements,
    relaxedSimd = 'auto',
    spinMs = DEFAULT_SPIN_MS,
  } = options;
  if (typeof spinMs !== 'number' || !(spinMs >= 0 && spinMs <= 1000)) {
    throw new ValueError(`cpu: spinMs must be a number of milliseconds in [0, 1000], got ${String(spinMs)}`);
  }
  if (relaxedSimd !== 'auto' && typeof relaxedSimd !== 'boolean') {
    throw new ValueError(`cpu: relaxedSimd must be 'auto', true or false, got ${String(relaxedSimd)}`);
  }
  if (parallelMinElements !== undefined && !(Number.isInteger(parallelMinElements) && parallelMinElements >= 1)) {
    throw new ValueError(`cpu: parallelMinElements must be a positive integer, got ${String(parallelMinElements)}`);
  }
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
  if (relaxedSimd === true && !(useSimd && relaxedSimdAvailable())) {
    throw new BackendError(
      useSimd
        ? 'cpu: relaxedSimd true was asked, but this engine does not run relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd); use relaxedSimd auto'
        : 'cpu: relaxedSimd true needs the SIMD kernels, got simd false',
    );
  }
  const useRelaxed = useSimd && relaxedSimd !== false && relaxedSimdAvailable();
  const paths = { simd: useSimd, threads: 1, relaxedSimd: useRelaxed, spinMs };
  const wantThreads = threadable && threads !== 1;
  const heap = new Heap({ shared: wantThreads });
  if (!useSimd)
    return {
      paths,
      heap,
      pool: () => undefined,
      threadStats: () => undefined,
      ready: async () => {},
      destroy: () => {},
    };

  const runtime = new WasmRuntime(heap, useRelaxed);
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
      pool = new ThreadPool(
        paths.threads - 1,
        runtime.module,
        runtime.memory,
        runtime.exports as unknown as Record<string, unknown>,
        factory,
        spinMs,
      );
    }
    return pool;
  };
  return {
    paths,
    heap,
    pool: getPool,
    threadStats: () => pool && { ...pool.stats },
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
