/**
 * The bind group cache: it keeps a group at its key's second miss and returns it only for the
 * same layout, metadata range and buffers; stays within its bound; forgets a buffer before it is destroyed; and in a training
 * loop it is hit step after step while every value stays bit for bit what uncached dispatches give.
 */
import {
  losses,
  nn,
  randomUniform,
  setBackend,
  type Tensor,
  tensor,
  tidy,
  ValueError,
  valueAndGrad,
} from '@backprop/core';
import { afterAll, describe, expect, it } from 'vitest';
import { BindGroupCache } from '../src/bind-group-cache.js';
import { type Dispatch, GpuContext } from '../src/gpu-context.js';
import { type WebGpuBackend, webgpu } from '../src/index.js';
import { gpuBackend, skipGpu } from './util.js';

/** Distinct stand-ins for buffers (the cache only keys them by identity). */
const fakeBuffers = (n: number) => Array.from({ length: n }, () => ({}) as GPUBuffer);

describe('BindGroupCache', () => {
  const create = () => ({}) as GPUBindGroup;
  /** Looks `buffers` up twice, which keeps the group (a key is kept at its second miss); returns it. */
  const admit = (cache: BindGroupCache, layout: number, buffers: GPUBuffer[]) => {
    cache.get(layout, 0, 4, buffers, create);
    return cache.get(layout, 0, 4, buffers, create);
  };

  it('keeps a group from its second miss, and reuses it only for the same layout, metadata range and buffers in order', () => {
    const cache = new BindGroupCache(16);
    const [a, b, c] = fakeBuffers(3);
    const once = cache.get(1, 0, 8, [a, b, c], create);
    expect(cache.size).toBe(0); // missed once: not kept
    const kept = cache.get(1, 0, 8, [a, b, c], create);
    expect(kept).not.toBe(once);
    expect(cache.size).toBe(1);
    expect(cache.get(1, 0, 8, [a, b, c], create)).toBe(kept);
    for (const [layout, offset, meta, buffers] of [
      [1, 0, 8, [a, c, b]],
      [1, 256, 8, [a, b, c]],
      [1, 0, 12, [a, b, c]],
      [2, 0, 8, [a, b, c]],
      [1, 0, 8, [a, b]],
    ] as const)
      for (let i = 0; i < 3; i++) expect(cache.get(layout, offset, meta, buffers, create)).not.toBe(kept);
    expect(cache.counts).toEqual({ hits: 1 + 5, misses: 2 + 10 });
  });

  it('keeps at most `capacity` groups, dropping the least recently used', () => {
    const cache = new BindGroupCache(2);
    const [a, b, c] = fakeBuffers(3);
    const ga = admit(cache, 1, [a]);
    const gb = admit(cache, 1, [b]);
    expect(cache.get(1, 0, 4, [a], create)).toBe(ga); // a is now the most recently used
    admit(cache, 1, [c]); // drops b
    expect(cache.size).toBe(2);
    expect(cache.get(1, 0, 4, [a], create)).toBe(ga);
    expect(cache.get(1, 0, 4, [b], create)).not.toBe(gb);
    expect(cache.size).toBe(2);
  });

  it('forgets every group binding a buffer, and never hands one out for that buffer again', () => {
    const cache = new BindGroupCache(16);
    const [a, b, c] = fakeBuffers(3);
    const gab = admit(cache, 1, [a, b]);
    const gbc = admit(cache, 1, [b, c]);
    const gca = admit(cache, 1, [c, a]);
    cache.forget([b]);
    expect(cache.size).toBe(1);
    expect(cache.get(1, 0, 4, [c, a], create)).toBe(gca);
    for (let i = 0; i < 3; i++) {
      expect(cache.get(1, 0, 4, [a, b], create)).not.toBe(gab);
      expect(cache.get(1, 0, 4, [b, c], create)).not.toBe(gbc);
    }
    cache.forget(fakeBuffers(1)); // never seen: nothing to drop
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('creates a group every time at capacity 0', () => {
    const cache = new BindGroupCache(0);
    const [a] = fakeBuffers(1);
    const groups = [0, 1, 2].map(() => cache.get(1, 0, 4, [a], create));
    expect(new Set(groups).size).toBe(3);
    expect(cache.size).toBe(0);
    expect(cache.counts).toEqual({ hits: 0, misses: 3 });
  });
});

describe('webgpu bindGroupCacheSize', () => {
  it('rejects a negative or fractional size before asking for a device', async () => {
    await expect(webgpu({ bindGroupCacheSize: -1 })).rejects.toThrow(ValueError);
    await expect(webgpu({ bindGroupCacheSize: 1.5 })).rejects.toThrow(/bindGroupCacheSize/);
  });
});

describe.skipIf(skipGpu)('the bind group cache of a GPU context', () => {
  const contexts: GpuContext[] = [];
  afterAll(async () => {
    for (const c of contexts) await c.destroy();
  });

  /** A debug context (every dispatch in validation scopes: a stale group would throw at the read). */
  const context = async (bindGroupCacheSize: number, maxPooledBytes: number) => {
    const gpu = new GpuContext((await gpuBackend()).device, {
      dispatchesPerSubmit: 4,
      debug: true,
      maxPooledBytes,
      bindGroupCacheSize,
    });
    contexts.push(gpu);
    return gpu;
  };
  const upload = (gpu: GpuContext, values: number[]) => {
    const buffer = gpu.pool.acquireForWrite(values.length * 4);
    gpu.device.queue.writeBuffer(buffer, 0, Float32Array.from(values));
    return buffer;
  };
  /** Records out[i] = a[i] * 2 + b[i] over n elements. */
  const axpy = (gpu: GpuContext, output: GPUBuffer, a: GPUBuffer, b: GPUBuffer, n: number) => {
    const d: Dispatch = {
      op: 'test.axpy',
      key: 'test.axpy',
      code: () => `@group(0) @binding(0) var<storage, read> args: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> in0: array<f32>;
@group(0) @binding(3) var<storage, read> in1: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3u) { if (g.x < args[0]) { out[g.x] = in0[g.x] * 2.0 + in1[g.x]; } }`,
      output,
      inputs: [a, b],
      meta: Uint32Array.of(n),
      workgroups: [1, 1, 1],
    };
    gpu.run(d);
  };
  const read = async (gpu: GpuContext, buffer: GPUBuffer, n: number) =>
    Array.from(new Float32Array(await gpu.readBuffer('test.read', buffer, n * 4)));

  it('drops the groups of buffers the pool destroys, and binds the new buffers that replace them', async () => {
    const gpu = await context(64, 0); // nothing pooled: every release is destroyed at the next submit
    for (let round = 0; round < 3; round++) {
      const [a, b] = [upload(gpu, [1, 2, 3, round]), upload(gpu, [10, 20, 30, 40])];
      const y = gpu.pool.acquireForKernel(16);
      for (let i = 0; i < 3; i++) axpy(gpu, y, a, b, 4); // kept at the second, hit at the third
      expect(await read(gpu, y, 4)).toEqual([12, 24, 36, 40 + 2 * round]);
      expect(gpu.bindGroups.size).toBe(1);
      for (const buffer of [a, b, y]) gpu.pool.release(buffer);
      gpu.pool.settle(); // (as after a submit) destroys them
      expect(gpu.bindGroups.size).toBe(0);
    }
    expect(gpu.bindGroups.counts).toEqual({ hits: 3, misses: 6 });
    await gpu.sync();
  });

  it('reuses a group for a pooled buffer that holds another tensor, reading the new values', async () => {
    const gpu = await context(64, 2 ** 20);
    const a = upload(gpu, [1, 1, 1, 1]);
    const b = upload(gpu, [0, 0, 0, 0]);
    const y = gpu.pool.acquireForKernel(16);
    axpy(gpu, y, a, b, 4);
    axpy(gpu, y, a, b, 4); // kept
    expect(await read(gpu, y, 4)).toEqual([2, 2, 2, 2]);
    gpu.pool.release(b);
    gpu.pool.settle();
    const c = upload(gpu, [5, 6, 7, 8]); // b's slot, new values
    expect(c).toBe(b);
    axpy(gpu, y, a, c, 4);
    expect(await read(gpu, y, 4)).toEqual([7, 8, 9, 10]);
    expect(gpu.bindGroups.counts).toEqual({ hits: 1, misses: 2 });
    await gpu.sync();
  });

  it('stays within its bound and still computes every dispatch', async () => {
    const gpu = await context(3, 2 ** 20);
    const inputs = Array.from({ length: 6 }, (_, i) => upload(gpu, [i, i, i, i]));
    const y = gpu.pool.acquireForKernel(16);
    for (let i = 0; i < 5; i++) {
      axpy(gpu, y, inputs[i], inputs[i + 1], 4);
      axpy(gpu, y, inputs[i], inputs[i + 1], 4); // kept
      expect(await read(gpu, y, 4)).toEqual(Array(4).fill(3 * i + 1));
      expect(gpu.bindGroups.size).toBeLessThanOrEqual(3);
    }
    axpy(gpu, y, inputs[4], inputs[5], 4); // still kept
    axpy(gpu, y, inputs[0], inputs[1], 4); // dropped: created again
    expect(await read(gpu, y, 4)).toEqual([1, 1, 1, 1]);
    expect(gpu.bindGroups.counts).toEqual({ hits: 1, misses: 11 });
    await gpu.sync();
  });

  it('is emptied when the context is destroyed', async () => {
    const gpu = await context(64, 2 ** 20);
    const a = upload(gpu, [1, 2, 3, 4]);
    const y = gpu.pool.acquireForKernel(16);
    axpy(gpu, y, a, a, 4);
    axpy(gpu, y, a, a, 4);
    expect(await read(gpu, y, 4)).toEqual([3, 6, 9, 12]);
    expect(gpu.bindGroups.size).toBe(1);
    await gpu.destroy();
    expect(gpu.bindGroups.size).toBe(0);
    expect(() => axpy(gpu, y, a, a, 4)).toThrow(/destroyed/);
  });
});

describe.skipIf(skipGpu)('the bind group cache in training', () => {
  /** `steps` SGD steps of a small MLP on `backend`, reading the loss each step; the losses and final weights as bits. */
  async function train(backend: WebGpuBackend, steps: number) {
    await setBackend(backend);
    const model = new nn.Sequential(new nn.Dense(12, 16, { seed: 1 }), nn.relu(), new nn.Dense(16, 5, { seed: 2 }));
    const params = model.parameters();
    const x = randomUniform([8, 12], { seed: 3 });
    const labels = tensor(
      Int32Array.from({ length: 8 }, (_, i) => i % 5),
      [8],
      'int32',
    );
    const lossBits: number[] = [];
    const hitsPerStep: number[] = [];
    for (let s = 0; s < steps; s++) {
      const hits = backend.stats.bindGroupHits;
      const { value, grads } = valueAndGrad(() => losses.softmaxCrossEntropy(model.forward(x), labels))(
        ...params.map((p) => p.value),
      );
      tidy(() => params.forEach((p, i) => p.assign(p.value.sub(grads[i].mul(0.1)))));
      lossBits.push(new Uint32Array((await value.data()).buffer)[0]);
      hitsPerStep.push(backend.stats.bindGroupHits - hits);
      value.dispose();
      for (const g of grads) g.dispose();
    }
    const bits = async (t: Tensor) => Array.from(new Uint32Array(((await t.data()) as Float32Array).buffer));
    const weights = await Promise.all(params.map((p) => bits(p.value)));
    for (const t of [x, labels, ...params.map((p) => p.value)]) t.dispose();
    return { lossBits, weights, hitsPerStep };
  }

  it('hits step after step and gives bit for bit what a backend without it gives', async () => {
    const cached = await webgpu();
    const uncached = await webgpu({ bindGroupCacheSize: 0 });
    try {
      const steps = 40;
      const a = await train(cached, steps);
      const b = await train(uncached, steps);
      expect(a.lossBits).toEqual(b.lossBits);
      expect(a.weights).toEqual(b.weights);
      expect(uncached.stats.bindGroupHits).toBe(0);
      const dispatchesPerStep = cached.stats.dispatches / steps;
      // After the first steps, (nearly) every dispatch reuses a group.
      const late = a.hitsPerStep.slice(-10);
      expect(Math.min(...late)).toBeGreaterThan(0.8 * dispatchesPerStep);
      expect(cached.stats.bindGroupHits + cached.stats.bindGroupMisses).toBe(cached.stats.dispatches);
    } finally {
      await cached.destroy();
      await uncached.destroy();
    }
  });
});
