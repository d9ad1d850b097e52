// The fairness machinery without timing anything: interleaved round order, median of round medians,
// load lines, ratios to a peer's best configuration, the targets, and the --rounds flag.
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/cli-options.js';
import { bestOf, FAMILIES, ratioToBest } from '../src/peers.js';
import { aggregateRounds, formatRounds, loadLines, roundOrder, runRounds } from '../src/rounds.js';
import { allocatorNote, blasNote } from '../src/systems/torch.js';
import { evaluateTargets, resolveQuantity, TARGETS, type Target, targetTally } from '../src/targets.js';

describe('roundOrder', () => {
  it('rotates the order by one each round, so every system takes every position', () => {
    const ids = ['a', 'b', 'c'];
    expect([0, 1, 2, 3].map((r) => roundOrder(ids, r).join(''))).toEqual(['abc', 'bca', 'cab', 'abc']);
    expect(roundOrder([], 2)).toEqual([]);
    expect(ids).toEqual(['a', 'b', 'c']);
  });

  it('runRounds measures every item once per round in rotated order and records the load around each round', async () => {
    const calls: string[] = [];
    let tick = 0;
    const loads = await runRounds({
      items: ['x', 'y', 'z'],
      rounds: 3,
      id: (s) => s,
      measure: async (s, r) => {
        calls.push(`${r}${s}`);
      },
      loadAverage: () => [tick++, 0, 0],
    });
    expect(calls).toEqual(['0x', '0y', '0z', '1y', '1z', '1x', '2z', '2x', '2y']);
    expect(loads.map((l) => [l.order.join(''), l.before[0], l.after[0]])).toEqual([
      ['xyz', 0, 1],
      ['yzx', 2, 3],
      ['zxy', 4, 5],
    ]);
  });
});

describe('blasNote', () => {
  it("names PyTorch's BLAS and warns when it is the reference one", () => {
    expect(blasNote('libopenblasp-r0.3.21.so')).toBe('BLAS libopenblasp-r0.3.21.so');
    expect(blasNote('libmkl_rt.so.2')).toBe('BLAS libmkl_rt.so.2');
    expect(blasNote('/usr/lib/x86_64-linux-gnu/blas/libblas.so.3')).toMatch(
      /^BLAS \/usr\/lib\/x86_64-linux-gnu\/blas\/libblas\.so\.3 — not PyTorch at its best: install libopenblas0-pthread/,
    );
    expect(blasNote('unknown')).toMatch(/not PyTorch at its best/);
  });
});

describe('allocatorNote', () => {
  it("says when PyTorch's malloc was tuned, and warns when it was not", () => {
    expect(allocatorNote('glibc mallopt M_TRIM_THRESHOLD=1073741824, M_TOP_PAD=67108864')).toBe(
      'malloc tuned (allocator.py)',
    );
    expect(allocatorNote('default (no glibc mallopt here)')).toMatch(/not PyTorch at its best/);
    expect(allocatorNote(undefined)).toMatch(/^allocator unknown — not PyTorch at its best/);
  });
});

describe('runRounds warm-up', () => {
  it('runs the warm-up once per item, in registry order, before the first round', async () => {
    const calls: string[] = [];
    await runRounds({
      items: ['x', 'y'],
      rounds: 2,
      id: (s) => s,
      warmup: async (s) => {
        calls.push(`w${s}`);
      },
      measure: async (s, r) => {
        calls.push(`${r}${s}`);
      },
      loadAverage: () => [0, 0, 0],
    });
    expect(calls).toEqual(['wx', 'wy', '0x', '0y', '1y', '1x']);
  });
});

describe('aggregateRounds', () => {
  it('takes the median of the per-round medians, with the spread', () => {
    expect(aggregateRounds([7, 5, 6])).toEqual({ median: 6, min: 5, max: 7, spread: 2 / 6, values: [7, 5, 6] });
    expect(aggregateRounds([4, 8])?.median).toBe(6);
    expect(aggregateRounds([3])).toEqual({ median: 3, min: 3, max: 3, spread: 0, values: [3] });
    expect(aggregateRounds([])).toBeUndefined();
    // One slow round (a burst of load) does not move the result.
    expect(aggregateRounds([6.2, 6.3, 40, 6.1, 6.4])?.median).toBe(6.3);
  });
  it('prints the per-round values and spread', () => {
    expect(formatRounds(aggregateRounds([5, 6, 7]), String)).toBe('5 / 6 / 7 (spread 33%)');
    expect(formatRounds(aggregateRounds([5]), String)).toBe('5');
    expect(formatRounds(undefined, String)).toBe('—');
  });
});

describe('loadLines', () => {
  const load = (round: number, before: number, after: number) => ({
    round,
    order: [],
    before: [before, 0, 0],
    after: [after, 0, 0],
  });
  it('lists the load around each round and warns when the 1-minute load exceeds the cores', () => {
    expect(loadLines([load(0, 0.5, 1.2), load(1, 1.2, 1.9)], 2)).toEqual([
      'load average (1 min) before → after each round, 2 cores: 0.5 → 1.2, 1.2 → 1.9',
    ]);
    const lines = loadLines([load(0, 0.5, 1.2), load(1, 1.2, 2.5), load(2, 3, 1)], 2);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^WARNING: the 1-minute load exceeded the 2 cores in rounds 2, 3/);
    expect(loadLines([], 2)).toEqual([]);
  });
});

describe('ratios to a peer at its best', () => {
  const ms = { 'torch-cpu-1t': 6, 'torch-cpu-2t': 15, 'backprop-onnx': 12, 'backprop-cpu': 30 };
  it('picks the fastest configuration present', () => {
    expect(bestOf(ms, FAMILIES.pytorch.systems)).toEqual({ system: 'torch-cpu-1t', value: 6 });
    expect(bestOf({ 'torch-cpu-2t': 15, 'torch-cpu-1t': null }, FAMILIES.pytorch.systems)).toEqual({
      system: 'torch-cpu-2t',
      value: 15,
    });
    expect(bestOf({ x: 1 }, FAMILIES.pytorch.systems)).toBeUndefined();
  });
  it('divides by the best, not by the 2-thread row', () => {
    expect(ratioToBest(12, ms, FAMILIES.pytorch)).toBe(2);
    expect(ratioToBest(6, ms, FAMILIES.pytorch)).toBe(1);
    expect(ratioToBest(undefined, ms, FAMILIES.pytorch)).toBeUndefined();
    expect(ratioToBest(12, {}, FAMILIES.pytorch)).toBeUndefined();
  });
});

describe('targets', () => {
  const flops = 0.5e9;
  // A synthetic run: PyTorch best at 1 thread (6 ms); onnx compiled best 7 ms; backend-cpu 2 threads 20 ms,
  // 1 thread 36 ms; backend-cpu matmul 30 / 22 GFLOP/s at 1024³ → floors 16.7 / 22.7 ms.
  const measures: Record<string, number> = {
    'step-flops': flops,
    'step-ms:torch-cpu-1t': 6,
    'step-ms:torch-cpu-2t': 14,
    'step-ms:backprop-onnx': 9,
    'step-ms:backprop-onnx-1t': 7,
    'step-ms:backprop-onnx-eager': 10,
    'floor-gflops:backprop-onnx': 150,
    'floor-gflops:backprop-onnx-1t': 100,
    'step-ms:backprop-cpu': 20,
    'step-ms:backprop-cpu-1t': 36,
    'step-ms:tfjs-cpu': 900,
    'floor-gflops:backprop-cpu': 30,
    'floor-gflops:backprop-cpu-1t': 22,
    // The matmul table's rates: not the floor (that is timed in the step's rounds).
    'matmul-gflops:backprop-cpu:1024': 90,
    'matmul-gflops:backprop-cpu-1t:1024': 50,
    'update-ms:backprop-cpu:Adam': 30,
    'update-ms:backprop-cpu-1t:Adam': 28,
    'update-ms:torch-cpu-1t:Adam': 20,
    'update-ms:torch-cpu-2t:Adam': 15,
    'update-ms:backprop-cpu:SGD': 40,
    'update-ms:torch-cpu-1t:SGD': 5,
    'memory-peak:backprop-cpu': 15e6,
    'memory-estimate:backprop-cpu': 12e6,
  };
  const byId = Object.fromEntries(evaluateTargets(measures).map((r) => [r.id, r]));

  it('is one list covering onnx, cpu, optimizers and memory', () => {
    expect(new Set(TARGETS.map((t) => t.id)).size).toBe(TARGETS.length);
    for (const name of ['SGD', 'SGD momentum', 'Adam', 'AdamW', 'RMSprop', 'Adagrad'])
      expect(TARGETS.some((t) => t.id === `update:${name}`)).toBe(true);
    expect(evaluateTargets(measures)).toHaveLength(TARGETS.length);
  });

  it('met: onnx at its best vs PyTorch at its best, within 1.3×', () => {
    expect(byId['onnx-vs-pytorch']).toMatchObject({ status: 'met', value: 7, over: 6, bound: '≤ 1.3×' });
    expect(byId['onnx-vs-pytorch'].ratio).toBeCloseTo(7 / 6);
    expect(byId['onnx-vs-pytorch'].detail).toBe('7.00 ms (backprop-onnx-1t) vs 6.00 ms (torch-cpu-1t)');
  });

  it('matmul floors: step FLOPs ÷ GFLOP/s at the same thread count', () => {
    expect(byId['cpu-vs-floor:backprop-cpu']).toMatchObject({ status: 'met' });
    expect(byId['cpu-vs-floor:backprop-cpu'].ratio).toBeCloseTo(20 / (flops / 30e6));
    expect(byId['cpu-vs-floor:backprop-cpu-1t'].ratio).toBeCloseTo(36 / (flops / 22e6));
    expect(byId['cpu-vs-floor:backprop-cpu-1t'].status).toBe('not met');
    expect(byId['onnx-vs-floor:backprop-onnx'].ratio).toBeCloseTo(9 / (flops / 150e6));
  });

  it('not met, and at-least targets (thread scaling, vs tfjs)', () => {
    expect(byId['cpu-vs-pytorch']).toMatchObject({ status: 'not met', value: 20, over: 6 });
    expect(byId['cpu-threads']).toMatchObject({ status: 'met', ratio: 1.8, bound: '≥ 1.5×' });
    expect(byId['cpu-vs-tfjs-cpu']).toMatchObject({ status: 'met', ratio: 45 });
    expect(
      evaluateTargets({ ...measures, 'step-ms:backprop-cpu-1t': 25 }).find((r) => r.id === 'cpu-threads'),
    ).toMatchObject({ status: 'not met', ratio: 1.25 });
    // Beside the thread target: how much a second thread gave the matmuls this run (ours always;
    // PyTorch's once measured).
    expect(byId['cpu-threads'].detail).toBe(
      "36.00 ms (backprop-cpu-1t) vs 20.00 ms (backprop-cpu); backend-cpu's 1024³ matmul, 2 threads ÷ 1 thread: 1.36×",
    );
    const withTorch = evaluateTargets({
      ...measures,
      'matmul-gflops:torch-cpu-1t:1024': 32,
      'matmul-gflops:torch-cpu-2t:1024': 33.6,
    }).find((r) => r.id === 'cpu-threads');
    expect(withTorch?.detail).toMatch(/; PyTorch's 1024³ matmul, 2 threads ÷ 1 thread: 1\.05×; backend-cpu's/);
    expect(withTorch?.status).toBe('met');
  });

  it('optimizer updates: ours at best vs PyTorch at best; memory in MB', () => {
    expect(byId['update:Adam']).toMatchObject({ status: 'met', value: 28, over: 15 });
    expect(byId['update:SGD']).toMatchObject({ status: 'not met', ratio: 8 });
    expect(byId['memory:backprop-cpu']).toMatchObject({ status: 'met', ratio: 1.25 });
    expect(byId['memory:backprop-cpu'].detail).toBe('15.00 MB (backprop-cpu) vs 12.00 MB (backprop-cpu)');
  });

  it('a missing measurement is "not measured", naming what is missing', () => {
    expect(byId['update:AdamW']).toMatchObject({ status: 'not measured' });
    expect(byId['update:AdamW'].detail).toMatch(/^missing update-ms:backprop-cpu:AdamW/);
    expect(byId['memory:backprop-onnx'].status).toBe('not measured');
    const none = evaluateTargets({});
    expect(none.every((r) => r.status === 'not measured' && r.ratio === undefined)).toBe(true);
    const half = evaluateTargets({ 'step-ms:torch-cpu-2t': 10 }).find((r) => r.id === 'onnx-vs-pytorch');
    expect(half?.detail).toBe('missing step-ms:backprop-onnx, step-ms:backprop-onnx-1t');
  });

  it('counts met, not met and not measured in one line', () => {
    const results = evaluateTargets(measures);
    const met = results.filter((r) => r.status === 'met').length;
    const notMet = results.filter((r) => r.status === 'not met').length;
    expect(met).toBeGreaterThan(0);
    expect(notMet).toBeGreaterThan(0);
    expect(targetTally(results)).toBe(
      `${met} of ${TARGETS.length} targets met (${notMet} not met, ${TARGETS.length - met - notMet} not measured)`,
    );
    expect(targetTally(evaluateTargets({}))).toBe(
      `0 of ${TARGETS.length} targets met (0 not met, ${TARGETS.length} not measured)`,
    );
  });

  it('evaluates a custom list and resolves quantities', () => {
    const t: Target = { id: 't', area: 'x', text: 'a ≤ 2× b', value: { key: 'a' }, over: { key: 'b' }, atMost: 2 };
    expect(evaluateTargets({ a: 4, b: 2 }, [t])[0].status).toBe('met');
    expect(evaluateTargets({ a: 5, b: 2 }, [t])[0].status).toBe('not met');
    expect(resolveQuantity({ floor: { flops: 'f', gflops: 'g' } }, { f: 2e9, g: 0 })).toEqual({ missing: ['g'] });
    expect(resolveQuantity({ best: ['p', 'q'] }, { p: 3, q: 2 })).toEqual({ value: 2, from: 'q' });
  });
});

describe('parseArgs --warmup', () => {
  it('reads seconds ≥ 0 and rejects anything else', () => {
    expect(parseArgs(['--warmup', '0'])).toMatchObject({ warmupSeconds: 0 });
    expect(parseArgs(['--quick', '--warmup', '2.5'])).toMatchObject({ quick: true, warmupSeconds: 2.5 });
    expect(parseArgs([]).warmupSeconds).toBeUndefined();
    expect(() => parseArgs(['--warmup', '-1'])).toThrow(/seconds ≥ 0/);
    expect(() => parseArgs(['--warmup', 'soon'])).toThrow(/seconds ≥ 0/);
    expect(() => parseArgs(['--warmup'])).toThrow(/needs a value/);
  });
});

describe('parseArgs --rounds', () => {
  it('reads a positive integer and rejects anything else', () => {
    expect(parseArgs(['--quick', '--rounds', '4'])).toMatchObject({ quick: true, rounds: 4 });
    expect(parseArgs([]).rounds).toBeUndefined();
    expect(() => parseArgs(['--rounds', '0'])).toThrow(/integer ≥ 1/);
    expect(() => parseArgs(['--rounds', '2.5'])).toThrow(/integer ≥ 1/);
    expect(() => parseArgs(['--rounds'])).toThrow(/needs a value/);
  });
});

describe('relaxed SIMD for backend-cpu at its best', () => {
  it('accepts --no-relaxed-simd, and does not re-run when asked not to or when the engine has it', async () => {
    const { relaxedSimdAvailable } = await import('@backprop/backend-cpu');
    const { rerunWithRelaxedSimd } = await import('../src/engine-flags.js');
    expect(parseArgs(['--quick', '--no-relaxed-simd'])).toMatchObject({ quick: true });
    expect(rerunWithRelaxedSimd(['main.js', '--no-relaxed-simd'])).toBeUndefined();
    if (relaxedSimdAvailable()) expect(rerunWithRelaxedSimd(['main.js'])).toBeUndefined();
  });
});
