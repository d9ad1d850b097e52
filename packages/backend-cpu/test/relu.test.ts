/** ReLU on backend-cpu: core's relu takes the fused kernels, one pass each way, on every path. */
import * as bp from '@backprop/core';
import { afterAll, describe, expect, it } from 'vitest';
import { type CpuBackend, cpu } from '../src/index.js';

const made: CpuBackend[] = [];
afterAll(() => {
  for (const b of made) b.destroy();
});

describe.each([
  ['scalar', { simd: false, threads: 1 }],
  ['simd', { simd: true, threads: 1 }],
  ['simd + 2 threads', { simd: true, threads: 2 }],
] as const)('relu on the %s path', (_name, options) => {
  it('runs relu forward and reluGrad backward, nothing else, with the select values', async () => {
    const backend = cpu(options);
    made.push(backend);
    await backend.ready();
    await bp.setBackend(backend);
    const x = bp.tensor([-2, -0, 0, 0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 3]);
    const seen: string[] = [];
    const stop = bp.observeKernels((name) => seen.push(name));
    const { value, grads } = bp.vjp((v: bp.Tensor) => bp.relu(v), [x]);
    stop();
    // One kernel each way (besides the seed of ones), none of the selects' compares and masks.
    expect(seen.filter((k) => k !== 'fill')).toEqual(['relu', 'reluGrad']);
    const y = Array.from(await value.data());
    expect(y.map((v) => Object.is(v, -0))).not.toContain(true);
    expect(y).toEqual([0, 0, 0, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 0, 3]);
    expect(Array.from(await grads[0].data())).toEqual([0, 0, 0, 1, 0, 1, 0, 1]);
    bp.dispose([x, value, ...grads]);
  });
});
