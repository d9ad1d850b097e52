/**
 * A lazy pool of kernel workers sharing the SIMD module's memory, driven synchronously: the
 * calling thread writes each worker's job into a shared control block, wakes them, runs its own
 * share, then blocks in Atomics.wait until all are done. Blocking is allowed in Node's main
 * thread and in workers, not on a browser page's main thread (there the pool is never made).
 */
import { BackendError } from '@backprop/core';
import {
  CLAIM_CALLER,
  CLAIM_OPEN,
  CLOCK_EVERY,
  CONTROL_WORDS,
  claimOf,
  DONE,
  EXIT,
  GENERATION,
  JOB_FUNCTIONS,
  type JobFunction,
  pollWhile,
  READY,
  SLOT,
  SPIN_US,
  slotOf,
} from './control.js';
import type { AnyWorker, WorkerFactory } from './workers.js';

/** One worker's job: an export of the module and its i32 arguments. */
export interface Job {
  readonly fn: JobFunction;
  readonly args: readonly number[];
}

/**
 * How long idle threads poll for the next job (workers) or for the workers to finish (the calling
 * thread) before sleeping in Atomics.wait, by default (ms). Waking a sleeping thread costs 80–100
 * µs on a 2-core VM, and a training step splits about seven kernels with short gaps between them:
 * polling 0.2 ms bridges those gaps, and the 2-thread MLP step took 7.60 ms instead of 8.19
 * (medians of 11 interleaved rounds; 0.1 ms gave 7.94, 0.5 ms 7.61). Like OpenMP's and ONNX
 * Runtime's default spinning, it is bounded: a thread given no work sleeps after 0.2 ms.
 */
export const DEFAULT_SPIN_MS = 0.2;

/** How long the first threaded kernel waits for workers that are still starting (ms). */
const START_WAIT_MS = 10_000;

/**
 * What the pool's split kernels cost the calling thread, summed since the pool started: how two
 * threads share the work on this machine, measured from inside rather than by a timer around it.
 */
export interface ThreadStats {
  /** Kernels split across the threads. */
  runs: number;
  /** Jobs the calling thread ran itself because no worker had started them when its own share was done. */
  takenOver: number;
  /** Milliseconds the calling thread spent on its own share (the first part of each split). */
  ownMs: number;
  /** Milliseconds it then spent on jobs it took over and waiting for the workers to finish. */
  waitMs: number;
}

/** Workers that run kernel jobs on a shared WebAssembly memory. */
export class ThreadPool {
  /** What the split kernels cost the calling thread so far. */
  readonly stats: ThreadStats = { runs: 0, takenOver: 0, ownMs: 0, waitMs: 0 };
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS));
  private readonly workers: AnyWorker[] = [];
  private destroyed = false;
  private broken = false;

  /**
   * Starts `size` workers (the calling thread is one more) on `module` over the shared `memory`;
   * `exports` is the module's instance on the calling thread (it runs jobs no worker started);
   * idle threads poll for `spinMs` before sleeping.
   */
  constructor(
    readonly size: number,
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    private readonly exports: Record<string, unknown>,
    start: WorkerFactory,
    private readonly spinMs = DEFAULT_SPIN_MS,
  ) {
    if (size < 1 || size > SLOT) throw new BackendError(`cpu: 1 to ${SLOT} worker threads, got ${size}`);
    Atomics.store(this.control, SPIN_US, Math.round(spinMs * 1000));
    for (let id = 0; id < size; id++) {
      this.workers.push(start({ module, memory, control: this.control.buffer as SharedArrayBuffer, id }));
    }
  }

  /** True when all workers were created (they may still be instantiating). */
  get started(): boolean {
    return this.workers.length === this.size && !this.destroyed && !this.broken;
  }

  /**
   * Resolves true once every worker is instantiated, without blocking the thread (a browser
   * worker's own workers only start while it yields to its event loop); false after `timeoutMs`.
   */
  async whenReady(timeoutMs = START_WAIT_MS): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.started && Atomics.load(this.control, READY) < this.size) {
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return this.started;
  }

  /**
   * Runs `jobs[w]` on worker w (an undefined job leaves it idle) and `own` on the calling thread,
   * and returns when all are done. A job whose worker has not started it by the time `own`
   * returns (a worker woken late because its core is busy) runs on the calling thread instead, so
   * a slow wake-up costs at most the job's own time, never a wait on top of it. The first call
   * blocks until the workers are instantiated. Returns false, running nothing, when they do not
   * start within 10 s (the pool is then marked broken and the caller runs everything itself, now
   * and later).
   */
  run(jobs: readonly (Job | undefined)[], own: () => void): boolean {
    if (!this.started) return false;
    const ctl = this.control;
    const waitReady = Date.now() + START_WAIT_MS;
    for (let ready = Atomics.load(ctl, READY); ready < this.size; ready = Atomics.load(ctl, READY)) {
      if (Date.now() > waitReady) {
        this.broken = true;
        return false;
      }
      Atomics.wait(ctl, READY, ready, 50);
    }
    for (let w = 0; w < this.size; w++) {
      const job = jobs[w];
      const slot = slotOf(w);
      ctl[slot] = job ? JOB_FUNCTIONS.indexOf(job.fn) + 1 : 0;
      if (job) for (let i = 0; i < job.args.length; i++) ctl[slot + 1 + i] = job.args[i];
    }
    Atomics.store(ctl, DONE, 0);
    // Opening the claims publishes the slots: a worker reads its job only after claiming it.
    for (let w = 0; w < this.size; w++) Atomics.store(ctl, claimOf(w), CLAIM_OPEN);
    Atomics.add(ctl, GENERATION, 1);
    Atomics.notify(ctl, GENERATION);
    let failure: unknown;
    const start = performance.now();
    try {
      own();
    } catch (error) {
      failure = error;
    }
    const ownDone = performance.now();
    // Jobs no worker has started run here; the rest are waited for.
    let started = 0;
    for (let w = 0; w < this.size; w++) {
      const job = jobs[w];
      if (!job) continue;
      if (Atomics.compareExchange(ctl, claimOf(w), CLAIM_OPEN, CLAIM_CALLER) !== CLAIM_OPEN) {
        started++;
        continue;
      }
      if (failure) continue;
      this.stats.takenOver++;
      try {
        (this.exports[job.fn] as (...args: number[]) => void)(...job.args);
      } catch (error) {
        failure = error;
      }
    }
    // The workers usually finish about when this thread does: poll for a moment before sleeping.
    pollWhile(() => Atomics.load(ctl, DONE) < started, this.spinMs, CLOCK_EVERY);
    for (let done = Atomics.load(ctl, DONE); done < started; done = Atomics.load(ctl, DONE)) {
      Atomics.wait(ctl, DONE, done);
    }
    this.stats.runs++;
    this.stats.ownMs += ownDone - start;
    this.stats.waitMs += performance.now() - ownDone;
    if (failure) throw failure;
    for (let w = 0; w < this.size; w++) {
      if (jobs[w] && ctl[slotOf(w)] === -1)
        throw new BackendError(`cpu: a worker thread failed running ${jobs[w]?.fn}`);
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
