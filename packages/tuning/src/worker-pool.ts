/** Runs trials in Node worker threads; each worker imports the trial module once and takes trials in turn. */
import { BackendError } from '@backprop/core';
import type { TrialResult } from './results.js';
import type { Config } from './space.js';

interface Job {
  index: number;
  config: Config;
  seed: number;
}

/** Runs `jobs` on `threads` workers, calling `record` as each finishes. */
export async function runInWorkers(
  trialModule: string,
  jobs: readonly Job[],
  threads: number,
  record: (r: TrialResult) => Promise<void>,
): Promise<void> {
  let threadsModule: typeof import('node:worker_threads');
  try {
    threadsModule = await import('node:worker_threads');
  } catch {
    throw new BackendError('search: parallel trials need Node worker threads; use parallel: 1 in browsers');
  }
  const queue = [...jobs];
  const workerUrl = new URL('./trial-worker.js', import.meta.url);
  const runOne = (worker: import('node:worker_threads').Worker, job: Job) =>
    new Promise<TrialResult>((resolve, reject) => {
      const start = performance.now();
      const onMessage = (m: { metrics?: Record<string, number>; error?: string }) => {
        worker.off('error', onError);
        resolve({
          index: job.index,
          config: job.config,
          metrics: m.metrics ?? {},
          error: m.error,
          seconds: (performance.now() - start) / 1000,
        });
      };
      const onError = (e: Error) => {
        worker.off('message', onMessage);
        reject(e);
      };
      worker.once('message', onMessage);
      worker.once('error', onError);
      worker.postMessage(job);
    });
  const lanes = Array.from({ length: Math.min(threads, queue.length) }, async () => {
    const worker = new threadsModule.Worker(workerUrl, { workerData: { trialModule } });
    try {
      for (let job = queue.shift(); job; job = queue.shift()) {
        const result = await runOne(worker, job);
        if (!result.error) delete result.error;
        await record(result);
      }
    } finally {
      await worker.terminate();
    }
  });
  await Promise.all(lanes);
}
