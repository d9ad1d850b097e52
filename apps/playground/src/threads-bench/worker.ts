/**
 * The benchmark worker of threads.html: the training page's workload (its data, model, optimizer
 * and Trainer) on `cpu({ threads })`, counting the Worker objects backend-cpu starts. A browser
 * page's main thread may not block in Atomics.wait, so backend-cpu threads only from a worker.
 */
import { cpu } from '@backprop/backend-cpu';
import { setBackend } from '@backprop/core';
import { loadData } from '../data.js';
import { buildModel, buildOptimizer } from '../model.js';
import type { Settings } from '../settings.js';
import { Trainer } from '../trainer.js';
import type { BenchRequest, BenchResult } from './protocol.js';

// Count the kernel workers backend-cpu creates (it calls the global `Worker` when its pool starts),
// and keep the shared control block each is started with ({ module, memory, control, id }).
let workersStarted = 0;
let workerErrors = 0;
let control: Int32Array | undefined;
const NativeWorker = globalThis.Worker;
if (NativeWorker) {
  globalThis.Worker = class CountedWorker extends NativeWorker {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      workersStarted++;
      this.addEventListener('error', () => workerErrors++);
    }
    override postMessage(message: unknown, options?: Transferable[] | StructuredSerializeOptions): void {
      const init = message as { control?: unknown };
      if (init?.control instanceof SharedArrayBuffer) control = new Int32Array(init.control);
      super.postMessage(message, options as StructuredSerializeOptions);
    }
  };
}
/** Slots of that block (packages/backend-cpu/src/threads/control.ts): rounds started, workers ready. */
const GENERATION = 0;
const READY = 2;

async function bench(r: BenchRequest): Promise<BenchResult> {
  const backend = cpu({ threads: r.threads });
  // In a browser worker, ready() starts backend-cpu's pool and resolves once its kernel workers are
  // up (they only start while this worker yields to its event loop); the test checks they are.
  const waitStart = performance.now();
  await backend.ready();
  const poolStartMs = performance.now() - waitStart;
  await setBackend(backend);
  const settings: Settings = {
    data: 'mnist',
    noise: 0,
    hidden: r.hidden,
    activation: 'relu',
    optimizer: 'adam',
    lr: 0.001,
    batchSize: r.batchSize,
    l2: 0,
    dropout: 0,
    backend: 'cpu',
    features: ['x1', 'x2'],
    trainRatio: 0.8,
    l1: 0,
  };
  const data = await loadData(settings, r.mnistUrl);
  const model = buildModel(settings, data.inputs, data.classes);
  const losses: number[] = [];
  const rates: number[] = [];
  const trainer = new Trainer(model, buildOptimizer(settings), [], data, r.batchSize, (p) => {
    losses.push(p.loss);
    rates.push(p.samplesPerSecond);
  });
  await trainer.run(r.warmupEpochs + r.epochs);
  // Samples over seconds across epochs (each epoch has the same number of samples).
  const rate = (epochs: number[]) => epochs.length / epochs.reduce((s, v) => s + 1 / v, 0);
  const samplesPerSecond = rate(rates.slice(r.warmupEpochs));
  const warmupSamplesPerSecond = rate(rates.slice(0, r.warmupEpochs));
  const result: BenchResult = {
    ok: true,
    threads: r.threads,
    isolated: globalThis.crossOriginIsolated === true,
    pathThreads: backend.paths.threads,
    simd: backend.paths.simd,
    workersStarted,
    workerErrors,
    workersReady: control ? Atomics.load(control, READY) : 0,
    threadedRounds: control ? Atomics.load(control, GENERATION) : 0,
    poolStartMs,
    samplesPerSecond,
    warmupSamplesPerSecond,
    losses,
    hardwareConcurrency: navigator.hardwareConcurrency,
  };
  backend.destroy();
  return result;
}

self.onmessage = (e: MessageEvent<BenchRequest>) => {
  bench(e.data).then(
    (result) => postMessage(result),
    (error: Error) => postMessage({ ok: false, threads: e.data.threads, error: String(error?.stack ?? error) }),
  );
};
