/**
 * A lazy pool of kernel workers sharing the SIMD module's memory, driven synchronously: the
 * calling thread posts a round of jobs in a shared control block and wakes the workers; every
 * thread, the calling one included, then takes the next job nobody has taken until none is left,
 * and the calling thread waits (polling, then in Atomics.wait) until all are done. Blocking is
 * allowed in Node's main thread and in workers, not on a browser page's main thread (there the
 * pool is never made).
 */
import { BackendError } from '@backprop/core';
import {
  CLAIM_CALLER,
  CLOCK_EVERY,
  CONTROL_WORDS,
  COUNT,
  claimOf,
  DONE,
  EXIT,
  GENERATION,
  JOB_FUNCTIONS,
  JOB_LAYOUT,
  type JobFunction,
  MAX_JOBS,
  MAX_WORKERS,
  pollWhile,
  READY,
  ROUND_MASK,
  SHARE,
  SPIN_US,
  slotOf,
  takeJobs,
} from './control.js';
import type { AnyWorker, WorkerFactory } from './workers.js';

/** One job: an export of the module and its i32 arguments (any thread may run it). */
export interface Job {
  readonly fn: JobFunction;
  readonly args: readonly number[];
}

/**
 * How long idle threads poll for the next job (workers) or for the workers to finish (the calling
 * thread) before sleeping in Atomics.wait, by default (ms). Waking a sleeping thread costs 80–100
 * µs on a 2-core VM, and a training step splits about seven kernels with short gaps between them:
 * polling bridges those gaps (the 2-thread MLP step took 7.60 ms polling 0.2 ms against 8.19
 * sleeping at once; 0.1 ms gave 7.94, 0.5 ms 7.61, medians of 11 interleaved rounds). 1 ms also
 * bridges most gaps between steps, where a worker asleep missed the step's first product: 5.99
 * against 6.16 ms (21 rounds) and 6.38 against 6.48 (31 rounds, the other order), faster in 33
 * of 52 paired rounds. Like OpenMP's and ONNX Runtime's default spinning, it is bounded: a
 * thread given no work sleeps after 1 ms.
 */
export const DEFAULT_SPIN_MS = 1;

/** How long the first threaded kernel waits for workers that are still starting (ms). */
const START_WAIT_MS = 10_000;

/**
 * What the pool's split kernels cost the calling thread, summed since the pool started: how two
 * threads share the work on this machine, measured from inside rather than by a timer around it.
 */
export interface ThreadStats {
  /** Kernels split across the threads (rounds of jobs). */
  runs: number;
  /** Jobs in those rounds. */
  jobs: number;
  /** Jobs of the workers' shares the calling thread ran itself, because no worker had started them when its own share was done. */
  takenOver: number;
  /** Milliseconds the calling thread spent running jobs (its own share and those it took over). */
  ownMs: number;
  /** Milliseconds it then spent waiting for the workers to finish theirs. */
  waitMs: number;
}

/** Workers that run kernel jobs on a shared WebAssembly memory. */
export class ThreadPool {
  /** What the split kernels cost the calling thread so far. */
  readonly stats: ThreadStats = { runs: 0, jobs: 0, takenOver: 0, ownMs: 0, waitMs: 0 };
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
    if (size < 1 || size > MAX_WORKERS) throw new BackendError(`cpu: 1 to ${MAX_WORKERS} worker threads, got ${size}`);
    Atomics.store(this.control, SPIN_US, Math.round(spinMs * 1000));
    // Every claim word starts taken: a claim word holds a mark or the current round, never a
    // round a worker that woke late could still be looking for (0 included).
    this.control.fill(CLAIM_CALLER, claimOf(0), claimOf(MAX_JOBS));
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
   * Runs `jobs` (at most {@link MAX_JOBS}) across the calling thread and the workers, and returns
   * when all are done. The jobs are dealt in consecutive shares, the first to the calling thread,
   * the next to worker 0, and so on; each job runs once, on its owner or on a thread that finished
   * its own share before the owner reached it. A worker woken late because its core is busy takes
   * what is left of its share when it arrives, or nothing, so a slow wake-up costs at most the
   * jobs' own time on this thread, never a wait on top of it. Cut a kernel into a few jobs per
   * thread, so that a thread that starts late still shares the work. The first call blocks until
   * the workers are instantiated. Returns false, running nothing, when they do
   * not start within 10 s (the pool is then marked broken and the caller runs everything itself,
   * now and later).
   */
  run(jobs: readonly Job[]): boolean {
    if (!this.started) return false;
    if (jobs.length > MAX_JOBS) throw new BackendError(`cpu: at most ${MAX_JOBS} jobs per round, got ${jobs.length}`);
    const ctl = this.control;
    const waitReady = Date.now() + START_WAIT_MS;
    for (let ready = Atomics.load(ctl, READY); ready < this.size; ready = Atomics.load(ctl, READY)) {
      if (Date.now() > waitReady) {
        this.broken = true;
        return false;
      }
      Atomics.wait(ctl, READY, ready, 50);
    }
    const count = jobs.length;
    for (let j = 0; j < count; j++) {
      const { fn, args } = jobs[j];
      const slot = slotOf(j);
      ctl[slot] = JOB_FUNCTIONS.indexOf(fn) + 1;
      for (let i = 0; i < args.length; i++) ctl[slot + 1 + i] = args[i];
    }
    Atomics.store(ctl, COUNT, count);
    Atomics.store(ctl, SHARE, Math.ceil(count / (this.size + 1)));
    Atomics.store(ctl, DONE, 0);
    // Opening the claims publishes the slots: a thread reads a job only after claiming it.
    const round = (Atomics.load(ctl, GENERATION) + 1) & ROUND_MASK;
    for (let j = 0; j < count; j++) Atomics.store(ctl, claimOf(j), round);
    Atomics.store(ctl, GENERATION, round);
    Atomics.notify(ctl, GENERATION);
    let failure: unknown;
    const start = performance.now();
    const helped = takeJobs(ctl, JOB_LAYOUT, round, 0, CLAIM_CALLER, (slot) => {
      if (failure) return;
      const job = jobs[(slot - slotOf(0)) / JOB_LAYOUT.slot];
      try {
        (this.exports[job.fn] as (...args: number[]) => void)(...job.args);
      } catch (error) {
        failure = error;
      }
    });
    const ownDone = performance.now();
    // Every job is taken now; the workers usually finish theirs about when this thread does.
    pollWhile(() => Atomics.load(ctl, DONE) < count, this.spinMs, CLOCK_EVERY);
    for (let done = Atomics.load(ctl, DONE); done < count; done = Atomics.load(ctl, DONE)) {
      Atomics.wait(ctl, DONE, done);
    }
    this.stats.runs++;
    this.stats.jobs += count;
    this.stats.takenOver += helped;
    this.stats.ownMs += ownDone - start;
    this.stats.waitMs += performance.now() - ownDone;
    if (failure) throw failure;
    for (let j = 0; j < count; j++) {
      if (ctl[slotOf(j)] === -1) throw new BackendError(`cpu: a worker thread failed running ${jobs[j].fn}`);
    }
    return true;
  }

  /** Stops the workers; the pool cannot be used afterwards. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    Atomics.store(this.control, EXIT, 1);
    Atomics.store(this.control, GENERATION, (Atomics.load(this.control, GENERATION) + 1) & ROUND_MASK);
    Atomics.notify(this.control, GENERATION);
    for (const worker of this.workers) worker.terminate();
    this.workers.length = 0;
  }
}
