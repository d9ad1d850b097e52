/**
 * Where trials run: in this thread, or in a Node worker thread that imports the trial module once
 * and takes trials in turn. A worker that crashes, exits or runs past the time limit is stopped
 * and replaced by a fresh one for the next trial; the trial gets a typed failure reason.
 */
import { BackendError } from '@backprop/core';
import type { TrialError } from './results.js';
import type { Config } from './space.js';
import { checkMetrics, describeThrown } from './thrown.js';

/** One trial to run. */
export interface Job {
  index: number;
  config: Config;
  seed: number;
}

/** How one run of a trial ended. */
export type Outcome =
  | { kind: 'done'; metrics: Record<string, number>; seconds: number }
  | { kind: 'failed'; error: TrialError; seconds: number }
  | { kind: 'cancelled'; seconds: number };

/** What the runner gives an executor for one run. */
export interface RunHooks {
  /** The pruner's decision for an intermediate value: true stops the trial. */
  report(epoch: number, value: number): boolean | Promise<boolean>;
  /** Time limit of the trial, in milliseconds. */
  timeoutMs?: number;
  /** Aborted when the search is cancelled. */
  signal?: AbortSignal;
}

/** Runs trials one at a time. */
export interface Executor {
  run(job: Job, hooks: RunHooks): Promise<Outcome>;
  close(): Promise<void>;
}

/** What a trial gets besides its configuration (see `TrialContext` in search.ts). */
interface Context {
  seed: number;
  index: number;
  signal: AbortSignal;
  report(epoch: number, value: number): Promise<boolean>;
}

/** Runs trials in this thread. A trial past its time limit is abandoned (its `signal` aborts), not killed. */
export function inThreadExecutor(
  trial: (config: Config, context: Context) => Promise<Record<string, number>>,
): Executor {
  return {
    run(job, hooks) {
      return new Promise<Outcome>((resolve) => {
        const start = performance.now();
        const seconds = () => (performance.now() - start) / 1000;
        const controller = new AbortController();
        let timer: ReturnType<typeof setTimeout> | undefined;
        let settled = false;
        const settle = (o: Outcome) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          hooks.signal?.removeEventListener('abort', onAbort);
          if (o.kind !== 'done' && !controller.signal.aborted) controller.abort(new Error(`trial ${o.kind}`));
          resolve(o);
        };
        const onAbort = () => settle({ kind: 'cancelled', seconds: seconds() });
        if (hooks.signal?.aborted) return onAbort();
        hooks.signal?.addEventListener('abort', onAbort, { once: true });
        if (hooks.timeoutMs !== undefined) {
          timer = setTimeout(
            () =>
              settle({
                kind: 'failed',
                error: {
                  kind: 'timeout',
                  message: `ran past trialTimeoutMs = ${hooks.timeoutMs} ms; abandoned (a trial in this thread cannot be killed: give trialModule to run it in a worker)`,
                },
                seconds: seconds(),
              }),
            hooks.timeoutMs,
          );
        }
        const context: Context = {
          seed: job.seed,
          index: job.index,
          signal: controller.signal,
          report: async (epoch, value) => hooks.report(epoch, value),
        };
        Promise.resolve()
          .then(() => trial(job.config, context))
          .then(
            (m) => {
              const out = checkMetrics(m);
              settle(
                'metrics' in out
                  ? { kind: 'done', metrics: out.metrics, seconds: seconds() }
                  : { kind: 'failed', error: { kind: 'threw', message: out.message }, seconds: seconds() },
              );
            },
            (e) => settle({ kind: 'failed', error: { kind: 'threw', message: describeThrown(e) }, seconds: seconds() }),
          );
      });
    },
    close: async () => {},
  };
}

type WorkerClass = typeof import('node:worker_threads').Worker;
type WorkerInstance = import('node:worker_threads').Worker;

/** Makes executors that run trials in worker threads importing `trialModule`. */
export async function workerExecutors(trialModule: string): Promise<() => Executor> {
  let Worker: WorkerClass;
  try {
    ({ Worker } = await import('node:worker_threads'));
  } catch {
    throw new BackendError('search: parallel trials need Node worker threads; use parallel: 1 in browsers');
  }
  const url = new URL('./trial-worker.js', import.meta.url);
  return () => new WorkerExecutor(Worker, url, trialModule);
}

interface WorkerMessage {
  type: 'start' | 'report' | 'done';
  id?: number;
  epoch?: number;
  value?: number;
  metrics?: Record<string, number>;
  error?: string;
}

class WorkerExecutor implements Executor {
  private worker?: WorkerInstance;

  constructor(
    private readonly Worker: WorkerClass,
    private readonly url: URL,
    private readonly trialModule: string,
  ) {}

  run(job: Job, hooks: RunHooks): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      if (hooks.signal?.aborted) return resolve({ kind: 'cancelled', seconds: 0 });
      this.worker ??= new this.Worker(this.url, { workerData: { trialModule: this.trialModule } });
      const worker = this.worker;
      let start = performance.now();
      const seconds = () => (performance.now() - start) / 1000;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let settled = false;
      const settle = (o: Outcome, kill: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        hooks.signal?.removeEventListener('abort', onAbort);
        if (kill) {
          if (this.worker === worker) this.worker = undefined;
          // An 'error' listener stays so a late error of the dying worker is not unhandled.
          worker.on('error', () => {});
          void worker.terminate();
        }
        resolve(o);
      };
      const arm = () => {
        if (hooks.timeoutMs === undefined) return;
        clearTimeout(timer);
        timer = setTimeout(
          () =>
            settle(
              {
                kind: 'failed',
                error: {
                  kind: 'timeout',
                  message: `ran past trialTimeoutMs = ${hooks.timeoutMs} ms; its worker was stopped`,
                },
                seconds: seconds(),
              },
              true,
            ),
          hooks.timeoutMs,
        );
      };
      const onMessage = (m: WorkerMessage) => {
        if (m.type === 'start') {
          start = performance.now();
          arm();
        } else if (m.type === 'report') {
          Promise.resolve()
            .then(() => hooks.report(Number(m.epoch), Number(m.value)))
            .then(
              (stop) => !settled && worker.postMessage({ type: 'decision', id: m.id, stop }),
              // A pruner that cannot decide (a database gone for a moment) lets the trial go on.
              () => !settled && worker.postMessage({ type: 'decision', id: m.id, stop: false }),
            );
        } else if (m.type === 'done') {
          settle(
            m.error !== undefined
              ? { kind: 'failed', error: { kind: 'threw', message: m.error }, seconds: seconds() }
              : { kind: 'done', metrics: m.metrics ?? {}, seconds: seconds() },
            false,
          );
        }
      };
      const onError = (e: unknown) =>
        settle({ kind: 'failed', error: { kind: 'uncaught', message: describeThrown(e) }, seconds: seconds() }, true);
      const onExit = (code: number) =>
        settle(
          {
            kind: 'failed',
            error: { kind: 'worker-exit', message: `its worker thread exited with code ${code} during the trial` },
            seconds: seconds(),
          },
          true,
        );
      const onAbort = () => settle({ kind: 'cancelled', seconds: seconds() }, true);
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      hooks.signal?.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ type: 'run', job });
      // Bounds the module loading too: the limit restarts when the worker says the trial started.
      arm();
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }
}
