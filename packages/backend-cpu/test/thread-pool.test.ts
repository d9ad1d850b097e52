/**
 * The thread pool's hand-off: a job whose worker has not started it when the calling thread is
 * done with its own share runs on the calling thread (a worker woken late, its core busy, costs no
 * wait), exactly once, and real workers still take theirs.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { CLAIM_CALLER, CLAIM_OPEN, CLAIM_WORKER, claimOf, DONE, READY } from '../src/threads/control.js';
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
 * Workers that report ready, then sleep for 3 s before looking at their job (a worker whose core
 * is busy): one that finds its job still open takes it and counts itself done without computing
 * anything, so a pool that waited for it returns after 3 s with that range unwritten, not never.
 */
const late: WorkerFactory = (init) => {
  const source = `
    const { workerData } = require('node:worker_threads');
    const ctl = new Int32Array(workerData.control);
    Atomics.add(ctl, ${READY}, 1);
    Atomics.notify(ctl, ${READY});
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000);
    if (Atomics.compareExchange(ctl, ${claimOf(0)} + workerData.id, ${CLAIM_OPEN}, ${CLAIM_WORKER}) === ${CLAIM_OPEN}) {
      Atomics.add(ctl, ${DONE}, 1);
      Atomics.notify(ctl, ${DONE});
    }`;
  const worker = new Worker(source, { eval: true, workerData: init });
  worker.unref();
  return worker;
};

/**
 * A worker that takes its job at once, then holds it for 500 ms before counting itself done (a
 * long job), so the calling thread polls for it that long.
 */
let slowControl: Int32Array | undefined;
const slow: WorkerFactory = (init) => {
  slowControl = new Int32Array(init.control);
  const source = `
    const { workerData } = require('node:worker_threads');
    const ctl = new Int32Array(workerData.control);
    Atomics.add(ctl, ${READY}, 1);
    Atomics.notify(ctl, ${READY});
    const generation = Atomics.load(ctl, 0);
    while (Atomics.load(ctl, 0) === generation) Atomics.wait(ctl, 0, generation, 50);
    Atomics.compareExchange(ctl, ${claimOf(0)} + workerData.id, ${CLAIM_OPEN}, ${CLAIM_WORKER});
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

describe('ThreadPool', () => {
  it('runs a job its worker never started on the calling thread, once, and returns without waiting', async () => {
    const { memory, exports } = sharedKernels();
    const pool = new ThreadPool(3, module, memory, exports, late, 0);
    // Worker start-up stays outside the time below: it bounds the round only (the late workers look after 3 s).
    expect(await pool.whenReady()).toBe(true);
    const n = 4000;
    const [x, y, z] = [65536, 65536 + 4 * n, 65536 + 8 * n];
    const f = new Float32Array(memory.buffer);
    for (let i = 0; i < n; i++) {
      f[x / 4 + i] = i;
      f[y / 4 + i] = 2 * i;
      f[z / 4 + i] = -1;
    }
    const [own, ...rest] = addJobs(x, y, z, [
      [0, 1000],
      [1000, 2000],
      [2000, 3000],
      [3000, 4000],
    ]);
    const t0 = performance.now();
    const ran = pool.run([rest[0], undefined, rest[2]], () =>
      (exports.binary as (...a: number[]) => void)(...own.args),
    );
    expect(ran).toBe(true);
    expect(performance.now() - t0).toBeLessThan(2000);
    // Ranges 0, 1 and 3 computed; range 2 had no job.
    for (let i = 0; i < n; i++) expect(f[z / 4 + i]).toBe(i >= 2000 && i < 3000 ? -1 : 3 * i);
    const ctl = new Int32Array((pool as unknown as { control: Int32Array }).control.buffer);
    expect([claimOf(0), claimOf(1), claimOf(2)].map((k) => ctl[k])).toEqual([CLAIM_CALLER, CLAIM_OPEN, CLAIM_CALLER]);
    expect(ctl[DONE]).toBe(0);
    // The statistics count the round and the two jobs taken over.
    expect(pool.stats).toMatchObject({ runs: 1, takenOver: 2 });
    expect(pool.stats.ownMs).toBeGreaterThanOrEqual(0);
    expect(pool.stats.waitMs).toBeGreaterThanOrEqual(0);
    pool.destroy();
  });

  it('polls for a long job without filling the young generation (no garbage per check of the control block)', async () => {
    const { memory, exports } = sharedKernels();
    // Polling up to 1 s: the whole 500 ms job is waited for by polling, not in Atomics.wait.
    const pool = new ThreadPool(1, module, memory, exports, slow, 1000);
    expect(await pool.whenReady()).toBe(true);
    const collections: string[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) collections.push(entry.name);
    });
    observer.observe({ entryTypes: ['gc'] });
    const start = performance.now();
    // This thread's own share ends once the worker holds its job, so the pool polls for it.
    const taken = () => Atomics.load(slowControl as Int32Array, claimOf(0)) === CLAIM_WORKER;
    expect(
      pool.run([{ fn: 'binary', args: [0, 65536, 65536, 65536, 0, 0] }], () => {
        while (!taken()) {}
      }),
    ).toBe(true);
    const waited = performance.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 50)); // gc entries arrive asynchronously
    observer.disconnect();
    pool.destroy();
    expect(waited).toBeGreaterThanOrEqual(450);
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
    expect(() => pool.run([{ fn: 'binary', args: [] }], () => undefined)).toThrow('boom');
    pool.destroy();
  });

  it('real workers take the jobs they reach first; every range is computed exactly once', async () => {
    const factory = await loadWorkerFactory();
    expect(factory).toBeDefined();
    const { memory, exports } = sharedKernels();
    const pool = new ThreadPool(1, module, memory, exports, factory as WorkerFactory, 0);
    expect(await pool.whenReady()).toBe(true);
    const n = 1 << 16;
    const [x, y, z] = [65536, 65536 + 4 * n, 65536 + 8 * n];
    const f = new Float32Array(memory.buffer);
    const ctl = new Int32Array((pool as unknown as { control: Int32Array }).control.buffer);
    const [own, other] = addJobs(x, y, z, [
      [0, n / 2],
      [n / 2, n],
    ]);
    const runOwn = () => (exports.binary as (...a: number[]) => void)(...own.args);
    // Every fourth round this thread's share is empty, so it usually reaches the worker's job
    // first; every fourth it waits (up to 2 s) for the worker to claim its job before its own
    // share, so the worker's path runs however slowly the machine wakes a thread.
    const waitForWorker = () => {
      const until = performance.now() + 2000;
      while (Atomics.load(ctl, claimOf(0)) === CLAIM_OPEN && performance.now() < until);
      runOwn();
    };
    let workerRuns = 0;
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < n; i++) {
        f[x / 4 + i] = i + round;
        f[y / 4 + i] = 1;
        f[z / 4 + i] = Number.NaN;
      }
      const mine = round % 4 === 0 ? () => undefined : round % 4 === 1 ? waitForWorker : runOwn;
      expect(pool.run([other], mine)).toBe(true);
      if (ctl[claimOf(0)] === CLAIM_WORKER) workerRuns++;
      for (let i = n / 2; i < n; i++) if (f[z / 4 + i] !== i + round + 1) expect.fail(`round ${round}, index ${i}`);
    }
    // The worker's path ran (at least in the rounds that waited for it).
    expect(workerRuns).toBeGreaterThanOrEqual(50);
    // Every round counted; the jobs no worker ran were taken over by this thread.
    expect(pool.stats.runs).toBe(200);
    expect(pool.stats.takenOver).toBe(200 - workerRuns);
    pool.destroy();
  });
});
