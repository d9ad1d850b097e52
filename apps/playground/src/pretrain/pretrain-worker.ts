/**
 * The pretraining worker: backend-cpu, the digits and the whole experiment (experiment.ts) run
 * here, off the page's thread; the page only draws what this posts. One worker per run: the page
 * terminates it to start again.
 */
import { cpu } from '@backprop/backend-cpu';
import { type ArrayDataset, setBackend } from '@backprop/core';
import { runExperiment } from './experiment.js';
import type { FromPretrainWorker, ToPretrainWorker } from './protocol.js';

const post = (m: FromPretrainWorker, transfer: ArrayBuffer[] = []) =>
  (self as unknown as Worker).postMessage(m, transfer);

/** The 2,000 digits of the training page's asset (784 bytes each, then 2,000 labels), pixels in [0, 1]. */
async function loadDigits(url: string): Promise<ArrayDataset> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load the digits (${response.status} ${url})`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const n = 2000;
  const x = new Float32Array(n * 784);
  for (let i = 0; i < x.length; i++) x[i] = bytes[i] / 255;
  return { x, xShape: [n, 784], y: Int32Array.from(bytes.subarray(n * 784)), yShape: [n] };
}

self.addEventListener('message', async (e: MessageEvent<ToPretrainWorker>) => {
  const m = e.data;
  if (m.type !== 'start') return;
  try {
    post({ type: 'status', text: 'loading digits…' });
    await setBackend(cpu());
    await runExperiment(m.settings, await loadDigits(m.mnistUrl), post);
  } catch (err) {
    console.warn(err);
    post({ type: 'error', message: (err as Error).message });
  }
});
