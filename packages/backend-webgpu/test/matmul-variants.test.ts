/**
 * The matmul variants (tiled, vec4, gemv, split-K) against backend-cpu: the pure choice, shapes
 * that make the backend pick each variant, and each variant forced on the edge cases
 * (transposes, broadcast batch, ragged edges, K = 0, NaN, the dense epilogues).
 */
import { type Shape, sizeOf } from '@backprop/core';
import { expectClose } from '@backprop/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { GpuContext } from '../src/gpu-context.js';
import { GpuHandle } from '../src/handle.js';
import type { KernelContext } from '../src/kernel-context.js';
import { runMatmul } from '../src/shaders/matmul.js';
import {
  chooseMatmulVariant,
  chooseTiling,
  gemvPlan,
  LARGE,
  type MatmulPlan,
  MEDIUM,
  planName,
  SMALL,
  splitKPlan,
  vec4Aligned,
} from '../src/shaders/matmul-choose.js';
import { DENSE_EPILOGUE, NO_EPILOGUE } from '../src/shaders/matmul-epilogue.js';
import { denseProblem, type MatmulProblem, matmulProblem } from '../src/shaders/matmul-problem.js';
import { expectSame, f32, gpuBackend, type Input, input, onCpu, skipGpu } from './util.js';

const TRANSPOSES = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
] as const;

/** A matmul case: batch shapes of a and b, M, K, N and the transposes. */
interface Case {
  m: number;
  k: number;
  n: number;
  tA?: boolean;
  tB?: boolean;
  aBatch?: number[];
  bBatch?: number[];
}

function shapes({ m, k, n, tA = false, tB = false, aBatch = [], bBatch = [] }: Case) {
  const a: Shape = [...aBatch, ...(tA ? [k, m] : [m, k])];
  const b: Shape = [...bBatch, ...(tB ? [n, k] : [k, n])];
  const batch = Array.from({ length: Math.max(aBatch.length, bBatch.length) }, (_, i) => {
    const da = aBatch[aBatch.length - 1 - i] ?? 1;
    const db = bBatch[bBatch.length - 1 - i] ?? 1;
    return Math.max(da, db);
  }).reverse();
  return { a, b, out: [...batch, m, n] as Shape };
}

const problem = (c: Case): MatmulProblem => {
  const { a, b, out } = shapes(c);
  return matmulProblem(a, b, out, c.tA ?? false, c.tB ?? false);
};
const choice = (c: Case, t: 'f32' | 'i32' = 'f32') => chooseMatmulVariant(problem(c), t);
const dense = (n: number, i: number, o: number) => denseProblem([n, i], [i, o]);
const tol = (k: number) => 1e-5 * Math.max(k, 10);

describe('chooseMatmulVariant picks by shape', () => {
  it('int32 always takes the scalar tiled shader (it wraps)', () => {
    expect(choice({ m: 1, k: 4096, n: 4096 }, 'i32')).toEqual({ variant: 'tiled', tiling: SMALL });
    expect(choice({ m: 64, k: 16384, n: 64 }, 'i32')).toEqual({ variant: 'tiled', tiling: SMALL });
    expect(choice({ m: 2048, k: 2048, n: 2048 }, 'i32')).toEqual({ variant: 'tiled', tiling: LARGE });
  });
  it('M or N of 1 takes gemv, in the mode of the long operand’s layout', () => {
    expect(choice({ m: 1, k: 4096, n: 4096 })).toEqual({ variant: 'gemv', mode: 'axpy', alongN: true });
    expect(choice({ m: 1, k: 4096, n: 4096, tB: true })).toEqual({ variant: 'gemv', mode: 'dot', alongN: true });
    expect(choice({ m: 4096, k: 4096, n: 1 })).toEqual({ variant: 'gemv', mode: 'dot', alongN: false });
    expect(choice({ m: 4096, k: 4096, n: 1, tA: true })).toEqual({ variant: 'gemv', mode: 'axpy', alongN: false });
    expect(choice({ m: 1, k: 0, n: 7 }).variant).toBe('gemv');
    expect(chooseMatmulVariant(dense(1, 784, 512), 'f32').variant).toBe('gemv');
  });
  it('a tiny output with K ≥ 8·M·N takes gemv', () => {
    expect(choice({ m: 8, k: 512, n: 8 }).variant).toBe('gemv');
    expect(choice({ m: 8, k: 511, n: 8 }).variant).toBe('tiled');
    expect(choice({ m: 64, k: 16384, n: 64 }).variant).toBe('split-k');
  });
  it('a small output with a large K takes split-K: two waves of 132 SMs, chunks of ≥ 512, multiples of 16', () => {
    // 16 tiles of 16×16: ⌈264/16⌉ = 17 splits of ⌈16384/17⌉ = 964 → 976.
    expect(choice({ m: 64, k: 16384, n: 64 })).toEqual({
      variant: 'split-k',
      splits: 17,
      kChunk: 976,
      partial: { variant: 'tiled', tiling: SMALL },
    });
    // K 2048 allows 4 chunks of 512; a ragged K still covers K with no empty split.
    expect(planName(choice({ m: 64, k: 2048, n: 64 }))).toBe('split-k-4-tiled-small');
    const ragged = choice({ m: 37, k: 2050, n: 53 });
    expect(ragged).toMatchObject({ variant: 'split-k', splits: 4, kChunk: 528 });
    expect(chooseMatmulVariant(dense(64, 4096, 30), 'f32')).toMatchObject({ variant: 'split-k', splits: 8 });
  });
  it('split-K stays within the binding size and the grid, and needs K ≥ 2048 and few workgroups', () => {
    const p = problem({ m: 64, k: 16384, n: 64 });
    const limits = { maxBindingBytes: 5 * 64 * 64 * 4, maxWorkgroupsPerDimension: 65535 };
    expect(chooseMatmulVariant(p, 'f32', limits)).toMatchObject({ variant: 'split-k', splits: 5 });
    const grid = { maxBindingBytes: 2 ** 27, maxWorkgroupsPerDimension: 3 };
    expect(chooseMatmulVariant(p, 'f32', grid)).toMatchObject({ variant: 'split-k', splits: 3 });
    expect(chooseMatmulVariant(p, 'f32', { ...grid, maxWorkgroupsPerDimension: 1 }).variant).toBe('tiled');
    expect(planName(choice({ m: 64, k: 2047, n: 64 }))).toBe('tiled-small');
    // 1024 × 1024 outputs make 256 MEDIUM workgroups: already two waves.
    expect(planName(choice({ m: 1024, k: 8192, n: 1024 }))).toBe('vec4-medium');
  });
  it('aligned f32 layouts on MEDIUM and LARGE tilings take vec4; anything else stays scalar', () => {
    expect(planName(choice({ m: 2048, k: 2048, n: 2048 }))).toBe('vec4-large');
    expect(planName(choice({ m: 2047, k: 2048, n: 2048 }))).toBe('vec4-large'); // M is not read contiguously
    expect(planName(choice({ m: 2047, k: 2048, n: 2048, tA: true }))).toBe('tiled-large');
    expect(planName(choice({ m: 2048, k: 2046, n: 2048 }))).toBe('tiled-large');
    expect(planName(choice({ m: 2048, k: 2046, n: 2048, tA: true }))).toBe('vec4-large'); // K is not contiguous in either
    expect(planName(choice({ m: 2048, k: 2046, n: 2048, tA: true, tB: true }))).toBe('tiled-large');
    expect(planName(choice({ m: 2048, k: 2048, n: 2046, tB: true }))).toBe('tiled-large'); // vec4 stores need N % 4
    expect(planName(choice({ m: 256, k: 256, n: 256 }))).toBe('tiled-small');
    expect(planName(choice({ m: 252, k: 68, n: 260, aBatch: [5], bBatch: [5] }))).toBe('vec4-medium');
    expect(planName(choice({ m: 260, k: 20, n: 260, aBatch: [24], bBatch: [24] }))).toBe('vec4-large');
    expect(vec4Aligned(problem({ m: 8, k: 8, n: 8, aBatch: [2, 1], bBatch: [3, 1, 1] }))).toBe(true);
  });
  it('runMatmul refuses a vec4 plan on an unaligned layout and non-tiled plans for int32', () => {
    const k = { gpu: {} as GpuContext, output: () => new GpuHandle({} as GPUBuffer, 0, {}) };
    const p = problem({ m: 3, k: 5, n: 8 });
    const y = k.output();
    expect(() => runMatmul(k, 'matmul', 'f32', p, [], y, NO_EPILOGUE, { variant: 'vec4', tiling: MEDIUM })).toThrow(
      /16-byte aligned/,
    );
    expect(() => runMatmul(k, 'matmul', 'i32', p, [], y, NO_EPILOGUE, gemvPlan(p))).toThrow(/f32 only/);
  });
  it('chooseTiling steps down when the tiles cannot fill the GPU', () => {
    expect(chooseTiling(1, 2048, 2048)).toBe(LARGE);
    expect(chooseTiling(1, 1024, 1024)).toBe(MEDIUM);
    expect(chooseTiling(1, 512, 512)).toBe(SMALL);
    expect(chooseTiling(24, 260, 260)).toBe(LARGE);
  });
});

/** Runs a float32 matmul case on the backend and backend-cpu after checking the variant the shape selects. */
async function expectVariant(variant: string, c: Case, { nanAt = -1, seed = 1 } = {}) {
  const p = problem(c);
  expect(planName(chooseMatmulVariant(p, 'f32'))).toMatch(new RegExp(`^${variant}`));
  const { a, b, out } = shapes(c);
  const x = f32(a, seed);
  if (nanAt >= 0) x.values[nanAt] = Number.NaN;
  const attrs = { transposeA: c.tA ?? false, transposeB: c.tB ?? false };
  await expectSame('matmul', [x, f32(b, seed + 1)], attrs, { shape: out, dtype: 'float32' }, 1e-4, tol(c.k));
}

/** Runs dense on both backends, after checking the variant. */
async function expectDenseVariant(variant: string, n: number, i: number, o: number, nanAt = -1) {
  expect(planName(chooseMatmulVariant(dense(n, i, o), 'f32'))).toMatch(new RegExp(`^${variant}`));
  const x = f32([n, i], 5);
  if (nanAt >= 0) x.values[nanAt] = Number.NaN;
  const w = f32([i, o], 6, -0.3, 0.3);
  const bias = f32([o], 7);
  await expectSame('dense', [x, w, bias], {}, { shape: [n, o], dtype: 'float32' }, 1e-4, tol(i));
}

describe.skipIf(skipGpu)('each variant, selected by shape, matches backend-cpu', () => {
  it('gemv: M = 1 and N = 1 with every transpose (both modes), broadcast batch, K = 0, NaN', async () => {
    for (const [tA, tB] of TRANSPOSES) {
      await expectVariant('gemv', { m: 1, k: 300, n: 333, tA, tB });
      await expectVariant('gemv', { m: 257, k: 300, n: 1, tA, tB });
      await expectVariant('gemv', { m: 6, k: 700, n: 5, tA, tB }); // K ≥ 8·M·N
    }
    await expectVariant('gemv', { m: 1, k: 70, n: 45, aBatch: [2, 1], bBatch: [3] });
    await expectVariant('gemv', { m: 1, k: 0, n: 7 });
    await expectVariant('gemv', { m: 5, k: 0, n: 1 });
    await expectVariant('gemv', { m: 1, k: 300, n: 333 }, { nanAt: 17 });
  });
  it('gemv: dense (the bias epilogue), and K = 0', async () => {
    await expectDenseVariant('gemv', 1, 50, 21, 3);
    await expectDenseVariant('gemv', 1, 0, 21);
  });
  it('vec4-medium: every transpose with ragged edges, broadcast batch, K = 0, NaN', async () => {
    for (const [tA, tB] of TRANSPOSES) {
      await expectVariant('vec4-medium', { m: 252, k: 68, n: 260, tA, tB, aBatch: [5], bBatch: [5] });
    }
    await expectVariant('vec4-medium', { m: 252, k: 68, n: 260, aBatch: [5], bBatch: [] });
    await expectVariant('vec4-medium', { m: 252, k: 68, n: 260, tA: true, aBatch: [1, 1], bBatch: [5, 1] });
    await expectVariant('vec4-medium', { m: 256, k: 0, n: 256, aBatch: [6], bBatch: [6] });
    await expectVariant('vec4-medium', { m: 252, k: 68, n: 260, aBatch: [5], bBatch: [5] }, { nanAt: 1000 });
  });
  it('vec4-large: every transpose with ragged edges', async () => {
    for (const [tA, tB] of TRANSPOSES) {
      await expectVariant('vec4-large', { m: 260, k: 20, n: 260, tA, tB, aBatch: [24], bBatch: [24] });
    }
  });
  it('vec4: dense, NaN, and K = 0', async () => {
    await expectDenseVariant('vec4-medium', 1024, 20, 388, 77);
    await expectDenseVariant('vec4-medium', 1024, 0, 388);
    await expectDenseVariant('vec4-large', 2048, 12, 1540);
  });
  it('split-K: every transpose, ragged K and edges, broadcast batch, NaN', async () => {
    for (const [tA, tB] of TRANSPOSES) {
      await expectVariant('split-k-4-tiled-small', { m: 64, k: 2048, n: 64, tA, tB });
      await expectVariant('split-k-4-tiled-small', { m: 37, k: 2050, n: 53, tA, tB });
    }
    await expectVariant('split-k', { m: 40, k: 2048, n: 24, aBatch: [2, 1], bBatch: [1, 3] });
    await expectVariant('split-k', { m: 37, k: 2050, n: 53 }, { nanAt: 5000 });
  });
  it('split-K: dense (the bias epilogue in the reducing pass)', async () => {
    await expectDenseVariant('split-k-8', 64, 4096, 30, 100);
  });
  it('the scalar tiled fallback: int32 gemv shapes, unaligned MEDIUM and LARGE shapes', async () => {
    const ints = (shape: Shape, mod: number) =>
      input(
        Array.from({ length: sizeOf(shape) }, (_, i) => ((i * 2654435761) % mod) - 7),
        shape,
        'int32',
      );
    expect(planName(choice({ m: 1, k: 40, n: 7 }, 'i32'))).toBe('tiled-small');
    await expectSame(
      'matmul',
      [ints([1, 40], 100003), ints([40, 7], 99991)],
      { transposeA: false, transposeB: false },
      { shape: [1, 7], dtype: 'int32' },
    );
    for (const [tA, tB] of TRANSPOSES) {
      await expectVariant('tiled-medium', { m: 251, k: 67, n: 259, tA, tB, aBatch: [5], bBatch: [5] });
    }
    await expectVariant('tiled-large', { m: 259, k: 19, n: 259, aBatch: [24], bBatch: [24] });
  });
});

/** A plan forced on whatever problem a case makes. */
type Force = (p: MatmulProblem) => MatmulPlan;

const chunks16 = (p: MatmulProblem) => Math.max(1, Math.ceil(p.k / 16));
const FORCED: { name: string; plan: Force; aligned: boolean }[] = [
  { name: 'tiled-small', plan: () => ({ variant: 'tiled', tiling: SMALL }), aligned: false },
  { name: 'tiled-medium', plan: () => ({ variant: 'tiled', tiling: MEDIUM }), aligned: false },
  { name: 'tiled-large', plan: () => ({ variant: 'tiled', tiling: LARGE }), aligned: false },
  { name: 'vec4-medium', plan: () => ({ variant: 'vec4', tiling: MEDIUM }), aligned: true },
  { name: 'vec4-large', plan: () => ({ variant: 'vec4', tiling: LARGE }), aligned: true },
  ...(['dot', 'axpy'] as const).flatMap((mode) =>
    [true, false].map((alongN) => ({
      name: `gemv-${mode} along ${alongN ? 'N' : 'M'}`,
      plan: (): MatmulPlan => ({ variant: 'gemv', mode, alongN }),
      aligned: false,
    })),
  ),
  { name: 'split-k chosen by splitKPlan', plan: (p) => splitKPlan(p, 3), aligned: false },
  {
    name: 'split-k, chunks of 16, tiled-medium partials',
    plan: (p) => ({
      variant: 'split-k',
      splits: chunks16(p),
      kChunk: 16,
      partial: { variant: 'tiled', tiling: MEDIUM },
    }),
    aligned: false,
  },
  {
    name: 'split-k, chunks of 16, vec4-medium partials',
    plan: (p) => ({
      variant: 'split-k',
      splits: chunks16(p),
      kChunk: 16,
      partial: { variant: 'vec4', tiling: MEDIUM },
    }),
    aligned: true,
  },
];

describe.skipIf(skipGpu)('each variant, forced, matches backend-cpu on the edge cases', () => {
  let context: GpuContext | undefined;
  afterAll(async () => {
    await context?.destroy();
    context = undefined;
  });

  /** Runs `kernel` on the WebGPU device as `force` says (a debug context: validation errors throw). */
  async function runForced(force: Force, kernel: 'matmul' | 'dense', inputs: Input[], attrs: any, out: Shape) {
    context ??= new GpuContext((await gpuBackend()).device, {
      dispatchesPerSubmit: 16,
      debug: true,
      maxPooledBytes: 0,
      bindGroupCacheSize: 64,
    });
    const gpu = context;
    const p =
      kernel === 'matmul'
        ? matmulProblem(inputs[0].shape, inputs[1].shape, out, attrs.transposeA, attrs.transposeB)
        : denseProblem(inputs[0].shape, inputs[1].shape);
    const buffers = inputs.map((x) => {
      const buffer = gpu.pool.acquireForWrite(x.values.byteLength);
      if (x.values.byteLength > 0)
        gpu.device.queue.writeBuffer(buffer, 0, x.values.buffer, x.values.byteOffset, x.values.byteLength);
      return buffer;
    });
    const bytes = sizeOf(out) * 4;
    const y = new GpuHandle(gpu.pool.acquireForKernel(bytes), bytes, {});
    const k: KernelContext = {
      gpu,
      output: () => {
        throw new Error('unused');
      },
    };
    const epilogue = kernel === 'dense' ? DENSE_EPILOGUE : NO_EPILOGUE;
    runMatmul(k, kernel, 'f32', p, buffers, y, epilogue, force(p));
    const actual = new Float32Array(await gpu.readBuffer(kernel, y.buffer, bytes));
    for (const buffer of [...buffers, y.buffer]) gpu.pool.release(buffer);
    const expected = await onCpu(kernel, inputs, attrs, { shape: out, dtype: 'float32' });
    expectClose(actual, expected, { rtol: 1e-4, atol: tol(p.k) });
  }

  for (const { name, plan, aligned } of FORCED) {
    it(name, async () => {
      // Aligned sizes (multiples of 4, not of any tile) for vec4; ragged ones for the rest.
      const [m, k, n] = aligned ? [20, 36, 28] : [19, 37, 23];
      for (const [tA, tB] of TRANSPOSES) {
        const { a, b, out } = shapes({ m, k, n, tA, tB, aBatch: [2, 1], bBatch: [3] });
        await runForced(plan, 'matmul', [f32(a, 11), f32(b, 12)], { transposeA: tA, transposeB: tB }, out);
      }
      const plain = { transposeA: false, transposeB: false };
      const nan = f32([m, k], 13);
      nan.values[k + 3] = Number.NaN;
      await runForced(plan, 'matmul', [nan, f32([k, n], 14)], plain, [m, n]);
      await runForced(plan, 'matmul', [f32([m, 0], 1), f32([0, n], 2)], plain, [m, n]);
      const bias = f32([n], 15);
      const x = f32([m, k], 16);
      x.values[5] = Number.NaN;
      await runForced(plan, 'dense', [x, f32([k, n], 17, -0.3, 0.3), bias], {}, [m, n]);
      await runForced(plan, 'dense', [f32([m, 0], 1), f32([0, n], 2), bias], {}, [m, n]);
    });
  }
});
