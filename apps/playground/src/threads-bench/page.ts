/**
 * threads.html: the training page's MNIST MLP trained on backend-cpu with a chosen thread count,
 * each run in a fresh worker; `globalThis.threadsBench.run(request)` resolves with the result
 * (the threads test calls it), and the form runs 1 and N threads side by side.
 */
import type { BenchRequest, BenchResult } from './protocol.js';

/** 16 warm-up epochs of 1,600 digits are 200 steps (the engine's background compilation settles over them). */
const defaults: Omit<BenchRequest, 'threads' | 'mnistUrl'> = {
  hidden: [256, 128],
  batchSize: 128,
  warmupEpochs: 16,
  epochs: 6,
};

/** Trains once on `cpu({ threads })` in a new worker, then terminates it. */
function run(request: Partial<BenchRequest> & { threads: number }): Promise<BenchResult> {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  const full: BenchRequest = {
    ...defaults,
    mnistUrl: new URL('./mnist-2000.bin', document.baseURI).href,
    ...request,
  };
  return new Promise<BenchResult>((resolve) => {
    worker.onmessage = (e: MessageEvent<BenchResult>) => resolve(e.data);
    worker.onerror = (e) => resolve({ ok: false, threads: full.threads, error: e.message || 'worker failed' });
    worker.postMessage(full);
  }).finally(() => worker.terminate());
}

(globalThis as { threadsBench?: unknown }).threadsBench = { run, isolated: globalThis.crossOriginIsolated === true };

const out = document.getElementById('out') as HTMLElement;
const form = document.getElementById('controls') as HTMLFormElement;
out.textContent = `crossOriginIsolated: ${globalThis.crossOriginIsolated === true}; cores: ${navigator.hardwareConcurrency}`;
form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const threads = Number(new FormData(form).get('threads'));
  const button = form.querySelector('button') as HTMLButtonElement;
  button.disabled = true;
  const lines = [out.textContent ?? ''];
  for (const t of [1, threads]) {
    const r = await run({ threads: t });
    lines.push(
      r.ok
        ? `threads ${t}: ${r.samplesPerSecond.toFixed(0)} samples/s, ${r.workersStarted} kernel workers, loss ${r.losses.at(-1)?.toFixed(6)}`
        : `threads ${t}: ${r.error}`,
    );
    out.textContent = lines.join('\n');
  }
  button.disabled = false;
});
