/**
 * `updateInPlace`: each fused update written into its own inputs gives, bit for bit, what the
 * same backend's out-of-place kernel returns, on the scalar kernels, on SIMD with one thread and
 * split across two; it allocates no heap block and changes no byte count; a guard holding
 * anything but 0 leaves every input as it was.
 */
import type { TensorInfo, UpdateKernelAttrs, UpdateKernelName } from '@backprop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CpuBackend, cpu } from '../src/index.js';

const paths: [string, CpuBackend][] = [
  ['scalar', cpu({ simd: false, threads: 1 })],
  ['simd, 1 thread', cpu({ simd: true, threads: 1 })],
  ['simd, 2 threads, split from 64 elements', cpu({ simd: true, threads: 2, parallelMinElements: 64 })],
  ['simd, 3 threads, split from 64 elements', cpu({ simd: true, threads: 3, parallelMinElements: 64 })],
];
beforeAll(async () => {
  for (const [, b] of paths) await b.ready();
});
afterAll(() => {
  for (const [, b] of paths) b.destroy();
});

const wave = (n: number, seed: number, positive = false) =>
  Float32Array.from({ length: n }, (_, i) => {
    const v = Math.sin(i * 0.917 + seed) * (1 + seed / 3);
    return positive ? v * v + 0.05 : v;
  });

/** An update's inputs as [values | int32 step | float32 γ] and its attributes. */
type Spec<K extends UpdateKernelName> = [K, (Float32Array | { step: number } | { lr: number })[], UpdateKernelAttrs[K]];

function specs(n: number): Spec<UpdateKernelName>[] {
  const f = (s: number, positive = false) => wave(n, s, positive);
  const sgd = (momentum: number, nesterov: boolean) => ({
    momentum,
    dampening: 0.2,
    nesterov,
    weightDecay: 0.01,
    firstStep: false,
  });
  const adam = (decoupled: boolean, amsgrad: boolean) => ({
    beta1: 0.9,
    beta2: 0.99,
    eps: 1e-8,
    weightDecay: 0.05,
    decoupled,
    amsgrad,
  });
  const rms = (momentum: number, centered: boolean) => ({
    decay: 0.9,
    scale: 0.1,
    eps: 1e-8,
    weightDecay: 0.01,
    momentum,
    centered,
  });
  return [
    ['sgdUpdate', [f(1), f(2), { lr: 0.1 }], sgd(0, false)],
    ['sgdUpdate', [f(1), f(2), f(3), { lr: 0.1 }], sgd(0.9, false)],
    ['sgdUpdate', [f(1), f(2), f(3), { lr: 0.1 }], sgd(0.9, true)],
    ['adamUpdate', [f(1), f(2), f(3), f(4, true), { step: 5 }, { lr: 0.01 }], adam(false, false)],
    ['adamUpdate', [f(1), f(2), f(3), f(4, true), { step: 5 }, { lr: 0.01 }], adam(true, false)],
    ['adamUpdate', [f(1), f(2), f(3), f(4, true), { step: 5 }, f(5, true), { lr: 0.01 }], adam(false, true)],
    ['rmspropUpdate', [f(1), f(2), f(4, true), { lr: 0.01 }], rms(0, false)],
    ['rmspropUpdate', [f(1), f(2), f(4, true).map((v) => v + 4), f(3), f(5), { lr: 0.01 }], rms(0.5, true)],
    ['rmspropUpdate', [f(1), f(2), f(4, true), f(5), { lr: 0.01 }], { ...rms(0.5, false), decay: 1, scale: 1 }],
  ] as Spec<UpdateKernelName>[];
}

function write(b: CpuBackend, values: Spec<UpdateKernelName>[1]): TensorInfo[] {
  return values.map((v): TensorInfo => {
    if ('step' in v) return { handle: b.write(Int32Array.of(v.step), [], 'int32'), shape: [], dtype: 'int32' };
    if ('lr' in v) return { handle: b.write(Float32Array.of(v.lr), [], 'float32'), shape: [], dtype: 'float32' };
    return { handle: b.write(v, [v.length], 'float32'), shape: [v.length], dtype: 'float32' };
  });
}

/** The positions an update writes: all but the gradient, Adam's step and γ. */
const written = (name: UpdateKernelName, count: number) =>
  Array.from({ length: count }, (_, i) => i).filter(
    (i) => i !== 1 && i !== count - 1 && !(name === 'adamUpdate' && i === 4),
  );

const read = (b: CpuBackend, info: TensorInfo) =>
  Array.from(new Uint32Array(b.readSync?.(info.handle, info.shape, info.dtype).buffer as ArrayBuffer));

describe.each(paths)('%s', (_, b) => {
  describe.each([7, 64, 1003])('%i elements', (n) => {
    it.each(specs(n).map((s) => [`${s[0]} ${JSON.stringify(s[2])}`, s] as const))('%s', (_, [name, values, attrs]) => {
      const ref = write(b, values);
      const targets = written(name, values.length);
      const kernel = b.kernels[name] as unknown as (...a: unknown[]) => TensorInfo['handle'][];
      const outs = targets.map(() => ({ shape: [n], dtype: 'float32' as const }));
      const expected = kernel(ref, attrs, outs, { backend: b, name }).map((h) =>
        read(b, { handle: h, shape: [n], dtype: 'float32' }),
      );

      const inputs = write(b, values);
      const before = { blocks: b.heap.liveBlocks, bytes: b.memory().bytes, top: b.heap.unusedTopBytes };
      b.updateInPlace?.(name, inputs, attrs as never);
      expect(targets.map((i) => read(b, inputs[i]))).toEqual(expected);
      expect({ blocks: b.heap.liveBlocks, bytes: b.memory().bytes, top: b.heap.unusedTopBytes }).toEqual(before);

      for (const guard of [1, Number.NaN, Number.NEGATIVE_INFINITY]) {
        const g: TensorInfo = { handle: b.write(Float32Array.of(guard), [], 'float32'), shape: [], dtype: 'float32' };
        const kept = inputs.map((x) => read(b, x));
        b.updateInPlace?.(name, inputs, attrs as never, g);
        expect(inputs.map((x) => read(b, x))).toEqual(kept);
        b.dispose(g.handle);
      }
      const zero: TensorInfo = { handle: b.write(Float32Array.of(0), [], 'float32'), shape: [], dtype: 'float32' };
      const again = write(b, values);
      b.updateInPlace?.(name, again, attrs as never, zero);
      expect(targets.map((i) => read(b, again[i]))).toEqual(expected);
    });
  });
});

it('rejects a handle of another backend, writing nothing', () => {
  const [, a] = paths[1];
  const [, other] = paths[2];
  const p = { handle: a.write(wave(100, 1), [100], 'float32'), shape: [100], dtype: 'float32' as const };
  const g = { handle: other.write(wave(100, 2), [100], 'float32'), shape: [100], dtype: 'float32' as const };
  const lr = { handle: a.write(Float32Array.of(0.1), [], 'float32'), shape: [], dtype: 'float32' as const };
  const before = read(a, p);
  const attrs = { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: true };
  expect(() => a.updateInPlace?.('sgdUpdate', [p, g, lr], attrs)).toThrow(/another cpu backend/);
  expect(read(a, p)).toEqual(before);
});
