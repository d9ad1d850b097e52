/**
 * The finiteFlags kernel: exactly core's fallback (Σ x·0 per tensor) for NaN and ±∞ anywhere, at
 * workgroup-chunk boundaries, never for huge finite values, −0, subnormals or empty tensors; more
 * inputs than one dispatch can bind (also on a device at WebGPU's default limits); only its
 * output allocated; and `trainStep` checks the loss and every gradient with one call of it.
 */
import {
  type Backend,
  dispose,
  finiteFlags,
  getBackend,
  liveTensorCount,
  losses,
  NonFiniteLossError,
  nn,
  type Optimizer,
  observeKernels,
  type Parameter,
  setBackend,
  type Tensor,
  tensor,
  tidy,
  trainStep,
} from '@backprop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WebGpuBackend, webgpu } from '../src/index.js';
import { finiteScanSlots } from '../src/shaders/finite.js';
import { gpuBackend, randomFloats, skipGpu } from './util.js';

/** Elements one workgroup of the scan reads (256 threads × 16). */
const CHUNK = 4096;

/** Flags as comparable values: 'NaN', '-0' or the number (the kernel writes +0 exactly). */
const show = (flags: ArrayLike<number>) =>
  Array.from(flags, (f) => (Number.isNaN(f) ? 'NaN' : Object.is(f, -0) ? '-0' : f));
/** What every backend must give: 0 when all values are finite, NaN otherwise. */
const want = (inputs: readonly Float32Array[]) => inputs.map((v) => (v.every(Number.isFinite) ? 0 : 'NaN'));
/** n finite values with `value` at index `at`. */
const withValue = (n: number, at: number, value: number, seed = n) => {
  const v = randomFloats(n, seed, -1e3, 1e3);
  v[at] = value;
  return v;
};

/** The flags of `inputs` (1-D tensors; an entry may carry its own shape) through core's op on `backend`. */
async function flagsOn(backend: Backend, inputs: readonly (Float32Array | [Float32Array, number[]])[]) {
  const previous = getBackend();
  await setBackend(backend);
  const ts = inputs.map((v) => (Array.isArray(v) ? tensor(v[0], v[1]) : tensor(v, [v.length])));
  try {
    const flags = finiteFlags(ts);
    try {
      return Array.from(await flags.data());
    } finally {
      flags.dispose();
    }
  } finally {
    dispose(ts);
    await setBackend(previous);
  }
}

describe.skipIf(skipGpu)('webgpu finiteFlags', () => {
  let gpu: WebGpuBackend;
  /** The same backend without the kernel: core's fallback. */
  let fallback: Backend;

  beforeAll(async () => {
    gpu = await gpuBackend();
    const { finiteFlags: kernel, ...rest } = gpu.kernels;
    expect(kernel).toBeTypeOf('function');
    fallback = { ...gpu, kernels: rest as typeof gpu.kernels };
    await setBackend(gpu);
  });

  /** The kernel gives exactly `want`, and core's fallback agrees (up to the sign of its zeros). */
  async function expectFlags(inputs: readonly Float32Array[]) {
    const expected = want(inputs);
    expect(show(await flagsOn(gpu, inputs))).toEqual(expected);
    expect(show(await flagsOn(fallback, inputs)).map((f) => (f === '-0' ? 0 : f))).toEqual(expected);
  }

  it.each([1, 255, 256, 257, 100003])('flags NaN and ±∞ first, in the middle and last of %i values', async (n) => {
    for (const at of new Set([0, n >> 1, n - 1])) {
      await expectFlags([
        withValue(n, at, Number.NaN),
        withValue(n, at, Number.POSITIVE_INFINITY),
        randomFloats(n, 7),
        withValue(n, at, Number.NEGATIVE_INFINITY),
      ]);
    }
  });

  it("flags a value on either side of a workgroup chunk's edge", async () => {
    const n = 3 * CHUNK + 5;
    for (const at of [CHUNK - 1, CHUNK, 2 * CHUNK - 1, 2 * CHUNK, 3 * CHUNK, n - 1]) {
      await expectFlags([randomFloats(n, 3), withValue(n, at, Number.NaN), withValue(n, at, -Infinity)]);
    }
  });

  it('never flags huge finite values, −0, subnormals or the largest float', async () => {
    const huge = Float32Array.from({ length: 100003 }, (_, i) => (i % 2 ? 3.4e38 : -3.4e38)); // Σx overflows
    const max = new Float32Array(new Uint32Array([0x7f7fffff, 0xff7fffff]).buffer); // ±FLT_MAX
    const small = Float32Array.from([-0, 0, 1e-45, -1e-45, 1.1e-38, -1.1e-38, 1.1754942e-38]);
    const zeros = new Float32Array(257).fill(-0);
    await expectFlags([huge, max, small, zeros, withValue(300, 299, Number.NaN)]);
  });

  it('gives 0 for empty tensors and scalars that are finite, and reads every bit pattern of NaN', async () => {
    // [1, NaN] with the NaN's bits as given (a Float32Array made from the words keeps them)
    const nan = (bits: number) => new Float32Array(new Uint32Array([0x3f800000, bits]).buffer);
    const got = await flagsOn(gpu, [
      new Float32Array(0),
      [new Float32Array(0), [2, 0, 3]],
      [Float32Array.of(5), []],
      [Float32Array.of(Number.NaN), []],
      ...[0x7f800001, 0xffffffff, 0x7fc00000, 0xff800001].map(nan),
      new Float32Array(0),
    ]);
    expect(show(got)).toEqual([0, 0, 0, 'NaN', 'NaN', 'NaN', 'NaN', 'NaN', 0]);
    expect(show(await flagsOn(gpu, [new Float32Array(0)]))).toEqual([0]);
  });

  /** 23 inputs of mixed sizes (some empty), bad where `bad(i)` says. */
  const many = (bad: (i: number) => boolean) =>
    Array.from({ length: 23 }, (_, i) => {
      const n = [1, 300, 5000, 0, 100003, 4096][i % 6];
      return n > 0 && bad(i) ? withValue(n, (i * 977) % n, i % 2 ? Number.NaN : Infinity, i) : randomFloats(n, i + 1);
    });
  // 'none' after 'all': its flags then land in the pooled buffer that held all NaNs
  const patterns: [string, (i: number) => boolean][] = [
    ['all', () => true],
    ['none', () => false],
    ['at group edges', (i) => [0, 5, 6, 13, 14, 22].includes(i)],
    ['away from group edges', (i) => ![0, 5, 6, 13, 14, 22].includes(i)],
    ['one in the last group', (i) => i === 16],
  ];

  it.each(patterns)('takes 23 inputs, more than one dispatch binds: bad %s', async (_, bad) => {
    expect(finiteScanSlots(gpu.device)).toBeLessThan(23);
    const inputs = many(bad);
    expect(show(await flagsOn(gpu, inputs))).toEqual(want(inputs));
  });

  it('allocates only its output, frees everything, and takes one dispatch per group of inputs plus one', async () => {
    const ts = many((i) => i % 4 === 1).map((v) => tensor(v, [v.length]));
    await gpu.sync();
    const tensors = liveTensorCount();
    const bytes = gpu.memory().bytes;
    const dispatches = gpu.stats.dispatches;
    gpu.resetPeak?.();
    const flags = finiteFlags(ts);
    expect(gpu.stats.dispatches - dispatches).toBe(1 + Math.ceil(ts.length / finiteScanSlots(gpu.device)));
    expect(show(await flags.data())).toEqual(ts.map((_, i) => (i % 4 === 1 && i % 6 !== 3 ? 'NaN' : 0)));
    expect(gpu.memory().peakBytes! - bytes).toBe(4 * ts.length);
    flags.dispose();
    dispose(ts);
    expect(liveTensorCount()).toBe(tensors - ts.length);
    expect(gpu.memory().bytes).toBe(bytes - ts.reduce((s, t) => s + 4 * t.size, 0));
  });

  describe("on a device at WebGPU's default limits", () => {
    // Dawn's GPU object must outlive its devices (collecting it crashes the process), so it is held here.
    let dawnGpu: GPU | undefined;
    let device: GPUDevice;
    let small: WebGpuBackend;
    beforeAll(async () => {
      const dawn = (await import('webgpu')) as unknown as { create(options: string[]): GPU };
      dawnGpu = dawn.create([]);
      const adapter = await dawnGpu.requestAdapter();
      device = await adapter!.requestDevice(); // no required limits: WebGPU's defaults
      small = await webgpu({ device });
    });
    afterAll(async () => {
      await small?.destroy();
      device?.destroy();
      dawnGpu = undefined;
    });

    it('scans 23 inputs in groups of 6', async () => {
      expect(finiteScanSlots(device)).toBe(device.limits.maxStorageBuffersPerShaderStage - 2);
      expect(finiteScanSlots(device)).toBeLessThanOrEqual(6);
      for (const [, bad] of patterns) {
        const inputs = many(bad);
        const before = small.stats.dispatches;
        expect(show(await flagsOn(small, inputs))).toEqual(want(inputs));
        // write() dispatches nothing: the clear and the scans are all there is
        expect(small.stats.dispatches - before).toBe(1 + Math.ceil(23 / finiteScanSlots(device)));
      }
      expect(small.memory().bytes).toBe(0);
    });
  });

  describe('the training step', () => {
    /** Plain SGD (θ ← θ − γg), enough for trainStep. */
    class Sgd implements Optimizer {
      constructor(public lr: number) {}
      step(params: readonly Parameter[], grads: readonly Tensor[]): void {
        for (const [i, p] of params.entries()) p.assign(tidy(() => p.value.sub(grads[i].mul(this.lr))));
      }
      getState() {
        return { groups: [{ lr: this.lr }], slots: new Map() };
      }
      setState(): void {}
      dispose(): void {}
    }

    it('checks the loss and every gradient with one finiteFlags call per step, and rejects a NaN batch', async () => {
      await setBackend(gpu);
      const model = nn.sequential(nn.dense(6, 16, { seed: 1 }), nn.relu(), nn.dense(16, 3, { seed: 2 }));
      const step = trainStep(model, { loss: losses.softmaxCrossEntropy, optimizer: new Sgd(0.1), compile: false });
      const xs = Array.from({ length: 8 * 6 }, (_, i) => Math.sin(i));
      const x = tensor(xs, [8, 6]);
      const y = tensor([0, 1, 2, 0, 1, 2, 0, 1], [8], 'int32');
      const bad = tensor(
        xs.map((v, i) => (i === 13 ? Number.NaN : v)),
        [8, 6],
      );
      const calls: number[] = [];
      const stop = observeKernels((name, inputs) => {
        if (name === 'finiteFlags') calls.push(inputs.length);
      });
      try {
        for (let s = 0; s < 3; s++) {
          const before = calls.length;
          expect(Number.isFinite((await step(x, y)).loss)).toBe(true);
          expect(calls.slice(before)).toEqual([1 + model.parameters().length]);
        }
        const params = await Promise.all(model.parameters().map(async (p) => Array.from(await p.value.data())));
        await expect(step(bad, y)).rejects.toThrow(NonFiniteLossError);
        expect(calls).toHaveLength(4);
        expect(await Promise.all(model.parameters().map(async (p) => Array.from(await p.value.data())))).toEqual(
          params,
        );
      } finally {
        stop();
        dispose([x, y, bad]);
        for (const p of model.parameters()) p.dispose();
      }
    });
  });
});
