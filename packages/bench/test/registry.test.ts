// The benchmark runner over fake systems: selection, interleaved rounds, ratios (to backend-cpu and to
// PyTorch at its best), targets, skips and the JSON shape, without timing anything real.
import { describe, expect, it } from 'vitest';
import { matmulBenchmark } from '../src/benchmarks/matmul.js';
import { mlpStepBenchmark } from '../src/benchmarks/mlp-step.js';
import { optimizerUpdatesBenchmark } from '../src/benchmarks/optimizer-updates.js';
import { stepMemoryBenchmark } from '../src/benchmarks/step-memory.js';
import { runBench } from '../src/run-bench.js';
import type { System } from '../src/system.js';
import type { TimingOptions } from '../src/timing.js';
import { mlpStepFlops, mlpWorkload } from '../src/workload.js';

const timing = (ms: number) => ({ runs: 3, medianMs: ms, meanMs: ms, minMs: ms });
/** The timing each fake's mlpStep was called with, in call order, by system id. */
const stepTimings = new Map<string, TimingOptions[]>();
/** A fake whose step takes `stepMs[call]` (cycling), so the median over rounds is visible. */
const fake = (id: string, stepMs: number | number[], matmulMsAt256: number, extra: Partial<System> = {}): System => {
  let call = 0;
  const steps = Array.isArray(stepMs) ? stepMs : [stepMs];
  return {
    id,
    label: id,
    async mlpStep(_w, ctx) {
      stepTimings.set(id, [...(stepTimings.get(id) ?? []), ctx.timing]);
      return { timing: timing(steps[call++ % steps.length]), firstLoss: 2.3, peakBytes: 1e6, notes: [] };
    },
    async matmul(n) {
      return { timing: timing(matmulMsAt256 * (n / 256) ** 3) };
    },
    ...extra,
  };
};
const estimate = { parameters: 4e6, gradients: 4e6, optimizerState: 8e6, activations: 1e6, total: 17e6 };
const order: string[] = [];
let closed = 0;
let limitCalls = 0;
const makeSystems = (): System[] => [
  fake('backprop-cpu', 10, 5, {
    async optimizerUpdates() {
      order.push('backprop-cpu');
      return { msPerStep: { SGD: 2, Adam: 8 }, unfusedMsPerStep: { SGD: 3, Adam: 20 }, fused: ['SGD', 'Adam'] };
    },
    async stepMemory() {
      return { backend: 'cpu', estimate, bytesBefore: 12e6, stepBytes: 10e6 };
    },
  }),
  fake('backprop-onnx', 6, 5, {
    matmulSizes: [256],
    async matmulLimit(n) {
      // A floor that drifts from round to round (the median, 100, is what the targets divide by).
      limitCalls++;
      return { source: 'fake ORT', n, gflops: [100, 80, 120][(limitCalls - 1) % 3] };
    },
  }),
  fake('backprop-onnx-eager', 9, 5),
  fake('tfjs-cpu', 40, 2000),
  fake('torch-cpu-1t', [5, 4, 60], 1, {
    async optimizerUpdates() {
      order.push('torch-cpu-1t');
      return { msPerStep: { SGD: 1, Adam: 4 } };
    },
    async close() {
      closed++;
    },
  }),
  fake('torch-cpu-2t', 12, 2, {
    async optimizerUpdates() {
      order.push('torch-cpu-2t');
      return { msPerStep: { SGD: 0.5, Adam: 5 } };
    },
    async close() {
      closed++;
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
  it('interleaves rounds, takes ratios to the baseline and to PyTorch at its best, and evaluates the targets', async () => {
    order.length = 0;
    closed = 0;
    stepTimings.clear();
    const { results, reports, targetsTable } = await runBench({
      systems: makeSystems(),
      benchmarks,
      quick: true,
      optimizer: 'sgd',
      log: () => {},
    });
    expect(results.options.rounds).toBe(3);
    expect(closed).toBe(2);
    const mlp = results.benchmarks[0];
    // An untimed warm-up round first (--quick: 1.5 s per system), then the rounds with the round timing.
    expect(results.options.warmupSeconds).toBe(1.5);
    expect(stepTimings.get('backprop-cpu')?.map((t) => [t.warmup, t.minSeconds])).toEqual([
      [0, 1.5],
      [1, 0.2],
      [1, 0.2],
      [1, 0.2],
    ]);
    // torch-cpu-1t: the warm-up took its 5 ms, the rounds 4, 60, 5 → median 5 (the slow round does not
    // count); PyTorch best = 5 ms.
    expect(mlp.rows.map((r) => r.msPerStep)).toEqual([10, 6, 9, 40, 5, 12]);
    expect(mlp.rows.find((r) => r.system === 'torch-cpu-1t')?.roundMsPerStep).toEqual([4, 60, 5]);
    expect(mlp.rows.map((r) => r.ratio)).toEqual([1, 0.6, 0.9, 4, 0.5, 1.2]);
    expect(mlp.rows.map((r) => r.vsPytorchBest)).toEqual([2, 1.2, 1.8, 8, 1, 2.4]);
    expect(mlp.rows[0].samplesPerSec).toBe(200);
    expect(mlp.loads?.map((l) => l.order[0])).toEqual(['backprop-cpu', 'backprop-onnx', 'backprop-onnx-eager']);
    expect(mlp.summary.some((l) => l.startsWith('load average (1 min) before → after each round'))).toBe(true);
    expect(reports[0].table).toContain('time ÷ PyTorch best');
    expect(reports[0].table).toContain('4 / 60 / 5 (spread 1120%)');
    const limitMs = mlpStepFlops(mlpWorkload({ sizes, batchSize: 2 })) / 1e8;
    // Each round's floor is kept, in round order, and printed beside the median.
    expect(mlp.rows.find((r) => r.system === 'backprop-onnx')?.roundFloorGflops).toEqual([100, 80, 120]);
    expect(mlp.summary.some((l) => l.includes('100 GFLOP/s at 1024³ (median of 3 rounds: 100 / 80 / 120)'))).toBe(true);
    expect(mlp.extra).toEqual({
      matmulLimits: { 'backprop-onnx': { source: 'fake ORT', n: 1024, gflops: 100 } },
      warmup: {
        'backprop-cpu': { meanMsPerStep: 10, steps: 3 },
        'backprop-onnx': { meanMsPerStep: 6, steps: 3 },
        'backprop-onnx-eager': { meanMsPerStep: 9, steps: 3 },
        'tfjs-cpu': { meanMsPerStep: 40, steps: 3 },
        'torch-cpu-1t': { meanMsPerStep: 5, steps: 3 },
        'torch-cpu-2t': { meanMsPerStep: 12, steps: 3 },
      },
    });
    expect(mlp.summary).toContain(
      "before the rounds, each system trained 1.5 s untimed (V8 compiles a step's JavaScript on background threads for its first few hundred steps); mean ms/step then: backprop-cpu 10 (3 steps), backprop-onnx 6 (3 steps), backprop-onnx-eager 9 (3 steps), tfjs-cpu 40 (3 steps), torch-cpu-1t 5 (3 steps), torch-cpu-2t 12 (3 steps)",
    );
    expect(mlp.measures?.['floor-gflops:backprop-onnx']).toBe(100);
    const mm = results.benchmarks[1];
    expect(mm.rows.map((r) => `${r.system}@${r.n}`)).toEqual([
      'backprop-cpu@256',
      'backprop-cpu@1024',
      'backprop-onnx@256',
      'backprop-onnx-eager@256',
      'backprop-onnx-eager@1024',
      'tfjs-cpu@256',
      'torch-cpu-1t@256',
      'torch-cpu-1t@1024',
      'torch-cpu-2t@256',
      'torch-cpu-2t@1024',
    ]);
    expect(mm.rows.find((r) => r.system === 'backprop-cpu' && r.n === 256)?.vsPytorchBest).toBe(5);
    expect(mm.skipped.map((s) => s.system)).toEqual(['backprop-onnx', 'tfjs-cpu']);
    const updates = results.benchmarks[2];
    expect(order).toEqual([
      ...['backprop-cpu', 'torch-cpu-1t', 'torch-cpu-2t'],
      ...['torch-cpu-1t', 'torch-cpu-2t', 'backprop-cpu'],
      ...['torch-cpu-2t', 'backprop-cpu', 'torch-cpu-1t'],
    ]);
    const adam = updates.rows.find((r) => r.optimizer === 'Adam');
    expect(adam).toMatchObject({
      optimizer: 'Adam',
      msPerStep: { 'backprop-cpu': 8, 'torch-cpu-1t': 4, 'torch-cpu-2t': 5 },
      fused: true,
      unfusedMsPerStep: 20,
      vsPytorchBest: { 'backprop-cpu': 2 },
    });
    expect(updates.rows.find((r) => r.optimizer === 'SGD')?.vsPytorchBest).toEqual({ 'backprop-cpu': 4 });
    expect(reports[2].table).toMatch(/\| Adam +\|\s+8 \|\s+20 \|\s+2\.50× \|\s+4 \|\s+5 \|\s+2\.00× \|/);
    const memory = results.benchmarks[3];
    expect(memory.rows).toEqual([
      {
        system: 'backprop-cpu',
        label: 'backprop-cpu',
        backend: 'cpu',
        bytesBefore: 12e6,
        stepBytes: 10e6,
        peakBytes: 22e6,
        ratio: 22 / 17,
        estimate,
      },
    ]);
    const targets = Object.fromEntries((results.targets ?? []).map((t) => [t.id, t]));
    expect(targets['onnx-vs-pytorch']).toMatchObject({ status: 'met', value: 6, over: 5 });
    expect(targets['onnx-vs-floor:backprop-onnx']).toMatchObject({ status: 'not met' });
    expect(targets['onnx-vs-floor:backprop-onnx'].ratio).toBeCloseTo(6 / limitMs);
    expect(targets['onnx-vs-eager-vs-compiled']).toBeUndefined();
    expect(targets['onnx-eager-vs-compiled']).toMatchObject({ status: 'met', ratio: 1.5 });
    expect(targets['cpu-vs-pytorch']).toMatchObject({ status: 'met', ratio: 2 });
    expect(targets['cpu-threads'].status).toBe('not measured');
    expect(targets['update:Adam']).toMatchObject({ status: 'met', ratio: 2 });
    expect(targets['update:SGD']).toMatchObject({ status: 'not met', ratio: 4 });
    expect(targets['memory:backprop-cpu']).toMatchObject({ status: 'met' });
    expect(targetsTable).toMatch(/ met\? \|\n/);
    expect(targetsTable).toContain('| backend-onnx | MLP step (compiled, best thread count) ≤ 1.3× PyTorch');
    expect(results.unavailable).toEqual([{ system: 'absent', reason: 'not installed' }]);
    expect(results.options.optimizer).toEqual({ name: 'sgd', lr: 0.01 });
    expect(reports[0].table.split('\n')).toHaveLength(8);
    expect(JSON.parse(JSON.stringify(results))).toEqual(results);
  });

  it('runs only the chosen systems, honours --rounds and rejects unknown ids', async () => {
    const { results } = await runBench({
      systems: makeSystems(),
      benchmarks,
      only: ['tfjs-cpu'],
      rounds: 2,
      optimizer: 'sgd',
      log: () => {},
    });
    expect(results.benchmarks[0].rows.map((r) => r.system)).toEqual(['tfjs-cpu']);
    expect(results.benchmarks[0].rows[0].ratio).toBeNull();
    expect(results.benchmarks[0].rows[0].roundMsPerStep).toEqual([40, 40]);
    expect(results.options).toMatchObject({ rounds: 2, optimizer: { name: 'sgd', lr: 0.01 } });
    await expect(runBench({ systems: makeSystems(), benchmarks, only: ['nope'], log: () => {} })).rejects.toThrow(
      /unknown system nope/,
    );
  });

  it('skips the warm-up round with warmupSeconds 0 and stretches it with more', async () => {
    stepTimings.clear();
    const none = await runBench({
      systems: makeSystems(),
      benchmarks: [mlpStepBenchmark({ sizes, batchSize: 2 })],
      quick: true,
      only: ['torch-cpu-1t'],
      warmupSeconds: 0,
      log: () => {},
    });
    const mlp = none.results.benchmarks[0];
    expect(mlp.rows[0].roundMsPerStep).toEqual([5, 4, 60]);
    expect(mlp.extra).toEqual({});
    expect(mlp.summary.some((l) => l.startsWith('before the rounds'))).toBe(false);
    expect(none.results.options.warmupSeconds).toBe(0);
    stepTimings.clear();
    const longer = await runBench({
      systems: makeSystems(),
      benchmarks: [mlpStepBenchmark({ sizes, batchSize: 2 })],
      only: ['torch-cpu-1t'],
      rounds: 1,
      warmupSeconds: 9,
      log: () => {},
    });
    expect(longer.results.options.warmupSeconds).toBe(9);
    expect(stepTimings.get('torch-cpu-1t')?.map((t) => t.minSeconds)).toEqual([9, 0.5]);
  });

  it("gives the warm-up a slow system's own timing overrides", async () => {
    stepTimings.clear();
    const slow = fake('backprop-webgpu', 500, 5, { timing: { warmup: 1, minSeconds: 0, minRuns: 2, maxRuns: 2 } });
    await runBench({
      systems: [slow],
      benchmarks: [mlpStepBenchmark({ sizes, batchSize: 2 })],
      quick: true,
      log: () => {},
    });
    // Warm-up, then three rounds: every call with the system's own 2 steps, none waiting 1.5 s.
    expect(stepTimings.get('backprop-webgpu')).toEqual([
      { warmup: 1, minSeconds: 0, minRuns: 2, maxRuns: 2 },
      { warmup: 1, minSeconds: 0, minRuns: 2, maxRuns: 2 },
      { warmup: 1, minSeconds: 0, minRuns: 2, maxRuns: 2 },
      { warmup: 1, minSeconds: 0, minRuns: 2, maxRuns: 2 },
    ]);
  });

  it('reports a system whose warm-up fails as not measured when its rounds fail too', async () => {
    let calls = 0;
    const broken = fake('backprop-cpu', 10, 5, {
      async mlpStep() {
        calls++;
        throw new Error('no backend here');
      },
    });
    const lines: string[] = [];
    const { results } = await runBench({
      systems: [broken],
      benchmarks: [mlpStepBenchmark({ sizes, batchSize: 2 })],
      quick: true,
      log: (l) => lines.push(l),
    });
    expect(calls).toBe(2);
    expect(lines).toContain('mlp-step warm-up: backprop-cpu: failed: no backend here');
    expect(results.benchmarks[0].skipped).toEqual([{ system: 'backprop-cpu', reason: 'no backend here' }]);
  });
});
