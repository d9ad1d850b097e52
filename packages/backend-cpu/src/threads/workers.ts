/** Starting kernel workers: where threads can work, how many cores there are, and the worker factory. */
import { BROWSER_WORKER_SOURCE, NODE_WORKER_SOURCE } from './worker-source.js';

/** The part of a Node or browser worker the pool uses. */
export interface AnyWorker {
  terminate(): unknown;
}

/** True where this thread may block in Atomics.wait: Node, or a cross-origin-isolated worker in a browser. */
export function canBlock(): boolean {
  const g = globalThis as { process?: { versions?: { node?: string } }; WorkerGlobalScope?: unknown };
  if (g.process?.versions?.node) return true;
  return (
    typeof g.WorkerGlobalScope !== 'undefined' &&
    (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true
  );
}

/** Logical cores of this machine (Node's availableParallelism, or navigator.hardwareConcurrency). */
export async function coreCount(): Promise<number> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav?.hardwareConcurrency) return nav.hardwareConcurrency;
  try {
    const specifier = 'node:os';
    const os = (await import(/* @vite-ignore */ specifier)) as {
      availableParallelism?: () => number;
      cpus: () => unknown[];
    };
    return os.availableParallelism?.() ?? os.cpus().length;
  } catch {
    return 1;
  }
}

/** What a worker starts from: the module, the shared memory, the control block and its index. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  id: number;
}

/** Starts one worker synchronously. */
export type WorkerFactory = (init: WorkerInit) => AnyWorker;

/**
 * Loads what starting workers needs: Node's worker_threads (imported dynamically, so browsers
 * never see it) or the browser's Worker over a Blob URL. Undefined where threads cannot work.
 */
export async function loadWorkerFactory(): Promise<WorkerFactory | undefined> {
  if (!canBlock()) return undefined;
  if ((globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node) {
    const specifier = 'node:worker_threads';
    const { Worker } = (await import(/* @vite-ignore */ specifier)) as typeof import('node:worker_threads');
    return (init) => {
      const worker = new Worker(NODE_WORKER_SOURCE, { eval: true, workerData: init });
      worker.unref();
      return worker;
    };
  }
  if (typeof Worker === 'undefined') return undefined;
  const url = URL.createObjectURL(new Blob([BROWSER_WORKER_SOURCE], { type: 'text/javascript' }));
  return (init) => {
    const worker = new Worker(url);
    worker.postMessage(init);
    return worker;
  };
}
