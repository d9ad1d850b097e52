/** The worker-thread side of parallel search: imports the trial module and runs the trials it is sent. */
import { parentPort, workerData } from 'node:worker_threads';

const mod = await import(workerData.trialModule);
const trial = mod.trial ?? mod.default;
if (typeof trial !== 'function') throw new Error(`search: ${workerData.trialModule} exports no \`trial\` function`);

parentPort?.on('message', async (job: { index: number; config: Record<string, unknown>; seed: number }) => {
  try {
    const metrics = await trial(job.config, { seed: job.seed, index: job.index });
    parentPort?.postMessage({ metrics });
  } catch (e) {
    parentPort?.postMessage({ error: (e as Error).message ?? String(e) });
  }
});
