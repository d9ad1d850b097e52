/**
 * Where trials run: in this thread, or in a Node worker thread that imports the trial module once
 * and takes trials in turn. A worker that crashes, exits or runs past the time limit is stopped
 * and replaced by a fresh one for the next trial; the trial gets a typed failure reason.
 */
import { BackendError, formatValue, ValueError } from '@backprop/core';
import type { TrialError } from './results.js';
import type { Config } from './space.js';
import { checkedReport, checkMetrics, describeThrown } from './thrown.js';

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
        // A malformed report call fails the trial even when the trial catches its ValueError.
        const badReport: { message?: string } = {};
        const context: Context = {
          seed: job.seed,
          index: job.index,
          signal: controller.signal,
          report: checkedReport(job.index, async (epoch, value) => hooks.report(epoch, value), badReport),
        };
        // A trial that never yields keeps the timer from firing: past the limit when it ends, it is a timeout all the same.
        const overran = () => {
          if (hooks.timeoutMs === undefined || performance.now() - start <= hooks.timeoutMs) return false;
          settle({
            kind: 'failed',
            error: {
              kind: 'timeout',
              message: `ran past trialTimeoutMs = ${hooks.timeoutMs} ms (${Math.round(seconds() * 1000)} ms; it never yielded, so it could only be noticed when it ended)`,
            },
            seconds: seconds(),
          });
          return true;
        };
        Promise.resolve()
          .then(() => trial(job.config, context))
          .then(
            (m) => {
              if (overran()) return;
              const out = badReport.message ? { message: badReport.message } : checkMetrics(m);
              settle(
                'metrics' in out
                  ? { kind: 'done', metrics: out.metrics, seconds: seconds() }
                  : { kind: 'failed', error: { kind: 'threw', message: out.message }, seconds: seconds() },
              );
            },
            (e) =>
              overran() ||
              settle({ kind: 'failed', error: { kind: 'threw', message: describeThrown(e) }, seconds: seconds() }),
          );
      });
    },
    close: async () => {},
  };
}

type WorkerClass = typeof import('node:worker_threads').Worker;
type WorkerInstance = import('node:worker_threads').Worker;

/**
 * Called when an exception escapes a trial after that trial ended (e.g. from a timer it left
 * behind): `index` is the trial that raised it. Its worker dies with it and is replaced; the trial
 * running in that worker at the time (another one) is run again in a fresh worker, not blamed.
 */
export type LateErrorHandler = (index: number, error: TrialError) => void;

/**
 * Throws ValueError for a relative path (`./trial.mjs`, `../x/trial.js`): the worker would import it
 * relative to this package's own files, not to your script or the working directory.
 */
export function checkTrialModule(op: string, trialModule: unknown): void {
  if (trialModule instanceof URL) return;
  if (typeof trialModule !== 'string' || trialModule === '')
    throw new ValueError(
      `${op}: trialModule must be an absolute path, a file: URL or a package name, got ${formatValue(trialModule)}`,
    );
  if (/^\.\.?([/\\]|$)/.test(trialModule))
    throw new ValueError(
      `${op}: trialModule "${trialModule}" is a relative path, which the worker would resolve from @backprop/tuning's own folder; pass an absolute path or a URL, e.g. new URL('${trialModule}', import.meta.url)`,
    );
}

/** Makes executors that run trials in worker threads importing `trialModule`. */
export async function workerExecutors(trialModule: string, onLateError?: LateErrorHandler): Promise<() => Executor> {
  let Worker: WorkerClass;
  try {
    ({ Worker } = await import('node:worker_threads'));
  } catch {
    throw new BackendError('search: parallel trials need Node worker threads; use parallel: 1 in browsers');
  }
  const url = new URL('./trial-worker.js', import.meta.url);
  return () => new WorkerExecutor(Worker, url, trialModule, onLateError);
}

interface WorkerMessage {
  type: 'start' | 'report' | 'done' | 'uncaught';
  id?: number;
  /** Of 'uncaught': the trial whose code raised it (undefined when no trial's code did). */
  index?: number;
  epoch?: number;
  value?: number;
  metrics?: Record<string, number>;
  error?: string;
}

class WorkerExecutor implements Executor {
  private worker?: WorkerInstance;
  /** The trial running now (undefined between trials). */
  private running?: number;

  constructor(
    private readonly Worker: WorkerClass,
    private readonly url: URL,
    private readonly trialModule: string,
    private readonly onLateError?: LateErrorHandler,
  ) {}

  /** The worker for the next trial: the current one, or a fresh one when it died or was stopped. */
  private acquire(): WorkerInstance {
    if (this.worker) return this.worker;
    const worker = new this.Worker(this.url, { workerData: { trialModule: this.trialModule } });
    this.worker = worker;
    const forget = () => {
      if (this.worker === worker) this.worker = undefined;
    };
    // Kept for the worker's life, so a worker that dies between trials is never handed a trial,
    // and an error it raises then is not unhandled.
    worker.on('exit', forget);
    worker.on('error', forget);
    worker.on('message', (m: WorkerMessage) => {
      if (m.type !== 'uncaught') return;
      forget(); // the worker exits after sending it
      if (m.index !== undefined && m.index !== this.running)
        this.onLateError?.(m.index, {
          kind: 'uncaught',
          message: `after the trial had returned: ${m.error ?? 'an exception'}`,
        });
    });
    return worker;
  }

  run(job: Job, hooks: RunHooks): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      if (hooks.signal?.aborted) return resolve({ kind: 'cancelled', seconds: 0 });
      let worker = this.acquire();
      this.running = job.index;
      let start = performance.now();
      const seconds = () => (performance.now() - start) / 1000;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let settled = false;
      const detach = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const settle = (o: Outcome, kill: boolean) => {
        if (settled) return;
        settled = true;
        if (this.running === job.index) this.running = undefined;
        clearTimeout(timer);
        detach();
        hooks.signal?.removeEventListener('abort', onAbort);
        if (kill) {
          if (this.worker === worker) this.worker = undefined;
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
        } else if (m.type === 'uncaught') {
          // One from no trial's code (the module's own timers) cannot be placed: the trial running gets it.
          if (m.index === job.index || m.index === undefined) {
            settle({ kind: 'failed', error: { kind: 'uncaught', message: m.error ?? '' }, seconds: seconds() }, true);
          } else {
            // Another trial's late exception killed the worker: this trial
            // did nothing wrong, so it starts again in a fresh worker.
            detach();
            if (this.worker === worker) this.worker = undefined;
            void worker.terminate();
            launch();
          }
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
      const launch = () => {
        worker = this.acquire();
        worker.on('message', onMessage);
        worker.once('error', onError);
        worker.once('exit', onExit);
        start = performance.now();
        worker.postMessage({ type: 'run', job });
        // Bounds the module loading too: the limit restarts when the worker says the trial started.
        arm();
      };
      hooks.signal?.addEventListener('abort', onAbort, { once: true });
      launch();
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }
}
