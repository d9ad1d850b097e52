/** Systems: Backprop's core on `@backprop/backend-onnx` (ONNX Runtime's CPU provider) compiled at 2 and 1 threads, and eager at 2. */
import { createRequire } from 'node:module';
import { onnx } from '@backprop/backend-onnx';
import { ortMatmulGflops } from '../ort-matmul.js';
import type { System } from '../system.js';
import { backpropSystem } from './backprop.js';

/** Threads of ONNX Runtime (`intraOpNumThreads`) of the main rows; `backprop-onnx-1t` runs 1. */
export const ONNX_THREADS = 2;

const ortVersion = (): string =>
  (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;

const threadWord = (threads: number) => `${threads} thread${threads > 1 ? 's' : ''}`;

/**
 * The compiled step at `threads`: `trainStep(model, { loss, optimizer, compile: true })`, which
 * after its traces runs every step (forward, backward, Adam) as one ONNX Runtime run; also
 * ONNX Runtime's own MatMul rate (a one-node model) at the same threads as the step's floor, and
 * (at 2 threads) backend matmul and step memory.
 */
export function backpropOnnxSystem(threads: number): System {
  const main = threads === ONNX_THREADS;
  return {
    ...backpropSystem({
      id: main ? 'backprop-onnx' : `backprop-onnx-${threads}t`,
      label: `backprop onnx, compiled, ${threadWord(threads)}`,
      create: () => onnx({ provider: 'cpu', threads }),
      compiled: true,
      matmul: main,
      stepMemory: main,
    }),
    threads,
    describe: async () => ({ backend: 'onnx', provider: 'cpu', threads, onnxruntime: ortVersion() }),
    async matmulLimit(n, { timing }) {
      const { gflops } = await ortMatmulGflops({ n, threads, reps: Math.max(5, timing.minRuns * 4) });
      return { source: `ONNX Runtime ${ortVersion()} MatMul, one-node model, ${threadWord(threads)}`, n, gflops };
    },
  };
}

/** The compiled step at 2 threads (and backend matmul, step memory). */
export const backpropOnnx: System = backpropOnnxSystem(ONNX_THREADS);
/** The compiled step at 1 thread. */
export const backpropOnnx1t: System = backpropOnnxSystem(1);

/** The same backend without compile (2 threads): `valueAndGrad` + `optimizer.step`, run by the lazy graph once per loss read. */
export const backpropOnnxEager: System = {
  ...backpropSystem({
    id: 'backprop-onnx-eager',
    label: `backprop onnx, eager, ${threadWord(ONNX_THREADS)}`,
    create: () => onnx({ provider: 'cpu', threads: ONNX_THREADS }),
    matmul: false,
    stepMemory: false,
  }),
  threads: ONNX_THREADS,
  describe: async () => ({ backend: 'onnx', provider: 'cpu', threads: ONNX_THREADS, onnxruntime: ortVersion() }),
};
