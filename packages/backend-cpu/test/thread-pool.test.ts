/**
 * The thread pool's hand-off: each thread runs its own share of a round's jobs, then the jobs no
 * other thread has started, from the end backwards; a job whose worker has not started it when the
 * calling thread is done with its own share runs on the calling thread (a worker woken late, its
 * core busy, costs no wait), exactly once, and real workers still take theirs.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { BackendError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import {
  CLAIM_CALLER,
  CONTROL_WORDS,
  COUNT,
  claimOf,
  DONE,
  GENERATION,
  JOB_LAYOUT,
  READY,
  ROUND_MASK,
  SHARE,
  takeJobs,
  workerMark,
} from '../src/threads/control.js';
import { type Job, ThreadPool } from '../src/threads/pool.js';
import { loadWorkerFactory, type WorkerFactory } from '../src/threads/workers.js';
import { WASM_SHARED_BASE64 } from '../src/wasm/binary.js';

const module = new WebAssembly.Module(Buffer.from(WASM_SHARED_BASE64, 'base64'));

/** A shared memory with the kernels instantiated on it for this thread. */
function sharedKernels() {
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 65536, shared: true });
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<string, unknown>;
  return { memory, exports };
}

/**
 * Workers that report ready, then sleep for 3 s before looking at the round (a worker whose core
 * is busy): one that finds a job of its share still open takes it and counts it done without
 * computing anything, so a pool that waited for it returns after 3 s with that range unwritten,
 * not never.
 */
const late: WorkerFactory = (init) => {
  const source = `
    const { workerData } = require('node:worker_threads');
    const ctl = new Int32Array(workerData.control);
    Atomics.add(ctl, ${READY}, 1);
    Atomics.notify(ctl, ${READY});
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000);
    const round = Atomics.load(ctl, ${GENERATION});
    const share = Atomics.load(ctl, ${SHARE});
    for (let j = (workerData.id + 1) * share; j < (workerData.id + 2) * share; j++) {
      if (Atomics.compareExchange(ctl, ${claimOf(0)} + j, round, ${workerMark(0)} - workerData.id) === round) {
        Atomics.add(ctl, ${DONE}, 1);
        Atomics.notify(ctl, ${DONE});
      }
    }`;
  const worker = new Worker(source, { eval: true, workerData: init });
  worker.unref();
  return worker;
};

/**
 * A worker that takes the round's second job (its share when there are two) at once, then holds
 * it for 500 ms before counting it done (a long job), so the calling thread polls for it that long.
 */
let slowControl: Int32Array | undefined;
const slow: WorkerFactory = (init) => {
  slowControl = new Int32Array(init.control);
  const source = `
    const { workerData } = require('node:worker_threads');
    const ctl = new Int32Array(workerData.control);
    Atomics.add(ctl, ${READY}, 1);
    Atomics.notify(ctl, ${READY});
    const generation = Atomics.load(ctl, ${GENERATION});
    while (Atomics.load(ctl, ${GENERATION}) === generation) Atomics.wait(ctl, ${GENERATION}, generation, 50);
    const round = Atomics.load(ctl, ${GENERATION});
    Atomics.compareExchange(ctl, ${claimOf(1)}, round, ${workerMark(0)});
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    Atomics.add(ctl, ${DONE}, 1);
    Atomics.notify(ctl, ${DONE});`;
  const worker = new Worker(source, { eval: true, workerData: init });
  worker.unref();
  return worker;
};

/** `binary` (op 0, add) jobs over [i0, i1) of x + y → z, one per range. */
function addJobs(x: number, y: number, z: number, ranges: [number, number][]): Job[] {
  return ranges.map(([i0, i1]) => ({ fn: 'binary', args: [0, x + 4 * i0, y + 4 * i0, z + 4 * i0, i1 - i0, 0] }));
}

/** The pool's control block (private), to look at the claim words after a round. */
const controlOf = (pool: ThreadPool): Int32Array => (pool as unknown as { control: Int32Array }).control;

describe('takeJobs', () => {
  /** A control block with `count` jobs open at round 5 in shares of `share`. */
  function openRound(count: number, share: number): Int32Array {
    const ctl = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS));
    ctl.fill(CLAIM_CALLER, claimOf(0));
    ctl[COUNT] = count;
    ctl[SHARE] = share;
    for (let j = 0; j < count; j++) ctl[claimOf(j)] = 5;
    return ctl;
  }
  const jobOf = (slot: number) => (slot - JOB_LAYOUT.slots) / JOB_LAYOUT.slot;

  it('runs its own share forwards, then the others backwards, each job once; counts the others', () => {
    const ctl = openRound(8, 3);
    const order: number[] = [];
    // Rank 1 (worker 0) owns jobs 3, 4, 5; the calling thread already took 0 and 7.
    ctl[claimOf(0)] = CLAIM_CALLER;
    ctl[claimOf(7)] = CLAIM_CALLER;
    ctl[DONE] = 2;
    expect(takeJobs(ctl, JOB_LAYOUT, 5, 1, workerMark(0), (slot) => order.push(jobOf(slot)))).toBe(3);
    expect(order).toEqual([3, 4, 5, 6, 2, 1]);
    expect(ctl[DONE]).toBe(8);
    expect([...Array(8).keys()].map((j) => ctl[claimOf(j)])).toEqual([-1, -2, -2, -2, -2, -2, -2, -1]);
    // Nothing is left: a second pass, or a thread of another rank, runs nothing.
    expect(takeJobs(ctl, JOB_LAYOUT, 5, 0, CLAIM_CALLER, () => expect.fail('ran a taken job'))).toBe(0);
  });

  it('a thread whose share is past the last job helps from the end; the last share may be short', () => {
    const ctl = openRound(5, 2);
    const order: number[] = [];
    expect(takeJobs(ctl, JOB_LAYOUT, 5, 3, workerMark(2), (slot) => order.push(jobOf(slot)))).toBe(5);
    expect(order).toEqual([4, 3, 2, 1, 0]);
    const short = openRound(5, 2);
    order.length = 0;
    takeJobs(short, JOB_LAYOUT, 5, 2, workerMark(1), (slot) => order.push(jobOf(slot)));
    expect(order).toEqual([4, 3, 2, 1, 0]);
  });

  it('a thread still looking for an earlier round takes nothing, even past the current count', () => {
    const ctl = openRound(4, 2);
    // Round 4's jobs (and the claim words round 5 leaves unused) hold marks, never 4.
    expect(takeJobs(ctl, JOB_LAYOUT, 4, 1, workerMark(0), () => expect.fail('ran a job of another round'))).toBe(0);
    ctl[COUNT] = 12;
    expect(takeJobs(ctl, JOB_LAYOUT, 4, 1, workerMark(0), () => expect.fail('ran an unopened job'))).toBe(0);
    expect(ctl[DONE]).toBe(0);
  });
});

describe('ThreadPool', () => {
  it('runs the jobs its workers never started on the calling thread, once, and returns without waiting', async () => {
    const { memory, exports } = sharedKernels();
    const pool = new ThreadPool(3, module, memory, exports, late, 0);
    // A new pool's claim words hold marks: no round, 0 included, finds an open job in them.
    expect([...controlOf(pool).subarray(claimOf(0), claimOf(0) + 64)].every((c) => c === CLAIM_CALLER)).toBe(true);
    // Worker start-up stays outside the time below: it bounds the round only (the late workers look after 3 s).
    expect(await pool.whenReady()).toBe(true);
    const n = 8000;
    const [x, y, z] = [65536, 65536 + 4 * n, 65536 + 8 * n];
    const f = new Float32Array(memory.buffer);
    for (let i = 0; i < n; i++) {
      f[x / 4 + i] = i;
      f[y / 4 + i] = 2 * i;
      f[z / 4 + i] = -1;
    }
    const jobs = addJobs(
      x,
      y,
      z,
      Array.from({ length: 8 }, (_, j): [number, number] => [1000 * j, 1000 * (j + 1)]),
    );
    const t0 = performance.now();
    expect(pool.run(jobs)).toBe(true);
    expect(performance.now() - t0).toBeLessThan(2000);
    for (let i = 0; i < n; i++) expect(f[z / 4 + i]).toBe(3 * i);
    // Shares of two: this thread ran its own, then the workers' from the end.
    const ctl = controlOf(pool);
    expect([...Array(8).keys()].map((j) => ctl[claimOf(j)])).toEqual(Array(8).fill(CLAIM_CALLER));
    expect(ctl[DONE]).toBe(8);
    // The statistics count the round, its eight jobs and the six of the workers' shares this thread ran.
    expect(pool.stats).toMatchObject({ runs: 1, jobs: 8, takenOver: 6 });
    expect(pool.stats.ownMs).toBeGreaterThanOrEqual(0);
    expect(pool.stats.waitMs).toBeGreaterThanOrEqual(0);
    pool.destroy();
  });

  it('polls for a long job without filling the young generation (no garbage per check of the control block)', async () => {
    const { memory, exports } = sharedKernels();
    // This thread's own job ends once the worker holds its job, so the pool then polls for it.
    const taken = () => Atomics.load(slowControl as Int32Array, claimOf(1)) === workerMark(0);
    const waiting = {
      ...exports,
      binary: () => {
        while (!taken()) {}
      },
    };
    // Polling up to 1 s: the whole 500 ms job is waited for by polling, not in Atomics.wait.
    const pool = new ThreadPool(1, module, memory, waiting, slow, 1000);
    expect(await pool.whenReady()).toBe(true);
    const collections: string[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) collections.push(entry.name);
    });
    observer.observe({ entryTypes: ['gc'] });
    const start = performance.now();
    const job = { fn: 'binary', args: [0, 65536, 65536, 65536, 0, 0] } as const;
    expect(pool.run([job, job])).toBe(true);
    const waited = performance.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 50)); // gc entries arrive asynchronously
    observer.disconnect();
    pool.destroy();
    expect(waited).toBeGreaterThanOrEqual(450);
    expect(pool.stats).toMatchObject({ runs: 1, jobs: 2, takenOver: 0 });
    // Reading the clock on every check allocated hundreds of MB a second (tens of collections here).
    expect(collections.length).toBeLessThanOrEqual(2);
  });

  it('rethrows a failing job run on the calling thread after the round', () => {
    const { memory, exports } = sharedKernels();
    const failing = {
      ...exports,
      binary: () => {
        throw new Error('boom');
      },
    };
    const pool = new ThreadPool(1, module, memory, failing, late, 0);
    expect(() => pool.run([{ fn: 'binary', args: [] }])).toThrow('boom');
    pool.destroy();
  });

  it('reports a job that failed on a worker with a typed error, and runs the next round', async () => {
    const factory = await loadWorkerFactory();
    expect(factory).toBeDefined();
    const { memory, exports } = sharedKernels();
    let ctl: Int32Array<ArrayBufferLike> = new Int32Array(1);
    const realBinary = exports.binary as (...a: number[]) => void;
    // This thread's own job waits until the worker holds its job, so the worker runs the bad one.
    const caller = {
      ...exports,
      binary: (...a: number[]) => {
        while (Atomics.load(ctl, claimOf(1)) >= 0) {}
        realBinary(...a);
      },
    };
    const pool = new ThreadPool(1, module, memory, caller, factory as WorkerFactory, 0);
    ctl = controlOf(pool);
    expect(await pool.whenReady()).toBe(true);
    const n = 64;
    // Room for 2n elements each: the last round adds over [0, 2n).
    const [x, y, z] = [65536, 65536 + 8 * n, 65536 + 16 * n];
    const [good] = addJobs(x, y, z, [[0, n]]);
    // Pointers past the end of the memory: the worker's kernel traps.
    const bad = { fn: 'binary', args: [0, 0x7fff0000, 0x7fff0000, 0x7fff0000, n, 0] } as const;
    expect(() => pool.run([good, bad])).toThrow(BackendError);
    expect(() => pool.run([good, bad])).toThrow('cpu: a worker thread failed running binary');
    expect(ctl[claimOf(1)]).toBe(workerMark(0));
    // The pool is not left half-done: the next round runs both jobs.
    const f = new Float32Array(memory.buffer);
    for (let i = 0; i < 2 * n; i++) {
      f[x / 4 + i] = i;
      f[y / 4 + i] = 1;
      f[z / 4 + i] = Number.NaN;
    }
    const [first, second] = addJobs(x, y, z, [
      [0, n],
      [n, 2 * n],
    ]);
    expect(pool.run([first, second])).toBe(true);
    for (let i = 0; i < 2 * n; i++) expect(f[z / 4 + i]).toBe(i + 1);
    pool.destroy();
  });

  it('refuses more jobs than a round holds', () => {
    const { memory, exports } = sharedKernels();
    const pool = new ThreadPool(1, module, memory, exports, late, 0);
    const job = { fn: 'binary', args: [] } as const;
    expect(() => pool.run(Array(65).fill(job))).toThrow('at most 64 jobs per round, got 65');
    pool.destroy();
  });

  it('real workers take the jobs they reach first; every range is computed exactly once, across the round wrap', async () => {
    const factory = await loadWorkerFactory();
    expect(factory).toBeDefined();
    const { memory, exports } = sharedKernels();
    const n = 1 << 16;
    const [x, y, z] = [65536, 65536 + 4 * n, 65536 + 8 * n];
    let ctl: Int32Array<ArrayBufferLike> = new Int32Array(1);
    let round = 0;
    const realBinary = exports.binary as (...a: number[]) => void;
    // Every fourth round this thread waits (up to 2 s) for the worker to claim its share before
    // running its own, so the worker's path runs however slowly the machine wakes a thread; in the
    // other rounds it runs its own job at once, then the worker's if the worker has not started it.
    const caller = {
      ...exports,
      binary: (...a: number[]) => {
        if (round % 4 === 1 && a[1] === x) {
          const until = performance.now() + 2000;
          while (Atomics.load(ctl, claimOf(1)) >= 0 && performance.now() < until);
        }
        realBinary(...a);
      },
    };
    const pool = new ThreadPool(1, module, memory, caller, factory as WorkerFactory, 0);
    ctl = controlOf(pool);
    expect(await pool.whenReady()).toBe(true);
    // Rounds count up to ROUND_MASK and wrap to 0: start just before the wrap.
    Atomics.store(ctl, GENERATION, ROUND_MASK - 100);
    Atomics.notify(ctl, GENERATION);
    const f = new Float32Array(memory.buffer);
    const jobs = addJobs(x, y, z, [
      [0, n / 2],
      [n / 2, n],
    ]);
    let workerRuns = 0;
    let workerShareRuns = 0;
    for (; round < 200; round++) {
      for (let i = 0; i < n; i++) {
        f[x / 4 + i] = i + round;
        f[y / 4 + i] = 1;
        f[z / 4 + i] = Number.NaN;
      }
      expect(pool.run(jobs)).toBe(true);
      const marks = [ctl[claimOf(0)], ctl[claimOf(1)]];
      expect(marks.every((m) => m === CLAIM_CALLER || m === workerMark(0))).toBe(true);
      workerRuns += marks.filter((m) => m === workerMark(0)).length;
      if (marks[1] === workerMark(0)) workerShareRuns++;
      for (let i = 0; i < n; i++) if (f[z / 4 + i] !== i + round + 1) expect.fail(`round ${round}, index ${i}`);
    }
    // The rounds wrapped: 200 rounds from ROUND_MASK − 100.
    expect(ctl[GENERATION]).toBe(99);
    // The worker's path ran (at least in the rounds that waited for it).
    expect(workerRuns).toBeGreaterThanOrEqual(50);
    // Every round counted; the worker's jobs it did not start were run by this thread.
    expect(pool.stats).toMatchObject({ runs: 200, jobs: 400, takenOver: 200 - workerShareRuns });
    pool.destroy();
  });
});
