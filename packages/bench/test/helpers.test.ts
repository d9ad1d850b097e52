// The small pieces: flags, tables, the workload, timing summaries, the optimizer choice and the ONNX matmul model.
import { Adam, SGD } from '@backprop/optimizers';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/cli-options.js';
import { createOptimizer } from '../src/optimizer-choice.js';
import { matmulModel, ortMatmulGflops } from '../src/ort-matmul.js';
import { toJsonText } from '../src/report/results-file.js';
import { fmt, formatTable, ratio } from '../src/report/table.js';
import { median, summarize } from '../src/timing.js';
import { mlpStepFlops, mlpWorkload } from '../src/workload.js';

describe('parseArgs', () => {
  it('reads every flag', () => {
    expect(
      parseArgs([
        '--quick',
        '--only',
        'tfjs-cpu,backprop-cpu',
        '--json',
        'out.json',
        '--optimizer',
        'adam',
        '--lr',
        '0.002',
      ]),
    ).toEqual({
      quick: true,
      only: ['tfjs-cpu', 'backprop-cpu'],
      json: 'out.json',
      optimizer: 'adam',
      lr: 0.002,
      help: false,
    });
    expect(parseArgs(['--', '--quick']).quick).toBe(true);
  });
  it('rejects unknown flags and bad values', () => {
    expect(() => parseArgs(['--fast'])).toThrow(/unknown flag --fast/);
    expect(() => parseArgs(['--optimizer', 'rmsprop'])).toThrow(/sgd or adam/);
    expect(() => parseArgs(['--only'])).toThrow(/needs a value/);
    expect(() => parseArgs(['--lr', '-1'])).toThrow(/positive/);
  });
});

describe('tables', () => {
  it('aligns columns as a Markdown table', () => {
    const t = formatTable(
      ['system', 'ms'],
      [
        ['a', '1'],
        ['longer', '12.5'],
      ],
    ).split('\n');
    expect(t).toEqual(['| system |   ms |', '|:-------|-----:|', '| a      |    1 |', '| longer | 12.5 |']);
  });
  it('formats numbers', () => {
    expect(fmt(12345.6)).toBe('12,346');
    expect(fmt(1.23456)).toBe('1.23');
    expect(fmt(undefined)).toBe('—');
    expect(ratio(3.456)).toBe('3.46×');
  });
});

describe('mlpWorkload', () => {
  it('is deterministic, shaped and drawn from U(±1/√fan_in)', () => {
    const a = mlpWorkload({ sizes: [6, 4, 3], batchSize: 5, batchCount: 2, seed: 1 });
    const b = mlpWorkload({ sizes: [6, 4, 3], batchSize: 5, batchCount: 2, seed: 1 });
    expect(a).toEqual(b);
    expect(a.layers.map((l) => [l.weight.length, l.bias.length])).toEqual([
      [24, 4],
      [12, 3],
    ]);
    expect(Math.max(...a.layers[0].weight.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(6));
    expect(a.batches[1].x).toHaveLength(30);
    expect(a.batches[1].y.every((v) => v >= 0 && v < 3)).toBe(true);
    // Forward + weight gradient of every layer, input gradient of layers 2 and 3 (the data needs none).
    expect(mlpStepFlops(mlpWorkload())).toBe(2 * 128 * (2 * 784 * 512 + 3 * 512 * 512 + 3 * 512 * 10));
  });
});

describe('timing', () => {
  it('summarizes with the median', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(summarize([1, 2, 6])).toEqual({ runs: 3, medianMs: 2, meanMs: 3, minMs: 1 });
  });
});

describe('createOptimizer', () => {
  it('makes Adam or SGD from @backprop/optimizers with the given learning rate', () => {
    const adam = createOptimizer({ name: 'adam', lr: 0.002 });
    expect(adam.optimizer).toBeInstanceOf(Adam);
    expect(adam.optimizer.lr).toBe(0.002);
    expect(createOptimizer({ name: 'sgd', lr: 0.1 }).optimizer).toBeInstanceOf(SGD);
  });
});

describe('matmulModel', () => {
  it('is a valid one-node ONNX model that ONNX Runtime runs as C = A·B', async () => {
    const session = await ort.InferenceSession.create(matmulModel(2, 3, 2));
    expect(session.inputNames).toEqual(['a', 'b']);
    const a = new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    const b = new ort.Tensor('float32', Float32Array.from([1, 0, 0, 1, 1, 1]), [3, 2]);
    const { c } = await session.run({ a, b });
    expect(c.dims).toEqual([2, 2]);
    expect(Array.from(c.data as Float32Array)).toEqual([4, 5, 10, 11]);
    await session.release();
  });
  it('gives a positive rate', async () => {
    const { gflops, ms } = await ortMatmulGflops({ n: 32, threads: 1, warmup: 1, reps: 2 });
    expect(gflops).toBeGreaterThan(0);
    expect(ms).toBeGreaterThan(0);
  });
});

describe('toJsonText', () => {
  it('puts short arrays of plain values on one line, as biome formats JSON', () => {
    expect(toJsonText({ a: ['x', 'y'], b: { c: [1, 2] }, d: [] })).toBe(
      '{\n  "a": ["x", "y"],\n  "b": {\n    "c": [1, 2]\n  },\n  "d": []\n}\n',
    );
    expect(toJsonText({ a: ['x'.repeat(70), 'y'.repeat(70)] })).toContain('[\n');
  });
});
