/** Systems: Backprop's core on `@backprop/backend-cpu` (every core, and 1 thread), plus optimizer update times. */
import { availableParallelism } from 'node:os';
import { cpu } from '@backprop/backend-cpu';
import { setBackend } from '@backprop/core';
import { benchmarkUpdates, useFusedUpdates } from '@backprop/optimizers';
import type { System, UpdatesMeasurement } from '../system.js';
import { squareMatmulGflops } from '../workload.js';
import { backpropSystem, type OwnedBackend } from './backprop.js';

/** What the bench uses of a cpu backend beyond the contract. */
type CpuLike = OwnedBackend & {
  ready?(): Promise<void>;
  paths?: { simd: boolean; threads: number; relaxedSimd?: boolean };
};

/** Optimizers of `benchmarkUpdates` that have a fused kernel (`sgdUpdate`, `adamUpdate`, `rmspropUpdate`) on backend-cpu. */
export const FUSED_OPTIMIZERS: readonly string[] = ['SGD', 'SGD momentum', 'Adagrad', 'RMSprop', 'Adam', 'AdamW'];

/** A Backprop core + backend-cpu system with `cpu(options)`, destroyed after each measurement (its worker threads end). */
export function backpropCpuSystem({
  id,
  label,
  options,
  updates = false,
  unfused = updates,
  stepMemory = true,
}: {
  id: string;
  label: string;
  options?: Parameters<typeof cpu>[0];
  /** Also measure optimizer updates (`benchmarkUpdates`), with fused kernels on and off. */
  updates?: boolean;
  /** Also time the update sweep with fused kernels off (default: when `updates`). */
  unfused?: boolean;
  /** Measure the step's memory (the 1-thread row would repeat the same numbers). */
  stepMemory?: boolean;
}): System {
  const create = async (): Promise<CpuLike> => {
    const backend = cpu(options) as CpuLike;
    await backend.ready?.();
    return backend;
  };
  const system = backpropSystem({ id, label, create, stepMemory });
  const threads = options?.threads;
  if (typeof threads === 'number') Object.assign(system, { threads });
  // The step's floor: this backend's own n³ matmul rate, timed in every round right after the
  // step (as ONNX Runtime's floor is for backend-onnx), so a drift of this shared host's speed
  // moves the step and its floor alike. 2 warm-up products, then the median of 12.
  const matmul = system.matmul;
  if (matmul) {
    system.matmulLimit = async (n, ctx) => {
      const reps = Math.max(5, ctx.timing.minRuns * 4);
      const { timing } = await matmul(n, {
        ...ctx,
        timing: { warmup: 2, minSeconds: 0, minRuns: reps, maxRuns: reps },
      });
      const where = threads === 1 ? '1 thread' : 'default threads';
      return { source: `backend-cpu matmul, ${where}`, n, gflops: squareMatmulGflops(n, timing.medianMs) };
    };
  }
  system.describe = async () => {
    const backend = await create();
    backend.destroy?.();
    return {
      backend: backend.name,
      simd: backend.paths?.simd ?? false,
      relaxedSimd: backend.paths?.relaxedSimd ?? false,
      threads: backend.paths?.threads ?? 1,
    };
  };
  if (updates) {
    system.optimizerUpdates = async ({ params, steps, warmupMs }): Promise<UpdatesMeasurement> => {
      const backend = await create();
      await setBackend(backend);
      const was = useFusedUpdates(true);
      try {
        // The median of updates timed one by one, as the PyTorch side reports.
        const table = (rows: { optimizer: string; medianMsPerStep: number }[]) =>
          Object.fromEntries(rows.map((r) => [r.optimizer, r.medianMsPerStep]));
        // A discarded sweep first: the first one pays the process's first touch of fresh memory
        // (measured: SGD 63 ms in a first sweep, 29 ms in a later one), which would favour "fused off".
        await benchmarkUpdates({ params, steps: 1, warmupMs: 0 });
        const msPerStep = table(await benchmarkUpdates({ params, steps, warmupMs }));
        if (!unfused) return { msPerStep, fused: [...FUSED_OPTIMIZERS] };
        useFusedUpdates(false);
        const unfusedMsPerStep = table(await benchmarkUpdates({ params, steps, warmupMs }));
        return { msPerStep, unfusedMsPerStep, fused: [...FUSED_OPTIMIZERS] };
      } finally {
        useFusedUpdates(was);
        backend.destroy?.();
      }
    };
  }
  return system;
}

const cores = availableParallelism();

/** backend-cpu with its defaults (WebAssembly SIMD and every core where available): the baseline of the "÷ backend-cpu" columns. */
export const backpropCpu: System = {
  ...backpropCpuSystem({
    id: 'backprop-cpu',
    label: `backprop backend-cpu, ${cores} threads (default: every core)`,
    updates: true,
  }),
  threads: cores,
};
/** backend-cpu on the calling thread only: its 1-thread configuration (and like for like with tfjs-wasm). */
export const backpropCpu1t: System = backpropCpuSystem({
  id: 'backprop-cpu-1t',
  label: 'backprop backend-cpu, 1 thread',
  options: { threads: 1 },
  updates: true,
  unfused: false,
  stepMemory: false,
});
