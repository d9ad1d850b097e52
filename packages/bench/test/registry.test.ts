// The benchmark runner over fake systems: selection, ratios, skips and the JSON shape, without timing anything real.
import { describe, expect, it } from 'vitest';
import { matmulBenchmark } from '../src/benchmarks/matmul.js';
import { mlpStepBenchmark } from '../src/benchmarks/mlp-step.js';
import { runBench } from '../src/run-bench.js';
import type { System } from '../src/system.js';

const timing = (ms: number) => ({ runs: 3, medianMs: ms, meanMs: ms, minMs: ms });
const fake = (id: string, stepMs: number, matmulMsAt256: number): System => ({
  id,
  label: id,
  async mlpStep() {
    return { timing: timing(stepMs), firstLoss: 2.3, peakBytes: 1e6, notes: [] };
  },
  async matmul(n) {
    return { timing: timing(matmulMsAt256 * (n / 256) ** 3) };
  },
});
const systems = [
  fake('backprop-cpu', 10, 5),
  fake('tfjs-cpu', 40, 2000),
  { id: 'absent', label: 'absent', unavailable: async () => 'not installed' },
];
const benchmarks = [mlpStepBenchmark({ sizes: [4, 3, 2], batchSize: 2 }), matmulBenchmark()];

describe('runBench', () => {
  it('computes ratios to the baseline, checks the target and skips slow or unavailable systems', async () => {
    const { results, reports } = await runBench({ systems, benchmarks, quick: true, optimizer: 'sgd', log: () => {} });
    const mlp = results.benchmarks[0];
    expect(mlp.rows.map((r) => r.ratio)).toEqual([1, 4]);
    expect(mlp.rows[0].samplesPerSec).toBe(200);
    expect(mlp.summary.some((l) => l.includes('4.00× (met)'))).toBe(true);
    const mm = results.benchmarks[1];
    expect(mm.rows.map((r) => `${r.system}@${r.n}`)).toEqual(['backprop-cpu@256', 'backprop-cpu@1024', 'tfjs-cpu@256']);
    expect(mm.skipped[0].system).toBe('tfjs-cpu');
    expect(results.unavailable).toEqual([{ system: 'absent', reason: 'not installed' }]);
    expect(results.options.optimizer).toEqual({ name: 'sgd', lr: 0.01 });
    expect(reports[0].table.split('\n')).toHaveLength(4);
    expect(JSON.parse(JSON.stringify(results))).toEqual(results);
  });

  it('runs only the chosen systems and rejects unknown ids', async () => {
    const { results } = await runBench({ systems, benchmarks, only: ['tfjs-cpu'], optimizer: 'sgd', log: () => {} });
    expect(results.benchmarks[0].rows.map((r) => r.system)).toEqual(['tfjs-cpu']);
    expect(results.benchmarks[0].rows[0].ratio).toBeNull();
    await expect(runBench({ systems, benchmarks, only: ['nope'], log: () => {} })).rejects.toThrow(
      /unknown system nope/,
    );
  });
});
