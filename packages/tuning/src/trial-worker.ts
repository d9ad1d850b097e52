/**
 * The worker-thread side of parallel search: imports the trial module and runs the trials it is
 * sent, one at a time. Messages: in `{ type: 'run', job }` and `{ type: 'decision', id, stop }`;
 * out `{ type: 'start' }`, `{ type: 'report', id, epoch, value }`, `{ type: 'done', metrics | error }`
 * and `{ type: 'uncaught', index, error }` (an exception escaped trial `index`; the worker exits).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { checkedReport, checkMetrics, describeThrown } from './thrown.js';

const mod = await import(workerData.trialModule);
const trial = mod.trial ?? mod.default;
if (typeof trial !== 'function') throw new Error(`search: ${workerData.trialModule} exports no \`trial\` function`);

// Which trial's code is running: timers and promises a trial starts carry its index, so an
// exception escaping later (from a timer left behind after the trial returned) is reported against
// the trial that raised it, not the one running when it fires. The worker then exits, as it would
// on any uncaught exception.
const current = new AsyncLocalStorage<number>();
process.on('uncaughtException', (e) => {
  parentPort?.postMessage({ type: 'uncaught', index: current.getStore(), error: describeThrown(e) });
  process.exit(1);
});

const pending = new Map<number, (stop: boolean) => void>();
let nextId = 0;

parentPort?.on(
  'message',
  async (m: {
    type: string;
    id?: number;
    stop?: boolean;
    job?: { index: number; config: Record<string, unknown>; seed: number };
  }) => {
    if (m.type === 'decision') {
      pending.get(m.id!)?.(Boolean(m.stop));
      pending.delete(m.id!);
      return;
    }
    if (m.type !== 'run' || !m.job) return;
    const job = m.job;
    parentPort?.postMessage({ type: 'start' });
    const controller = new AbortController();
    // Checked here, in the trial's thread, so the trial gets the ValueError (see checkedReport).
    const badReport: { message?: string } = {};
    const report = checkedReport(
      job.index,
      (epoch, value) =>
        new Promise<boolean>((resolve) => {
          const id = nextId++;
          pending.set(id, resolve);
          parentPort?.postMessage({ type: 'report', id, epoch, value });
        }),
      badReport,
    );
    try {
      const returned = await current.run(job.index, () =>
        trial(job.config, { seed: job.seed, index: job.index, signal: controller.signal, report }),
      );
      const out = badReport.message ? { message: badReport.message } : checkMetrics(returned);
      parentPort?.postMessage(
        'metrics' in out ? { type: 'done', metrics: out.metrics } : { type: 'done', error: out.message },
      );
    } catch (e) {
      parentPort?.postMessage({ type: 'done', error: describeThrown(e) });
    }
  },
);
