/**
 * `updateInPlace` through core's `InPlaceUpdates`: Adam, SGD with momentum and centered RMSprop
 * written into their own buffers give bit for bit what the same shaders write into new ones,
 * allocate nothing, and write nothing while the guard is not 0.
 */
import {
  adamUpdate,
  InPlaceUpdates,
  rmspropUpdate,
  scalar,
  setBackend,
  sgdUpdate,
  type Tensor,
  tensor,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gpuBackend, skipGpu } from './util.js';

const wave = (n: number, seed: number, positive = false) =>
  Array.from({ length: n }, (_, i) => {
    const v = Math.sin(i * 0.37 + seed);
    return positive ? v * v + 0.1 : v;
  });
const bits = async (ts: Tensor[]) =>
  Promise.all(ts.map(async (t) => Array.from(new Uint32Array(((await t.data()) as Float32Array).buffer))));

/** Fresh inputs of each update and the tensors it writes. */
const updates: [string, (n: number) => { run: (b?: InPlaceUpdates) => Tensor[]; written: Tensor[] }][] = [
  [
    'adam',
    (n) => {
      const [param, grad, expAvg, expAvgSq] = [
        tensor(wave(n, 1)),
        tensor(wave(n, 2)),
        tensor(wave(n, 3)),
        tensor(wave(n, 4, true)),
      ];
      const attrs = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true, amsgrad: false };
      const inputs = { param, grad, expAvg, expAvgSq, step: scalar(3, 'int32'), lr: scalar(0.01) };
      return { run: (b) => adamUpdate(inputs, attrs, { inPlace: b }), written: [param, expAvg, expAvgSq] };
    },
  ],
  [
    'sgd nesterov',
    (n) => {
      const [param, grad, momentumBuffer] = [tensor(wave(n, 1)), tensor(wave(n, 2)), tensor(wave(n, 3))];
      const attrs = { momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 0.01, firstStep: false };
      return {
        run: (b) => sgdUpdate({ param, grad, momentumBuffer, lr: scalar(0.1) }, attrs, { inPlace: b }),
        written: [param, momentumBuffer],
      };
    },
  ],
  [
    'rmsprop centered',
    (n) => {
      const [param, grad, gradAvg, momentumBuffer] = [1, 2, 3, 4].map((s) => tensor(wave(n, s)));
      const squareAvg = tensor(wave(n, 5, true).map((v) => v + 4));
      const attrs = { decay: 0.9, scale: 0.1, eps: 1e-8, weightDecay: 0, momentum: 0.5, centered: true };
      const inputs = { param, grad, squareAvg, gradAvg, momentumBuffer, lr: scalar(0.01) };
      return {
        run: (b) => rmspropUpdate(inputs, attrs, { inPlace: b }),
        written: [param, squareAvg, gradAvg, momentumBuffer],
      };
    },
  ],
];

describe.skipIf(skipGpu)('webgpu updates in place', () => {
  beforeAll(async () => {
    await setBackend(await gpuBackend());
  });

  it.each(updates)('%s: bit for bit the out-of-place shader, no allocation, guarded', async (_, make) => {
    const n = 1000;
    const expected = await bits(make(n).run());
    const { run, written } = make(n);
    const before = await bits(written);
    const rejected = new InPlaceUpdates({ guard: scalar(Number.NaN) });
    expect(run(rejected)).toEqual(written);
    rejected.commit();
    expect(await bits(written)).toEqual(before);
    const batch = new InPlaceUpdates({ guard: scalar(0) });
    const queued = run(batch);
    expect(queued.every((t, i) => t === written[i])).toBe(true);
    const backend = await gpuBackend();
    const bytes = backend.memory().bytes;
    batch.commit();
    expect(backend.memory().bytes).toBe(bytes);
    expect(await bits(written)).toEqual(expected);
  });
});
