// Every in-process system trains the same workload from the same start: the first-step losses agree.
import { describe, expect, it } from 'vitest';
import type { RunContext } from '../src/system.js';
import { backpropCpu } from '../src/systems/backprop-cpu.js';
import { tfjsCpu, tfjsWasm } from '../src/systems/tfjs.js';
import { mlpWorkload } from '../src/workload.js';

const ctx: RunContext = {
  timing: { warmup: 0, minSeconds: 0, minRuns: 2, maxRuns: 2 },
  optimizer: { name: 'sgd', lr: 0.05 },
  log: () => {},
};
const workload = mlpWorkload({ sizes: [20, 16, 12, 5], batchSize: 8, batchCount: 2, seed: 7 });

describe('systems on a tiny MLP', () => {
  it('backend-cpu, tfjs-cpu and tfjs-wasm report the same first loss', { timeout: 30_000 }, async () => {
    const ours = await backpropCpu.mlpStep!(workload, ctx);
    expect(ours.timing.runs).toBe(2);
    expect(ours.peakBytes).toBeGreaterThan(0);
    expect(ours.firstLoss).toBeGreaterThan(1); // about ln 5 for small logits
    for (const other of [tfjsCpu, tfjsWasm]) {
      const m = await other.mlpStep!(workload, ctx);
      expect(m.firstLoss).toBeCloseTo(ours.firstLoss, 5);
      expect(m.peakBytes).toBeGreaterThan(0);
    }
  });

  it('matmul runs and reads back on backend-cpu and tfjs-cpu', async () => {
    for (const s of [backpropCpu, tfjsCpu]) {
      const { timing } = await s.matmul!(16, ctx);
      expect(timing.runs).toBe(2);
      expect(timing.medianMs).toBeGreaterThanOrEqual(0);
    }
  });
});
