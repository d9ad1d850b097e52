/** Tests of the CPU backend's storage: copies, disposal, memory accounting and the kernel table. */
import { BackendError, DTypeError, OPTIONAL_KERNELS, REQUIRED_KERNELS } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { cpu } from '../src/index.js';

describe('cpu storage', () => {
  it('has every required and optional kernel', () => {
    const b = cpu();
    for (const name of [...REQUIRED_KERNELS, ...OPTIONAL_KERNELS]) expect(typeof b.kernels[name]).toBe('function');
    expect(b.name).toBe('cpu');
  });

  it('copies on write and on read', async () => {
    const b = cpu();
    const source = new Float32Array([1, 2, 3]);
    const h = b.write(source, [3], 'float32');
    source[0] = 9;
    const first = await b.read(h, [3], 'float32');
    expect(Array.from(first)).toEqual([1, 2, 3]);
    first[1] = 7;
    expect(Array.from(b.readSync!(h, [3], 'float32'))).toEqual([1, 2, 3]);
    b.dispose(h);
  });

  it('tracks bytes, handles and the peak, back to 0 after dispose', () => {
    const b = cpu();
    const x = b.write(new Float32Array(10), [10], 'float32');
    const m = b.write(new Uint8Array(3), [3], 'bool');
    const reservedBytes = b.memory().reservedBytes;
    expect(reservedBytes).toBe(b.heap.reservedBytes);
    expect(b.memory()).toEqual({ bytes: 43, handles: 2, peakBytes: 43, reservedBytes });
    const y = b.kernels.exp(
      [{ handle: x, shape: [10], dtype: 'float32' }],
      {},
      { shape: [10], dtype: 'float32' },
      { backend: b, name: 'exp' },
    );
    b.registerOutput?.(y); // as core does with every kernel output
    expect(b.memory()).toEqual({ bytes: 83, handles: 3, peakBytes: 83, reservedBytes });
    b.dispose(y);
    b.dispose(y); // disposing twice is a no-op
    expect(b.memory()).toEqual({ bytes: 43, handles: 2, peakBytes: 83, reservedBytes });
    b.resetPeak!();
    expect(b.memory().peakBytes).toBe(43);
    b.dispose(x);
    b.dispose(m);
    expect(b.memory()).toEqual({ bytes: 0, handles: 0, peakBytes: 43, reservedBytes });
  });

  it('throws BackendError when reading or computing with a disposed handle', async () => {
    const b = cpu();
    const h = b.write(new Float32Array([1]), [1], 'float32');
    b.dispose(h);
    expect(() => b.readSync!(h, [1], 'float32')).toThrow(BackendError);
    await expect(b.read(h, [1], 'float32')).rejects.toThrow(BackendError);
    const x = { handle: h, shape: [1], dtype: 'float32' as const };
    expect(() => b.kernels.neg([x], {}, { shape: [1], dtype: 'float32' }, { backend: b, name: 'neg' })).toThrow(
      BackendError,
    );
  });

  it('rejects handles of another backend and mismatched writes', () => {
    const a = cpu();
    const b = cpu();
    const h = a.write(new Int32Array([1]), [1], 'int32');
    expect(() => b.readSync!(h, [1], 'int32')).toThrow(BackendError);
    expect(() => b.dispose(h)).toThrow(BackendError);
    expect(() => b.dispose({})).toThrow(BackendError);
    expect(() => a.write(new Float32Array(2), [2], 'int32')).toThrow(DTypeError);
    expect(() => a.write(new Float32Array(2), [3], 'float32')).toThrow(BackendError);
    a.dispose(h);
  });

  it('stores empty and scalar tensors, and sync resolves', async () => {
    const b = cpu();
    const e = b.write(new Float32Array(0), [2, 0], 'float32');
    const s = b.write(new Int32Array([5]), [], 'int32');
    expect(Array.from(b.readSync!(e, [2, 0], 'float32'))).toEqual([]);
    expect(Array.from(await b.read(s, [], 'int32'))).toEqual([5]);
    await expect(b.sync!()).resolves.toBeUndefined();
    b.dispose(e);
    b.dispose(s);
    expect(b.memory().handles).toBe(0);
  });
});
