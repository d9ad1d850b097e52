/**
 * A lazy pool of kernel workers sharing the SIMD module's memory, driven synchronously: the
 * calling thread writes each worker's job into a shared control block, wakes them, runs its own
 * share, then blocks in Atomics.wait until all are done. Blocking is allowed in Node's main
 * thread and in workers, not on a browser page's main thread (there the pool is never made).
 */
import { BackendError } from '@backprop/core';
import { DONE, EXIT, GENERATION, JOB_FUNCTIONS, type JobFunction, READY, SLOT, slotOf } from './control.js';
import { BROWSER_WORKER_SOURCE, NODE_WORKER_SOURCE } from './worker-source.js';

/** One worker's job: an export of the module and its i32 arguments. */
export interface Job {
  readonly fn: JobFunction;
  readonly args: readonly number[];
}

interface AnyWorker {
  terminate(): unknown;
}

/** How long a kernel waits for workers that are still starting before it runs alone (ms). */
const START_WAIT_MS = 10_000;

/** True where this thread may block in Atomics.wait: Node, or a cross-origin-isolated worker in a browser. */
export function canBlock(): boolean {
  const g = globalThis as { process?: { versions?: { node?: string } }; WorkerGlobalScope?: unknown };
  if (g.process?.versions?.node) return true;
  return typeof g.WorkerGlobalScope !== 'undefined' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

/** Logical cores of this machine (Node's availableParallelism, or navigator.hardwareConcurrency). */
export async function coreCount(): Promise<number> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav?.hardwareConcurrency) return nav.hardwareConcurrency;
  try {
    const specifier = 'node:os';
    const os = (await import(/* @vite-ignore */ specifier)) as { availableParallelism?: () => number; cpus: () => unknown[] };
    return os.availableParallelism?.() ?? os.cpus().length;
  } catch {
    return 1;
  }
}

/** Workers that run kernel jobs on a shared WebAssembly memory. */
export class ThreadPool {
  /** Resolves when every worker is instantiated and waiting. */
  readonly ready: Promise<void>;
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * slotOf(SLOT)));
  private readonly workers: AnyWorker[] = [];
  private destroyed = false;

  /** Starts `size` workers (the calling thread is one more) on `module` over the shared `memory`. */
  constructor(
    readonly size: number,
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
  ) {
    if (size > SLOT) throw new BackendError(`cpu: at most ${SLOT} worker threads, got ${size}`);
    this.ready = this.start(module, memory);
  }

  private async start(module: WebAssembly.Module, memory: WebAssembly.Memory): Promise<void> {
    const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
    for (let id = 0; id < this.size; id++) {
      const init = { module, memory, control: this.control.buffer, id };
      if (node) {
        const specifier = 'node:worker_threads';
        const { Worker } = (await import(/* @vite-ignore */ specifier)) as typeof import('node:worker_threads');
        if (this.destroyed) return;
        const worker = new Worker(NODE_WORKER_SOURCE, { eval: true, workerData: init });
        worker.unref();
        this.workers.push(worker);
      } else {
        const url = URL.createObjectURL(new Blob([BROWSER_WORKER_SOURCE], { type: 'text/javascript' }));
        const worker = new Worker(url);
        worker.postMessage(init);
        this.workers.push(worker);
      }
    }
    while (!this.destroyed && Atomics.load(this.control, READY) < this.size) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  /** True when all workers were created (they may still be instantiating). */
  get started(): boolean {
    return this.workers.length === this.size && !this.destroyed;
  }

  /**
   * Runs `jobs[w]` on worker w (an undefined job leaves it idle) and `own` on the calling thread,
   * and returns when all are done. Returns false, running nothing, when the workers are not yet
   * created or do not become ready in time (the caller then runs everything itself).
   */
  run(jobs: readonly (Job | undefined)[], own: () => void): boolean {
    if (!this.started) return false;
    const ctl = this.control;
    const waitReady = Date.now() + START_WAIT_MS;
    for (let ready = Atomics.load(ctl, READY); ready < this.size; ready = Atomics.load(ctl, READY)) {
      if (Date.now() > waitReady) return false;
      Atomics.wait(ctl, READY, ready, 50);
    }
    for (let w = 0; w < this.size; w++) {
      const job = jobs[w];
      const slot = slotOf(w);
      ctl[slot] = job ? JOB_FUNCTIONS.indexOf(job.fn) + 1 : 0;
      if (job) for (let i = 0; i < job.args.length; i++) ctl[slot + 1 + i] = job.args[i];
    }
    Atomics.store(ctl, DONE, 0);
    Atomics.add(ctl, GENERATION, 1);
    Atomics.notify(ctl, GENERATION);
    let failure: unknown;
    try {
      own();
    } catch (error) {
      failure = error;
    }
    for (let done = Atomics.load(ctl, DONE); done < this.size; done = Atomics.load(ctl, DONE)) {
      Atomics.wait(ctl, DONE, done);
    }
    if (failure) throw failure;
    for (let w = 0; w < this.size; w++) {
      if (ctl[slotOf(w)] === -1) throw new BackendError(`cpu: a worker thread failed running ${jobs[w]?.fn}`);
    }
    return true;
  }

  /** Stops the workers; the pool cannot be used afterwards. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    Atomics.store(this.control, EXIT, 1);
    Atomics.add(this.control, GENERATION, 1);
    Atomics.notify(this.control, GENERATION);
    for (const worker of this.workers) worker.terminate();
    this.workers.length = 0;
  }
}
