/** Tensors: creation, shapes, broadcasting, memory, random streams and typed errors. */

import { cpu } from '@backprop/backend-cpu';
import {
  arange,
  type Backend,
  BackendError,
  bernoulli,
  DisposedError,
  DTypeError,
  dispose,
  eye,
  full,
  getBackend,
  keyFromSeed,
  manualSeed,
  matmul,
  memory,
  oneHot,
  philoxUniform,
  randomNormal,
  randomUniform,
  ShapeError,
  setBackend,
  tensor,
  tidy,
  ValueError,
  zeros,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from './setup.js';

beforeAll(useCpu);

describe('tensors', () => {
  it('are made from nested arrays, typed arrays, ranges and identities', async () => {
    expect(
      await tensor([
        [1, 2],
        [3, 4],
      ]).array(),
    ).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(tensor(new Int32Array([1, 2])).dtype).toBe('int32');
    expect(tensor([true, false]).dtype).toBe('bool');
    expect(Array.from(await arange(1, 7, 2).data())).toEqual([1, 3, 5]);
    expect(await eye(2).array()).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(await oneHot(tensor(new Int32Array([2, 0])), 3).array()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
    ]);
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
  });

  it('store int32 values truncated, and refuse NaN, ±∞ and values outside int32 (they wrapped around)', async () => {
    expect(Array.from(await tensor([1.5, -2.7, 2147483647, -2147483648], [4], 'int32').data())).toEqual([
      1, -2, 2147483647, -2147483648,
    ]);
    expect(() => tensor([1, 3e9], [2], 'int32')).toThrow(
      new ValueError(
        'tensor: value 3000000000 at position 1 does not fit int32 (an integer in [-2147483648, 2147483647]); use float32 for it',
      ),
    );
    expect(() => tensor([Number.NaN], [1], 'int32')).toThrow(/value NaN at position 0 does not fit int32/);
    expect(() => tensor(new Float32Array([0, -Infinity]), [2], 'int32')).toThrow(/-Infinity at position 1/);
    expect(() => tensor([2147483648], [1], 'int32')).toThrow(ValueError);
    expect(Array.from(await full([2], 7.9, 'int32').data())).toEqual([7, 7]);
    expect(() => full([2], 2 ** 31, 'int32')).toThrow(/full: value 2147483648 does not fit int32/);
    expect(() => full([1], Number.NaN, 'int32')).toThrow(ValueError);
  });

  it('refuse array elements that are not numbers or booleans (they were read as NaN or 0), and float32 overflow (it became ±∞)', async () => {
    for (const [bad, shown] of [
      ['x', '"x"'],
      ['2', '"2"'],
      [null, 'null'],
      [undefined, 'undefined'],
      [{}, '{}'],
    ] as const) {
      expect(() => tensor([[1, bad as never]])).toThrow(
        new ValueError(
          `tensor: values must be numbers (or booleans), got ${shown} at position 1; convert text with Number() first, checking for NaN`,
        ),
      );
      expect(() => tensor([1, bad as never], [2], 'int32')).toThrow(ValueError);
    }
    expect(() => tensor([1, 2n as never])).toThrow(/got the BigInt 2n at position 1/);
    expect(Array.from(await tensor([[true, 2]]).data())).toEqual([1, 2]);
    // NaN and ±∞ given as such are values; a finite number float32 cannot hold is not.
    expect(Array.from(await tensor([Number.NaN, -Infinity, 3.4e38]).data())).toEqual([
      Number.NaN,
      -Infinity,
      Math.fround(3.4e38),
    ]);
    expect(() => tensor(new Float64Array([1, -1e300]) as never)).toThrow(
      'tensor: value -1e+300 at position 1 overflows float32 (|x| > 3.4028234663852886e38); scale it, or keep it in float64 outside the tensor',
    );
    expect(() => tensor([3.5e38])).toThrow(/value 3.5e\+38 at position 0 overflows float32/);
    expect(() => full([2], 1e39)).toThrow(/full: value 1e\+39 overflows float32/);
    expect(Array.from(await full([1], Infinity).data())).toEqual([Infinity]);
  });

  it('broadcast like NumPy and name the op when they cannot', async () => {
    expect(
      await tensor([[1], [2]])
        .add(tensor([10, 20, 30]))
        .array(),
    ).toEqual([
      [11, 21, 31],
      [12, 22, 32],
    ]);
    expect(() => tensor([1, 2]).add(tensor([1, 2, 3]))).toThrow(/add: shapes \[2\] and \[3\] do not broadcast/);
  });

  it('report matmul mismatches in the documented form', () => {
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow(
      'matmul: inner dimensions differ, got a[2,3] and b[4,5] (3 ≠ 4)',
    );
  });

  it('refuse mixed dtypes and float ops on integers', () => {
    expect(() => tensor([1]).add(tensor(new Int32Array([1])))).toThrow(DTypeError);
    expect(() => tensor(new Int32Array([1])).exp()).toThrow(/exp: expected a float32 tensor, got int32\[1\]/);
  });

  it('fail loudly after dispose, and dispose twice safely', () => {
    const t = tensor([1, 2]);
    t.dispose();
    t.dispose();
    expect(() => t.add(1)).toThrow(DisposedError);
  });

  it('tidy frees everything except what it returns; reshape views share storage', () => {
    const before = memory();
    const kept = tidy(() => {
      const a = tensor([1, 2, 3, 4]);
      const b = a.reshape([2, 2]);
      a.mul(2).add(1);
      return b;
    });
    expect(memory().handles).toBe(before.handles + 1);
    dispose(kept);
    expect(memory()).toMatchObject({ tensors: before.tensors, handles: before.handles });
  });

  it('tidy refuses async functions', () => {
    expect(() => tidy(async () => 1 as never)).toThrow(/must be synchronous/);
  });
});

describe('random', () => {
  it('draws the Philox stream: explicit seeds from offset 0, the global generator advancing', async () => {
    expect(Array.from(await randomUniform([10], { seed: 42 }).data())).toEqual(
      Array.from(philoxUniform(keyFromSeed(42), 0, 10)),
    );
    manualSeed(7);
    const a = await randomUniform([6]).data();
    const b = await randomUniform([3]).data();
    expect(Array.from(a)).toEqual(Array.from(philoxUniform(keyFromSeed(7), 0, 6)));
    expect(Array.from(b)).toEqual(Array.from(philoxUniform(keyFromSeed(7), 2, 3)));
  });

  it('draws from a Generator that advances, independently of the global generator', async () => {
    const { Generator } = await import('@backprop/core');
    const g = new Generator(5);
    const a = await randomUniform([6], { generator: g }).data();
    const b = await bernoulli([3], 0.5, { generator: g, dtype: 'bool' }).data();
    expect(Array.from(a)).toEqual(Array.from(philoxUniform(keyFromSeed(5), 0, 6)));
    expect(Array.from(b)).toEqual(Array.from(philoxUniform(keyFromSeed(5), 2, 3), (u) => (u < 0.5 ? 1 : 0)));
    expect(g.getState().offset).toBe(3);
    manualSeed(7);
    randomUniform([4], { generator: new Generator(1) });
    expect(Array.from(await randomUniform([2]).data())).toEqual(Array.from(philoxUniform(keyFromSeed(7), 0, 2)));
    expect(() => randomUniform([1], { seed: 1, generator: g })).toThrow(/a seed or a generator, not both/);
  });

  it('has normal moments and Bernoulli rates', async () => {
    const z = await randomNormal([20000], { seed: 3, mean: 2, std: 3 }).data();
    const mean = Array.from(z).reduce((s, v) => s + v, 0) / z.length;
    const std = Math.sqrt(Array.from(z).reduce((s, v) => s + (v - mean) ** 2, 0) / z.length);
    expect(mean).toBeCloseTo(2, 1);
    expect(std).toBeCloseTo(3, 1);
    const m = await bernoulli([20000], 0.3, { seed: 4 }).data();
    expect(Array.from(m).reduce((s, v) => s + v, 0) / m.length).toBeCloseTo(0.3, 2);
  });
});

describe('backends', () => {
  it('name the kernel and backend when a kernel is missing', async () => {
    const full = cpu();
    const { exp: _drop, ...rest } = full.kernels;
    const partial = { ...full, name: 'partial', kernels: rest } as unknown as Backend;
    await setBackend(partial);
    try {
      expect(() => tensor([1]).exp()).toThrow(BackendError);
      expect(() => tensor([1]).exp()).toThrow(/exp: backend "partial" has no kernel "exp"/);
    } finally {
      await useCpu();
    }
  });

  it('refuse tensors from another backend', async () => {
    const t = tensor([1]);
    await setBackend(cpu());
    expect(getBackend()).not.toBe(t.ref.backend);
    // Both are named "cpu": the message says it is another instance ("backend "cpu" but the current backend is "cpu"" before).
    expect(() => t.add(1)).toThrow(
      /^add: a tensor lives on another backend instance named "cpu" than the current one \(setBackend was given a new cpu\(\) since it was made\); move it with `await toBackend\(t\)`$/,
    );
  });
});

describe('toBackend', () => {
  it('copies a tensor from a previous backend', async () => {
    const t = tensor([1, 2]);
    await setBackend(cpu());
    const { toBackend } = await import('@backprop/core');
    const moved = await toBackend(t);
    expect(await moved.add(1).array()).toEqual([2, 3]);
  });
});
