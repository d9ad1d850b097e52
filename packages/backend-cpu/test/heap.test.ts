/** The WebAssembly heap tensors live in: size classes, reuse, growth, and kernels that ran while it grew. */
import * as bp from '@backprop/core';
import { BackendError, ValueError } from '@backprop/core';
import { afterAll, describe, expect, it } from 'vitest';
import { type CpuBackend, type CpuOptions, cpu } from '../src/index.js';
import { Heap, sizeClass } from '../src/memory/heap.js';

describe('size classes', () => {
  it('are 64-byte multiples up to 256 B, then four per power of two, never smaller than asked', () => {
    expect([0, 1, 64, 65, 200, 256].map(sizeClass)).toEqual([64, 64, 64, 128, 256, 256]);
    expect([257, 320, 321, 448, 512, 513, 1000, 4096, 5000].map(sizeClass)).toEqual([
      320, 320, 384, 448, 512, 640, 1024, 4096, 5120,
    ]);
    for (let bytes = 1; bytes < 1 << 22; bytes = Math.ceil(bytes * 1.37)) {
      const size = sizeClass(bytes);
      expect(size).toBeGreaterThanOrEqual(bytes);
      expect(size).toBeLessThanOrEqual(Math.max(64, bytes * 1.25 + 64));
      expect(size % 64).toBe(0);
    }
  });
});

describe('Heap', () => {
  it('hands out aligned, disjoint blocks and reuses a freed block for the next of its class', () => {
    const heap = new Heap({ shared: false, initialPages: 2 });
    const a = heap.allocate(100);
    const b = heap.allocate(100);
    expect(a % 64).toBe(0);
    expect(b - a).toBeGreaterThanOrEqual(100);
    heap.release(a, 100);
    expect(heap.freeListBytes).toBe(128);
    expect(heap.allocate(120)).toBe(a); // same class (128 B): the freed block comes back
    expect(heap.freeListBytes).toBe(0);
    expect(heap.allocate(100)).not.toBe(a);
  });

  it('rejects garbage sizes and blocks it did not hand out with a ValueError, changing nothing', () => {
    const heap = new Heap({ shared: false, initialPages: 2 });
    const a = heap.allocate(100);
    const before = [heap.liveBlocks, heap.freeListBytes, heap.unusedTopBytes];
    for (const bytes of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => heap.allocate(bytes)).toThrow(ValueError);
    expect(() => heap.release(a + 64, 100)).toThrow(/not a live block/);
    expect(() => heap.release(a, 5000)).toThrow(ValueError);
    expect([heap.liveBlocks, heap.freeListBytes, heap.unusedTopBytes]).toEqual(before);
    heap.release(a, 100);
    expect(() => heap.release(a, 100)).toThrow(/released already/);
    expect(heap.liveBlocks).toBe(0);
  });

  it('grows by at least half its size, and throws a BackendError naming the size when it cannot', () => {
    const heap = new Heap({ shared: false, initialPages: 2 });
    const before = heap.reservedBytes;
    heap.allocate(before); // more than is left
    expect(heap.reservedBytes).toBeGreaterThanOrEqual(before * 1.5);
    expect(() => heap.allocate(5 * 2 ** 30)).toThrow(BackendError);
    expect(() => heap.allocate(5 * 2 ** 30)).toThrow(/5368709120 bytes/);
  });
});

const made: CpuBackend[] = [];
afterAll(() => {
  for (const b of made) b.destroy();
});

const fillers = new WeakMap<Heap, number>();
const fillerBlocks = (heap: Heap) => fillers.get(heap) ?? 0;

/**
 * Makes the next new block grow the memory: forgets the free lists (those blocks are lost to this
 * test's backend) and cuts the rest of the memory into blocks.
 */
function fillTop(heap: Heap): void {
  const internals = heap as unknown as { free: Map<number, number[]>; live: Map<number, number>; freeBytes: number };
  for (const [size, list] of internals.free) {
    for (const ptr of list) internals.live.set(ptr, size);
    fillers.set(heap, fillerBlocks(heap) + list.length);
  }
  internals.free.clear();
  internals.freeBytes = 0;
  for (let room = heap.unusedTopBytes; room >= 64; room = heap.unusedTopBytes) {
    let size = 64;
    while (sizeClass(size * 2) <= room) size *= 2;
    heap.allocate(size);
    fillers.set(heap, fillerBlocks(heap) + 1);
  }
  expect(heap.unusedTopBytes).toBeLessThan(64);
}

describe('kernels while the heap grows', () => {
  const paths: [string, CpuOptions][] = [
    ['scalar (unshared memory)', { simd: false }],
    ['simd, 1 thread (unshared memory)', { simd: true, threads: 1 }],
    ['simd, 2 threads (shared memory)', { simd: true, threads: 2 }],
  ];
  for (const [name, options] of paths) {
    it(`compute the same values when their output grows the memory: ${name}`, async () => {
      const b = cpu(options);
      made.push(b);
      await b.ready();
      await bp.setBackend(b);
      const x = bp.randomUniform([96, 80], { seed: 3 });
      const w = bp.randomUniform([80, 70], { seed: 4 });
      const labels = bp.cast(bp.mul(bp.randomUniform([96], { seed: 5 }), 70), 'int32');
      const layer = bp.nn.dense(80, 70, { seed: 6 });
      const zeros = bp.zeros([80, 70]);
      const adamAttrs = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false };
      const ops: [string, () => bp.Tensor][] = [
        ['exp', () => bp.exp(x)],
        ['add', () => bp.add(x, x)],
        ['mul by a scalar', () => bp.mul(x, 3)],
        ['greater', () => bp.cast(bp.greater(x, 0.5), 'float32')],
        ['where', () => bp.where(bp.greater(x, 0.5), x, bp.neg(x))],
        ['sum over axis 0', () => bp.sum(x, 0)],
        ['matmul', () => bp.matmul(x, w)],
        ['transposed matmul', () => bp.matmul(x, x, { transposeA: true })],
        ['softmax', () => bp.softmax(bp.matmul(x, w))],
        ['cross-entropy', () => bp.losses.softmaxCrossEntropy(bp.matmul(x, w), labels)],
        ['gather', () => bp.gather(x, bp.tensor([3, 1, 95], [3], 'int32'))],
        ['dense (bias read before the scratch grows the heap)', () => layer.forward(x)],
        [
          'adamUpdate (several outputs)',
          () =>
            bp.concat(
              bp.adamUpdate(
                { param: w, grad: w, expAvg: zeros, expAvgSq: zeros, step: bp.scalar(1, 'int32'), lr: bp.scalar(0.1) },
                adamAttrs,
              ),
              0,
            ),
        ],
      ];
      expect(b.heap.liveBlocks).toBe(b.memory().handles);
      for (const [op, run] of ops) {
        const expected = await bp.tidy(run).data();
        fillTop(b.heap);
        const grownFrom = b.heap.reservedBytes;
        const actual = await bp.tidy(run).data();
        expect(b.heap.reservedBytes, op).toBeGreaterThan(grownFrom);
        expect(Array.from(actual), op).toEqual(Array.from(expected));
        // Every block is a live handle's: kernels leak no output or scratch block, even when they ran twice.
        expect(b.heap.liveBlocks, op).toBe(b.memory().handles + fillerBlocks(b.heap));
      }
    });
  }
});

describe('a training loop', () => {
  it('stops growing the heap after its first steps: every later step reuses the blocks the last one freed', async () => {
    const b = cpu({ threads: 1 });
    made.push(b);
    await bp.setBackend(b);
    const x = bp.keep(bp.randomUniform([64, 100], { seed: 1 }));
    const labels = bp.tidy(() => bp.keep(bp.cast(bp.mul(bp.randomUniform([64], { seed: 2 }), 10), 'int32')));
    let params = bp.tidy(() =>
      [bp.randomUniform([100, 256], { seed: 3 }), bp.zeros([256]), bp.randomUniform([256, 10], { seed: 4 })].map((t) =>
        bp.keep(bp.sub(t, 0.5)),
      ),
    );
    const lr = bp.keep(bp.scalar(0.05));
    const attrs = { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: true };
    const loss = (w1: bp.Tensor, b1: bp.Tensor, w2: bp.Tensor) =>
      bp.losses.softmaxCrossEntropy(bp.matmul(bp.relu(bp.add(bp.matmul(x, w1), b1)), w2), labels);
    const reserved: number[] = [];
    const losses: number[] = [];
    for (let step = 0; step < 30; step++) {
      const next = bp.tidy(() => {
        const { value, grads } = bp.valueAndGrad(loss)(...params);
        losses.push(value.dataSync()[0]);
        return params.map((p, k) => bp.keep(bp.sgdUpdate({ param: p, grad: grads[k], lr }, attrs)[0]));
      });
      bp.dispose(params);
      params = next;
      reserved.push(b.memory().reservedBytes ?? 0);
      expect(b.heap.liveBlocks).toBe(b.memory().handles);
    }
    expect(losses[29]).toBeLessThan(losses[0]);
    expect(new Set(reserved.slice(3)).size).toBe(1); // no growth after the third step
    bp.dispose([...params, x, labels, lr]);
    expect(b.memory().handles).toBe(0);
    expect(b.heap.liveBlocks).toBe(0);
  });
});
