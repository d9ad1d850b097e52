/**
 * The worker-thread side of parallel search: imports the trial module and runs the trials it is
 * sent, one at a time. Messages: in `{ type: 'run', job }` and `{ type: 'decision', id, stop }`;
 * out `{ type: 'start' }`, `{ type: 'report', id, epoch, value }` and `{ type: 'done', metrics | error }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkMetrics, describeThrown } from './thrown.js';

const mod = await import(workerData.trialModule);
const trial = mod.trial ?? mod.default;
if (typeof trial !== 'function') throw new Error(`search: ${workerData.trialModule} exports no \`trial\` function`);

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
    const report = (epoch: number, value: number) =>
      new Promise<boolean>((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        parentPort?.postMessage({ type: 'report', id, epoch, value });
      });
    try {
      const out = checkMetrics(
        await trial(job.config, { seed: job.seed, index: job.index, signal: controller.signal, report }),
      );
      parentPort?.postMessage(
        'metrics' in out ? { type: 'done', metrics: out.metrics } : { type: 'done', error: out.message },
      );
    } catch (e) {
      parentPort?.postMessage({ type: 'done', error: describeThrown(e) });
    }
  },
);
