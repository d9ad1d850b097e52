// The benchmark runner over fake systems: selection, ratios, targets, skips and the JSON shape, without timing anything real.
import { describe, expect, it } from 'vitest';
import { matmulBenchmark } from '../src/benchmarks/matmul.js';
import { mlpStepBenchmark } from '../src/benchmarks/mlp-step.js';
import { optimizerUpdatesBenchmark } from '../src/benchmarks/optimizer-updates.js';
import { stepMemoryBenchmark } from '../src/benchmarks/step-memory.js';
import { runBench } from '../src/run-bench.js';
import type { System } from '../src/system.js';
import { mlpStepFlops, mlpWorkload } from '../src/workload.js';

const timing = (ms: number) => ({ runs: 3, medianMs: ms, meanMs: ms, minMs: ms });
const fake = (id: string, stepMs: number, matmulMsAt256: number, extra: Partial<System> = {}): System => ({
  id,
  label: id,
  async mlpStep() {
    return { timing: timing(stepMs), firstLoss: 2.3, peakBytes: 1e6, notes: [] };
  },
  async matmul(n) {
    return { timing: timing(matmulMsAt256 * (n / 256) ** 3) };
  },
  ...extra,
});
const estimate = { parameters: 4e6, gradients: 4e6, optimizerState: 8e6, activations: 1e6, total: 17e6 };
const systems: System[] = [
  fake('backprop-cpu', 10, 5, {
    async optimizerUpdates() {
      return { msPerStep: { SGD: 2, Adam: 8 }, unfusedMsPerStep: { SGD: 3, Adam: 20 }, fused: ['SGD', 'Adam'] };
    },
    async stepMemory() {
      return { backend: 'cpu', estimate, bytesBefore: 12e6, stepBytes: 22e6 };
    },
  }),
  fake('backprop-onnx', 6, 5, {
    matmulSizes: [256],
    async matmulLimit(n) {
      return { source: 'fake ORT', n, gflops: 100 };
    },
  }),
  fake('backprop-onnx-eager', 9, 5),
  fake('tfjs-cpu', 40, 2000),
  fake('torch-cpu', 5, 1, {
    async optimizerUpdates() {
      return { msPerStep: { SGD: 1, Adam: 4 } };
    },
  }),
  { id: 'absent', label: 'absent', unavailable: async () => 'not installed' },
];
const sizes = [4, 3, 2];
const benchmarks = [
  mlpStepBenchmark({ sizes, batchSize: 2 }),
  matmulBenchmark(),
  optimizerUpdatesBenchmark({ params: 1000 }),
  stepMemoryBenchmark({ sizes, batchSize: 2 }),
];

describe('runBench', () => {
  it('computes ratios to the baseline, checks the targets and skips slow or unavailable systems', async () => {
    const { results, reports } = await runBench({ systems, benchmarks, quick: true, optimizer: 'sgd', log: () => {} });
    const mlp = results.benchmarks[0];
    expect(mlp.rows.map((r) => r.ratio)).toEqual([1, 0.6, 0.9, 4, 0.5]);
    expect(mlp.rows[0].samplesPerSec).toBe(200);
    expect(mlp.summary.some((l) => l.includes('4.00× (met)'))).toBe(true);
    // ONNX targets: compiled 6 ms vs PyTorch 5 ms, vs the limit (FLOPs / 100 GFLOP/s), eager 9 / 6.
    const limitMs = mlpStepFlops(mlpWorkload({ sizes, batchSize: 2 })) / 1e8;
    expect(mlp.extra).toEqual({ matmulLimit: { source: 'fake ORT', n: 1024, gflops: 100 } });
    expect(mlp.summary).toContain(
      'target: onnx compiled ÷ PyTorch cpu (2 threads) ≤ 1×: 1.20× (6.00 vs 5.00 ms) (NOT met)',
    );
    expect(mlp.summary.some((l) => l.includes(`≤ 1.5×: ${(6 / limitMs).toFixed(2)}×`))).toBe(true);
    expect(mlp.summary).toContain('target: onnx eager ÷ compiled ≤ 3×: 1.50× (9.00 vs 6.00 ms) (met)');
    const mm = results.benchmarks[1];
    expect(mm.rows.map((r) => `${r.system}@${r.n}`)).toEqual([
      'backprop-cpu@256',
      'backprop-cpu@1024',
      'backprop-onnx@256',
      'backprop-onnx-eager@256',
      'backprop-onnx-eager@1024',
      'tfjs-cpu@256',
      'torch-cpu@256',
      'torch-cpu@1024',
    ]);
    expect(mm.skipped.map((s) => s.system)).toEqual(['backprop-onnx', 'tfjs-cpu']);
    const updates = results.benchmarks[2];
    const adam = updates.rows.find((r) => r.optimizer === 'Adam');
    expect(adam).toEqual({
      optimizer: 'Adam',
      msPerStep: { 'backprop-cpu': 8, 'torch-cpu': 4 },
      fused: true,
      unfusedMsPerStep: 20,
    });
    expect(reports[2].table).toContain('| Adam ');
    expect(reports[2].table).toMatch(/\|\s+2\.50× \|\s+4 \|\s+2\.00× \|/);
    const memory = results.benchmarks[3];
    expect(memory.rows).toEqual([
      {
        system: 'backprop-cpu',
        label: 'backprop-cpu',
        backend: 'cpu',
        bytesBefore: 12e6,
        stepBytes: 22e6,
        peakBytes: 34e6,
        ratio: 2,
        estimate,
      },
    ]);
    expect(reports[3].table.split('\n')).toHaveLength(4);
    expect(results.unavailable).toEqual([{ system: 'absent', reason: 'not installed' }]);
    expect(results.options.optimizer).toEqual({ name: 'sgd', lr: 0.01 });
    expect(reports[0].table.split('\n')).toHaveLength(7);
    expect(JSON.parse(JSON.stringify(results))).toEqual(results);
  });

  it('runs only the chosen systems and rejects unknown ids', async () => {
    const { results } = await runBench({ systems, benchmarks, only: ['tfjs-cpu'], optimizer: 'sgd', log: () => {} });
    expect(results.benchmarks[0].rows.map((r) => r.system)).toEqual(['tfjs-cpu']);
    expect(results.benchmarks[0].rows[0].ratio).toBeNull();
    expect(results.options.optimizer).toEqual({ name: 'sgd', lr: 0.01 });
    await expect(runBench({ systems, benchmarks, only: ['nope'], log: () => {} })).rejects.toThrow(
      /unknown system nope/,
    );
  });
});
