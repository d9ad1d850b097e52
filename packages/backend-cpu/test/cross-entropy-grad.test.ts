/** The fused softmax cross-entropy gradient on backend-cpu: one kernel, the composition's values bit for bit, on every path. */
import * as bp from '@backprop/core';
import { afterAll, describe, expect, it } from 'vitest';
import { type CpuBackend, cpu } from '../src/index.js';

const made: CpuBackend[] = [];
afterAll(() => {
  for (const b of made) b.destroy();
});

/** The backend without `names` in its kernel table (core then takes its composed fallback); tensors made under it. */
const without = (backend: bp.Backend, names: string[]): bp.Backend => ({
  ...backend,
  kernels: Object.fromEntries(Object.entries(backend.kernels).filter(([k]) => !names.includes(k))) as bp.KernelTable,
});

describe.each([
  ['scalar', { simd: false, threads: 1 }],
  ['simd', { simd: true, threads: 1 }],
  ['simd + 2 threads', { simd: true, threads: 2 }],
] as const)('softmaxCrossEntropyGrad on the %s path', (_name, options) => {
  it.each([
    [5, 7],
    [128, 10],
    [300, 1000], // split across threads on the threaded path
  ])('[%i, %i]: one kernel backward, equal to the composed gradient bit for bit', async (rows, cols) => {
    const backend = cpu(options);
    made.push(backend);
    await backend.ready();
    await bp.setBackend(backend);
    // Logits in [−3, 3) and labels covering every class, made on whichever backend is current.
    const z = Float32Array.from({ length: rows * cols }, (_, i) => 3 * Math.sin(i * 12.9898 + rows));
    const y = Int32Array.from({ length: rows }, (_, r) => (r * 7 + 3) % cols);
    const gradient = async () => {
      const logits = bp.tensor(z, [rows, cols]);
      const labels = bp.tensor(y, [rows], 'int32');
      const seen: string[] = [];
      const stop = bp.observeKernels((name) => seen.push(name));
      const g = bp.grad((t: bp.Tensor) => bp.mul(bp.losses.softmaxCrossEntropy(t, labels), 0.3))(logits)[0];
      stop();
      const values = Array.from(await g.data());
      bp.dispose([g, logits, labels]);
      return { seen, values };
    };
    const fused = await gradient();
    expect(fused.seen).toContain('softmaxCrossEntropyGrad');
    expect(fused.seen).not.toContain('equal');
    await bp.setBackend(without(backend, ['softmaxCrossEntropyGrad']));
    const composed = await gradient();
    await bp.setBackend(backend);
    expect(composed.seen).not.toContain('softmaxCrossEntropyGrad');
    expect(fused.values.length).toBe(rows * cols);
    // The first element that differs (Object.is: −0 told from +0), −1 when none: no diff of 300,000 numbers.
    const differs = fused.values.findIndex((v, i) => !Object.is(v, composed.values[i]));
    expect(
      differs === -1 ? 'none' : `element ${differs}: ${fused.values[differs]} vs ${composed.values[differs]}`,
    ).toBe('none');
  });
});
