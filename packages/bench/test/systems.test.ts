// Every in-process system trains the same workload from the same start: the first-step losses agree.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { RunContext } from '../src/system.js';
import { backpropCpu, backpropCpu1t } from '../src/systems/backprop-cpu.js';
import { backpropOnnx, backpropOnnxEager } from '../src/systems/backprop-onnx.js';
import { tfjsCpu, tfjsWasm } from '../src/systems/tfjs.js';
import { PYTHON, PythonServer, torchSystem } from '../src/systems/torch.js';
import { mlpWorkload } from '../src/workload.js';

const ctx: RunContext = {
  timing: { warmup: 0, minSeconds: 0, minRuns: 2, maxRuns: 2 },
  optimizer: { name: 'sgd', lr: 0.05 },
  log: () => {},
};
const workload = mlpWorkload({ sizes: [20, 16, 12, 5], batchSize: 8, batchCount: 2, seed: 7 });

describe('systems on a tiny MLP', () => {
  it('backend-cpu, onnx (compiled, eager), tfjs-cpu and tfjs-wasm report the same first loss', {
    timeout: 60_000,
  }, async () => {
    const ours = await backpropCpu.mlpStep!(workload, ctx);
    expect(ours.timing.runs).toBe(2);
    expect(ours.peakBytes).toBeGreaterThan(0);
    expect(ours.firstLoss).toBeGreaterThan(1); // about ln 5 for small logits
    for (const other of [backpropOnnx, backpropOnnxEager, tfjsCpu, tfjsWasm]) {
      const m = await other.mlpStep!(workload, { ...ctx, timing: { ...ctx.timing, minRuns: 4, maxRuns: 4 } });
      expect(Math.abs(m.firstLoss - ours.firstLoss)).toBeLessThan(1e-5);
      expect(m.peakBytes).toBeGreaterThan(0);
    }
  });

  it('the onnx compiled step really compiles (one graph per step)', { timeout: 60_000 }, async () => {
    const m = await backpropOnnx.mlpStep!(workload, { ...ctx, timing: { ...ctx.timing, minRuns: 4, maxRuns: 4 } });
    expect(m.notes).toContain('trainStep: graph');
  });

  it('matmul runs and reads back on backend-cpu, onnx and tfjs-cpu', async () => {
    for (const s of [backpropCpu, backpropOnnx, tfjsCpu]) {
      const { timing } = await s.matmul!(16, ctx);
      expect(timing.runs).toBe(2);
      expect(timing.medianMs).toBeGreaterThanOrEqual(0);
    }
  });

  it("backend-cpu's step floor: its own matmul rate, timed with the step's rounds at each thread count", async () => {
    for (const [s, where] of [
      [backpropCpu, 'default threads'],
      [backpropCpu1t, '1 thread'],
    ] as const) {
      const limit = await s.matmulLimit!(64, ctx);
      expect(limit).toMatchObject({ n: 64, source: `backend-cpu matmul, ${where}` });
      expect(limit.gflops).toBeGreaterThan(0);
      expect(Number.isFinite(limit.gflops)).toBe(true);
    }
  });

  it('step memory: the estimate and a measured peak on backend-cpu', async () => {
    const m = await backpropCpu.stepMemory!(workload, { ...ctx, optimizer: { name: 'adam', lr: 1e-3 } });
    const params = 20 * 16 + 16 + 16 * 12 + 12 + 12 * 5 + 5;
    expect(m.estimate.parameters).toBe(params * 4);
    expect(m.estimate.optimizerState).toBe(params * 8);
    expect(m.bytesBefore).toBeGreaterThanOrEqual(params * 12); // parameters and Adam's two moments
    expect(m.stepBytes).toBeGreaterThan(0);
  });
});

const hasTorch = (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasTorch)('PyTorch in one long-lived process per thread count', () => {
  it('answers commands in order, reports its thread count, rejects bad commands and ends on close', {
    timeout: 60_000,
  }, async () => {
    const server = new PythonServer(1);
    try {
      const [info, mm] = await Promise.all([
        server.call({ cmd: 'info' }),
        server.call({ cmd: 'matmul', n: 8, timing: [0, 0, 2, 2] }),
      ]);
      expect(info.threads).toBe(1);
      // OpenBLAS's own thread count follows the system's, and the BLAS torch loaded is named.
      expect(info.blasThreads).toBe('1');
      expect(typeof info.blas).toBe('string');
      expect(info.blas.length).toBeGreaterThan(0);
      // PyTorch at its best: glibc's malloc keeps freed tensors (python/allocator.py).
      expect(info.allocator).toBe(
        'glibc mallopt M_TRIM_THRESHOLD=1073741824, M_TOP_PAD=67108864, M_MMAP_THRESHOLD=33554432',
      );
      expect(mm.timing.runs).toBe(2);
      await expect(server.call({ cmd: 'nope' })).rejects.toThrow(/unknown command nope/);
      expect((await server.call({ cmd: 'info' })).threads).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('torch-cpu-2t trains the same first loss as backend-cpu and keeps its model between rounds', {
    timeout: 60_000,
  }, async () => {
    const torch = torchSystem(2);
    try {
      expect(torch.id).toBe('torch-cpu-2t');
      expect(await torch.describe?.()).toMatchObject({ threads: 2, blasThreads: '2' });
      const ours = await backpropCpu.mlpStep!(workload, ctx);
      const first = await torch.mlpStep!(workload, ctx);
      const second = await torch.mlpStep!(workload, ctx);
      expect(Math.abs(first.firstLoss - ours.firstLoss)).toBeLessThan(1e-5);
      expect(second.firstLoss).toBe(first.firstLoss); // the same model, built once, outside the timed runs
      expect(second.timing.runs).toBe(2);
      const started = performance.now();
      const updates = await torch.optimizerUpdates!({ params: 5000, steps: 1, warmupMs: 5 }, ctx);
      // Each of PyTorch's two implementations of nine optimizers updates untimed for at least 5 ms first.
      expect(performance.now() - started).toBeGreaterThanOrEqual(9 * 2 * 5);
      expect(Object.keys(updates.msPerStep)).toEqual(
        expect.arrayContaining(['SGD', 'SGD momentum', 'Adam', 'AdamW', 'RMSprop', 'Adagrad']),
      );
      // Each update timed in both of PyTorch's implementations; the faster one is named.
      expect(Object.keys(updates.implementation ?? {}).sort()).toEqual(Object.keys(updates.msPerStep).sort());
      for (const impl of Object.values(updates.implementation ?? {})) expect(['per tensor', 'foreach']).toContain(impl);
    } finally {
      await torch.close?.();
    }
  });
});
