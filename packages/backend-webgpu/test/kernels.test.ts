import { philoxUniform, type RmspropUpdateAttrs, ValueError } from '@backprop/core';
import { expectClose } from '@backprop/testing';
import { describe, expect, it } from 'vitest';
import { webgpu } from '../src/index.js';
import { both, expectSame, expectSameMulti, f32, gpuBackend, type Input, input, skipGpu } from './util.js';

const ints = (shape: number[], mod = 7) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return input(
    Array.from({ length: n }, (_, i) => ((i * 2654435761) % mod) - 3),
    shape,
    'int32',
  );
};

describe.skipIf(skipGpu)('webgpu reductions match backend-cpu', () => {
  for (const name of ['sum', 'max', 'min'] as const) {
    it(`${name} over every axis set of a rank-3 tensor`, async () => {
      const x = f32([5, 7, 130], 21);
      for (const axes of [[0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2]]) {
        const shape = x.shape.filter((_, d) => !axes.includes(d));
        await expectSame(name, [x], { axes }, { shape, dtype: 'float32' }, 1e-5, 1e-4);
        await expectSame(name, [ints([5, 7, 130])], { axes }, { shape, dtype: 'int32' });
      }
    });
  }
  it('max and min propagate NaN; empty axes give the identity', async () => {
    const x = input([1, Number.NaN, 3, 4, 5, 6, 7, 8], [2, 4]);
    for (const name of ['max', 'min', 'sum'] as const) {
      await expectSame(name, [x], { axes: [1] }, { shape: [2], dtype: 'float32' });
      await expectSame(name, [f32([3, 0], 1)], { axes: [1] }, { shape: [3], dtype: 'float32' });
      await expectSame(name, [input([], [3, 0], 'int32')], { axes: [1] }, { shape: [3], dtype: 'int32' });
    }
    const long = f32([3, 1000], 5);
    long.values[1500] = Number.NaN;
    await expectSame('max', [long], { axes: [1] }, { shape: [3], dtype: 'float32' });
  });
  for (const name of ['argmax', 'argmin'] as const) {
    it(`${name} along each axis, first occurrence, NaN wins, empty gives −1`, async () => {
      const x = input([1, 3, 3, 0, Number.NaN, 2, -1, -1, 5], [3, 3]);
      await expectSame(name, [x], { axis: 1 }, { shape: [3], dtype: 'int32' });
      await expectSame(name, [x], { axis: 0 }, { shape: [3], dtype: 'int32' });
      await expectSame(name, [ints([4, 5, 6])], { axis: 1 }, { shape: [4, 6], dtype: 'int32' });
      await expectSame(name, [f32([2, 0], 1)], { axis: 1 }, { shape: [2], dtype: 'int32' });
    });
  }
});

describe.skipIf(skipGpu)('webgpu matmul matches backend-cpu', () => {
  const cases: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 7],
    [17, 33, 9],
    [128, 784, 512],
    [130, 70, 200],
    [512, 300, 520],
    [1, 512, 10],
    [64, 0, 5],
    [0, 4, 3],
  ];
  for (const [m, k, n] of cases) {
    it(`[${m}×${k}]·[${k}×${n}] with every transpose`, async () => {
      for (const tA of [false, true]) {
        for (const tB of [false, true]) {
          const a = f32(tA ? [k, m] : [m, k], m + k);
          const b = f32(tB ? [n, k] : [k, n], n + 1);
          await expectSame(
            'matmul',
            [a, b],
            { transposeA: tA, transposeB: tB },
            { shape: [m, n], dtype: 'float32' },
            1e-4,
            1e-5 * Math.max(k, 10),
          );
        }
      }
    });
  }
  it('broadcasts batch axes and multiplies int32 with wrapping', async () => {
    const a = f32([2, 1, 6, 4], 3);
    const b = f32([3, 4, 5], 4);
    await expectSame(
      'matmul',
      [a, b],
      { transposeA: false, transposeB: false },
      { shape: [2, 3, 6, 5], dtype: 'float32' },
      1e-5,
      1e-5,
    );
    await expectSame(
      'matmul',
      [ints([2, 3, 4], 100000), ints([4, 5], 99991)],
      { transposeA: false, transposeB: false },
      { shape: [2, 3, 5], dtype: 'int32' },
    );
  });
  it('dense fuses the bias', async () => {
    const x = f32([37, 50], 1);
    const w = f32([50, 21], 2, -0.3, 0.3);
    const bias = f32([21], 3);
    await expectSame('dense', [x, w, bias], {}, { shape: [37, 21], dtype: 'float32' }, 1e-4, 1e-5);
  });
});

describe.skipIf(skipGpu)('webgpu layout kernels match backend-cpu', () => {
  it('slice, transpose, broadcastTo, pad, concat for several dtypes', async () => {
    for (const x of [f32([3, 4, 5], 1), ints([3, 4, 5])]) {
      const dtype = x.dtype;
      await expectSame('slice', [x], { begin: [1, 0, 2] }, { shape: [2, 3, 2], dtype });
      await expectSame('transpose', [x], { perm: [2, 0, 1] }, { shape: [5, 3, 4], dtype });
      await expectSame(
        'pad',
        [x],
        {
          paddings: [
            [1, 0],
            [0, 2],
            [2, 1],
          ],
          value: -1.5,
        },
        { shape: [4, 6, 8], dtype },
      );
      await expectSame('concat', [x, x], { axis: 1 }, { shape: [3, 8, 5], dtype });
    }
    const b = input([1, 0, 1], [3, 1], 'bool');
    await expectSame('broadcastTo', [b], {}, { shape: [2, 3, 4], dtype: 'bool' });
    await expectSame(
      'pad',
      [b],
      {
        paddings: [
          [0, 1],
          [1, 1],
        ],
        value: 1,
      },
      { shape: [4, 3], dtype: 'bool' },
    );
    await expectSame(
      'concat',
      [f32([2, 0], 1), f32([2, 3], 2), f32([2, 1], 3)],
      { axis: 1 },
      { shape: [2, 4], dtype: 'float32' },
    );
    await expectSame('transpose', [f32([], 1)], { perm: [] }, { shape: [], dtype: 'float32' });
  });
  it('gather and scatterAdd along an inner axis, with out-of-range indices', async () => {
    const x = f32([3, 5, 2], 1);
    const idx = input([4, 0, 0, 7, -1, 2], [2, 3], 'int32');
    await expectSame('gather', [x, idx], { axis: 1 }, { shape: [3, 2, 3, 2], dtype: 'float32' });
    const updates = f32([3, 6, 2], 2);
    const flat = input([4, 0, 0, 7, -1, 2], [6], 'int32');
    await expectSame('scatterAdd', [updates, flat], { axis: 1 }, { shape: [3, 5, 2], dtype: 'float32' }, 1e-6, 1e-6);
  });
});

describe.skipIf(skipGpu)('webgpu row kernels and random numbers', () => {
  it('softmax, logSoftmax and softmaxCrossEntropy match backend-cpu', async () => {
    const x = f32([9, 130], 3, -20, 20);
    x.values[5] = Number.NaN;
    await expectSame('softmax', [x], {}, { shape: x.shape, dtype: 'float32' }, 1e-5, 1e-7);
    await expectSame('logSoftmax', [x], {}, { shape: x.shape, dtype: 'float32' }, 1e-5, 1e-5);
    const labels = input([0, 5, 129, 130, -1, 3, 3, 3, 3], [9], 'int32');
    await expectSame('softmaxCrossEntropy', [x, labels], {}, { shape: [9], dtype: 'float32' }, 1e-5, 1e-5);
  });
  it('randomUniform equals core philoxUniform bit for bit, offsets past 2³² included', async () => {
    for (const [key, offset, n] of [
      [[0, 0], 0, 1],
      [[42, 0], 3, 1001],
      [[0xdeadbeef, 7], 2 ** 32 - 3, 50],
    ] as const) {
      const { expected, actual } = await both('randomUniform', [], { key, offset }, { shape: [n], dtype: 'float32' });
      expect(Array.from(actual)).toEqual(Array.from(philoxUniform(key, offset, n)));
      expect(Array.from(actual)).toEqual(Array.from(expected));
    }
  });
});

describe.skipIf(skipGpu)('webgpu rmspropUpdate matches backend-cpu', () => {
  // 1057 elements: several workgroups and a partial one.
  const shape = [7, 151];
  const state = (seed: number) => ({
    theta: f32(shape, seed),
    grad: f32(shape, seed + 1),
    v: f32(shape, seed + 2, 0, 2),
    // Centered needs v ≥ ḡ² (else the root is NaN, as in PyTorch): ḡ small against √v.
    gAvg: f32(shape, seed + 3, -0.01, 0.01),
    buf: f32(shape, seed + 4, -1, 1),
  });
  const lr = input([0.01], [], 'float32');
  const run = (s: ReturnType<typeof state>, attrs: RmspropUpdateAttrs) => {
    const inputs: Input[] = [s.theta, s.grad, s.v];
    if (attrs.centered) inputs.push(s.gAvg);
    if (attrs.momentum > 0) inputs.push(s.buf);
    const outs = inputs.slice(1).map(() => ({ shape, dtype: 'float32' as const }));
    return expectSameMulti('rmspropUpdate', [...inputs, lr], attrs, outs);
  };
  const combinations = [false, true].flatMap((centered) => [0, 0.9].map((momentum) => ({ centered, momentum })));
  for (const { centered, momentum } of combinations) {
    it(`${centered ? 'centered' : 'plain'} RMSprop ${momentum > 0 ? 'with' : 'without'} momentum, and Adagrad`, async () => {
      const s = state(centered ? 40 : 30);
      await run(s, { decay: 0.99, scale: 0.01, eps: 1e-8, weightDecay: 0, momentum, centered });
      await run(s, { decay: 0.9, scale: 0.1, eps: 1e-6, weightDecay: 0.05, momentum, centered });
      if (!centered) await run(s, { decay: 1, scale: 1, eps: 1e-10, weightDecay: 0.1, momentum, centered });
    });
  }
  it('propagates a NaN gradient to every output, keeps an infinite θ without weight decay, handles empty tensors', async () => {
    const s = state(50);
    s.grad.values[3] = Number.NaN;
    s.grad.values[700] = Number.NaN;
    s.theta.values[10] = Number.POSITIVE_INFINITY;
    for (const { centered, momentum } of combinations) {
      for (const weightDecay of [0, 0.1]) {
        const ys = await run(s, { decay: 0.9, scale: 0.1, eps: 1e-8, weightDecay, momentum, centered });
        for (const y of ys) expect([y[3], y[700]].every(Number.isNaN)).toBe(true);
        if (weightDecay === 0) expect(ys[0][10]).toBe(Number.POSITIVE_INFINITY);
      }
    }
    const empty = f32([0, 4], 1);
    await expectSameMulti(
      'rmspropUpdate',
      [empty, empty, empty, empty, empty, lr],
      { decay: 0.9, scale: 0.1, eps: 1e-8, weightDecay: 0, momentum: 0.9, centered: true },
      [0, 1, 2, 3].map(() => ({ shape: [0, 4], dtype: 'float32' as const })),
    );
  });
});

describe.skipIf(skipGpu)('webgpu storage', () => {
  it('round-trips every dtype, counts memory, and rejects foreign or disposed handles', async () => {
    const gpu = await gpuBackend();
    const before = gpu.memory();
    const f = gpu.write(Float32Array.from([1.5, Number.NaN, -0]), [3], 'float32');
    const i = gpu.write(Int32Array.from([-2147483648, 7]), [2], 'int32');
    const b = gpu.write(Uint8Array.from([1, 0, 1]), [3], 'bool');
    expect(gpu.memory().handles).toBe(before.handles + 3);
    expectClose(await gpu.read(f, [3], 'float32'), [1.5, Number.NaN, -0]);
    expect(Array.from(await gpu.read(i, [2], 'int32'))).toEqual([-2147483648, 7]);
    const bools = await gpu.read(b, [3], 'bool');
    expect(bools).toBeInstanceOf(Uint8Array);
    expect(Array.from(bools)).toEqual([1, 0, 1]);
    for (const h of [f, i, b]) gpu.dispose(h);
    expect(gpu.memory()).toMatchObject({ handles: before.handles, bytes: before.bytes });
    await expect(gpu.read(f, [3], 'float32')).rejects.toThrow(/disposed/);
    expect(() => gpu.dispose({})).toThrow(/does not belong/);
    expect(() => gpu.write(Float32Array.from([1]), [2], 'float32')).toThrow(/do not fill/);
  });
  it('reuses pooled buffers without corrupting queued work', async () => {
    const gpu = await gpuBackend();
    const neg = gpu.kernels.neg;
    let x = gpu.write(
      Float32Array.from({ length: 1000 }, (_, j) => j),
      [1000],
      'float32',
    );
    for (let step = 0; step < 300; step++) {
      const y = neg(
        [{ handle: x, shape: [1000], dtype: 'float32' }],
        {},
        { shape: [1000], dtype: 'float32' },
        {
          backend: gpu,
          name: 'neg',
        },
      );
      gpu.dispose(x);
      const junk = gpu.write(new Float32Array(1000).fill(99), [1000], 'float32');
      gpu.dispose(junk);
      x = y;
    }
    const values = await gpu.read(x, [1000], 'float32');
    expect(values[10]).toBe(10);
    gpu.dispose(x);
    await gpu.sync();
  });
});

describe.skipIf(skipGpu)('webgpu stats', () => {
  it('count one dispatch per kernel and the submits that carried them', async () => {
    const b = await gpuBackend();
    await b.sync();
    const { dispatches, submits } = b.stats;
    const out = { shape: [4, 4], dtype: 'float32' } as const;
    const x = b.write(new Float32Array(16).fill(1), [4, 4], 'float32');
    const y = b.kernels.matmul(
      [
        { handle: x, ...out },
        { handle: x, ...out },
      ],
      { transposeA: false, transposeB: false },
      out,
      { backend: b, name: 'matmul' },
    );
    const z = b.kernels.exp([{ handle: y, ...out }], {}, out, { backend: b, name: 'exp' });
    expect(b.stats.dispatches - dispatches).toBe(2);
    expect(b.stats.submits).toBe(submits);
    expect(Array.from(await b.read(z, [4, 4], 'float32'))[0]).toBeCloseTo(Math.exp(4), 3);
    expect(b.stats.submits).toBe(submits + 1);
    for (const h of [x, y, z]) b.dispose(h);
  });
});

describe('webgpu options', () => {
  it('rejects a bad dispatchesPerSubmit, and a deprecated batchSize that differs from it, before asking for a device', async () => {
    await expect(webgpu({ dispatchesPerSubmit: 0 })).rejects.toThrow(ValueError);
    await expect(webgpu({ batchSize: 1.5 })).rejects.toThrow(/dispatchesPerSubmit must be a positive integer/);
    await expect(webgpu({ dispatchesPerSubmit: 16, batchSize: 32 })).rejects.toThrow(ValueError);
  });
});

describe.skipIf(skipGpu)('webgpu dispatchesPerSubmit', () => {
  it('submits after that many dispatches; the deprecated batchSize still sets it', async () => {
    for (const options of [{ dispatchesPerSubmit: 2 }, { batchSize: 2 }, { dispatchesPerSubmit: 2, batchSize: 2 }]) {
      const b = await webgpu(options);
      try {
        const out = { shape: [4], dtype: 'float32' } as const;
        const x = b.write(new Float32Array(4).fill(1), [4], 'float32');
        await b.sync();
        const { submits } = b.stats;
        const call = { backend: b, name: 'exp' } as const;
        const y = b.kernels.exp([{ handle: x, ...out }], {}, out, call);
        expect(b.stats.submits).toBe(submits);
        const z = b.kernels.exp([{ handle: y, ...out }], {}, out, call);
        expect(b.stats.submits).toBe(submits + 1);
        for (const h of [x, y, z]) b.dispose(h);
      } finally {
        await b.destroy();
      }
    }
  });
});
