/** Systems: Backprop's core on `@backprop/backend-onnx` (ONNX Runtime's CPU provider, 2 threads), compiled and eager. */
import { createRequire } from 'node:module';
import { onnx } from '@backprop/backend-onnx';
import { ortMatmulGflops } from '../ort-matmul.js';
import type { System } from '../system.js';
import { backpropSystem } from './backprop.js';

/** Threads of ONNX Runtime (`intraOpNumThreads`), as PyTorch's row. */
export const ONNX_THREADS = 2;

const ortVersion = (): string =>
  (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;

const create = () => onnx({ provider: 'cpu', threads: ONNX_THREADS });
const describe = async () => ({ backend: 'onnx', provider: 'cpu', threads: ONNX_THREADS, onnxruntime: ortVersion() });

/**
 * The compiled step: `trainStep(model, { loss, optimizer, compile: true })`, which after its traces runs
 * every step (forward, backward, Adam) as one ONNX Runtime run; also backend matmul, step
 * memory, and ONNX Runtime's own MatMul rate (a one-node model) as the step's limit.
 */
export const backpropOnnx: System = {
  ...backpropSystem({ id: 'backprop-onnx', label: 'backprop onnx, compiled (2 threads)', create, compiled: true }),
  describe,
  async matmulLimit(n, { timing }) {
    const { gflops } = await ortMatmulGflops({ n, threads: ONNX_THREADS, reps: Math.max(5, timing.minRuns * 4) });
    return { source: `ONNX Runtime ${ortVersion()} MatMul, one-node model, ${ONNX_THREADS} threads`, n, gflops };
  },
};

/** The same backend without compile: `valueAndGrad` + `optimizer.step`, run by the lazy graph once per loss read. */
export const backpropOnnxEager: System = {
  ...backpropSystem({
    id: 'backprop-onnx-eager',
    label: 'backprop onnx, eager (2 threads)',
    create,
    matmul: false,
    stepMemory: false,
  }),
  describe,
};
