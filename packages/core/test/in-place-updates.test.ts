/**
 * InPlaceUpdates and the fused update ops' `{ inPlace }` option, on backend-cpu (scalar kernels
 * for tiny tensors, SIMD ones above 64 elements): queued updates write exactly what the
 * out-of-place kernels return, only at commit, only when the guard holds 0, never into storage
 * another tensor shares, and a commit writes every update or none.
 */
import { cpu } from '@backprop/backend-cpu';
import {
  adamUpdate,
  BackendError,
  DisposedError,
  DTypeError,
  getBackend,
  InPlaceUpdates,
  observeKernels,
  rmspropUpdate,
  type SgdUpdateAttrs,
  scalar,
  setBackend,
  sgdUpdate,
  stopGradient,
  type Tensor,
  tensor,
  updateInPlaceFromKernels,
  updateWrittenInputs,
  ValueError,
} from '@backprop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from './setup.js';

beforeAll(useCpu);

const values = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) => Math.sin(i * 0.731 + seed) * (1 + seed));
const positive = (n: number, seed: number) => values(n, seed).map((v) => v * v + 0.01);
const bits = (t: Tensor) => Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));

/** One update's tensors, made fresh so two runs start from the same values. */
type Case = { name: string; make: () => { run: (batch?: InPlaceUpdates) => Tensor[]; written: Tensor[] } };

function cases(n: number): Case[] {
  const sgdAttrs = (momentum: number): SgdUpdateAttrs => ({
    momentum,
    dampening: 0.1,
    nesterov: momentum > 0,
    weightDecay: 0.01,
    firstStep: false,
  });
  return [
    {
      name: 'sgd',
      make: () => {
        const [param, grad] = [tensor(values(n, 1)), tensor(values(n, 2))];
        return {
          run: (b) => sgdUpdate({ param, grad, lr: scalar(0.1) }, sgdAttrs(0), { inPlace: b }),
          written: [param],
        };
      },
    },
    {
      name: 'sgd nesterov',
      make: () => {
        const [param, grad, momentumBuffer] = [tensor(values(n, 1)), tensor(values(n, 2)), tensor(values(n, 3))];
        return {
          run: (b) => sgdUpdate({ param, grad, momentumBuffer, lr: scalar(0.1) }, sgdAttrs(0.9), { inPlace: b }),
          written: [param, momentumBuffer],
        };
      },
    },
    ...[false, true].map(
      (amsgrad): Case => ({
        name: `adam${amsgrad ? ' amsgrad' : ''}`,
        make: () => {
          const [param, grad, expAvg] = [tensor(values(n, 1)), tensor(values(n, 2)), tensor(values(n, 3))];
          const [expAvgSq, maxExpAvgSq] = [tensor(positive(n, 4)), tensor(positive(n, 5))];
          const attrs = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, decoupled: !amsgrad, amsgrad };
          const inputs = { param, grad, expAvg, expAvgSq, maxExpAvgSq, step: scalar(3, 'int32'), lr: scalar(0.01) };
          return {
            run: (b) => adamUpdate(inputs, attrs, { inPlace: b }),
            written: [param, expAvg, expAvgSq, ...(amsgrad ? [maxExpAvgSq] : [])],
          };
        },
      }),
    ),
    {
      name: 'rmsprop centered momentum',
      make: () => {
        const [param, grad, gradAvg, momentumBuffer] = [1, 2, 3, 4].map((s) => tensor(values(n, s)));
        const squareAvg = tensor(positive(n, 5).map((v) => v + 10));
        const attrs = { decay: 0.99, scale: 0.01, eps: 1e-8, weightDecay: 0.01, momentum: 0.5, centered: true };
        const inputs = { param, grad, squareAvg, gradAvg, momentumBuffer, lr: scalar(0.01) };
        return {
          run: (b) => rmspropUpdate(inputs, attrs, { inPlace: b }),
          written: [param, squareAvg, gradAvg, momentumBuffer],
        };
      },
    },
  ];
}

describe.each([5, 1000])('in-place fused updates, %i elements', (n) => {
  it.each(cases(n).map((c) => [c.name, c] as const))('%s writes the out-of-place results bit for bit', (_, c) => {
    const outOfPlace = c.make().run();
    const { run, written } = c.make();
    const before = written.map(bits);
    const batch = new InPlaceUpdates();
    const queued = run(batch);
    expect(queued).toHaveLength(written.length);
    expect(queued.every((t, i) => t === written[i])).toBe(true);
    expect(batch.size).toBe(1);
    expect(() => written[0].dataSync()).toThrow(BackendError); // queued: its values are about to change
    batch.commit();
    expect(batch.size).toBe(0);
    expect(written.map(bits)).toEqual(outOfPlace.map(bits));
    expect(written.map(bits)).not.toEqual(before);
  });

  it.each([
    [0, true],
    [1, false],
    [-0.5, false],
    [Number.NaN, false],
    [Number.POSITIVE_INFINITY, false],
  ])('with the guard holding %d it writes: %s', (g, writes) => {
    const { run, written } = cases(n)[3].make();
    const before = written.map(bits);
    const expected = cases(n)[3].make().run().map(bits);
    const batch = new InPlaceUpdates({ guard: scalar(g) });
    run(batch);
    batch.commit();
    expect(written.map(bits)).toEqual(writes ? expected : before);
  });
});

describe('when an update must run out of place', () => {
  const sgd0 = { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: true };

  it('storage another tensor shares is never written: the view keeps its values', () => {
    const param = tensor(values(100, 1));
    const view = stopGradient(param);
    const before = bits(view);
    const batch = new InPlaceUpdates();
    const [next] = sgdUpdate({ param, grad: tensor(values(100, 2)), lr: scalar(0.1) }, sgd0, { inPlace: batch });
    expect(next).not.toBe(param);
    expect(batch.size).toBe(0);
    batch.commit();
    expect(bits(view)).toEqual(before);
    expect(bits(param)).toEqual(before);
  });

  it('an update that reads storage an earlier one writes runs out of place, on the old values', () => {
    const a = tensor(values(100, 1));
    const b = tensor(values(100, 3));
    const grad = tensor(values(100, 2));
    const expectedA = bits(sgdUpdate({ param: a, grad, lr: scalar(0.1) }, sgd0)[0]);
    const expectedB = bits(sgdUpdate({ param: b, grad: a, lr: scalar(0.1) }, sgd0)[0]);
    const batch = new InPlaceUpdates();
    const [a2] = sgdUpdate({ param: a, grad, lr: scalar(0.1) }, sgd0, { inPlace: batch });
    const [b2] = sgdUpdate({ param: b, grad: a, lr: scalar(0.1) }, sgd0, { inPlace: batch }); // reads a, queued
    expect(a2).toBe(a);
    expect(b2).not.toBe(b);
    expect(batch.size).toBe(1);
    // …and one that would write what an earlier update reads, too.
    const [g2] = sgdUpdate({ param: grad, grad: b, lr: scalar(0.1) }, sgd0, { inPlace: batch });
    expect(g2).not.toBe(grad);
    batch.commit();
    expect(bits(a)).toEqual(expectedA);
    expect(bits(b2)).toEqual(expectedB);
  });

  it('while kernels are observed (a compile trace) nothing is queued', () => {
    const param = tensor(values(100, 1));
    const stop = observeKernels(() => {});
    try {
      const batch = new InPlaceUpdates();
      const [next] = sgdUpdate({ param, grad: tensor(values(100, 2)), lr: scalar(0.1) }, sgd0, { inPlace: batch });
      expect(next).not.toBe(param);
      expect(batch.size).toBe(0);
    } finally {
      stop();
    }
  });

  it('SGD momentum on its first step has no buffer to write into: out of place', () => {
    const param = tensor(values(100, 1));
    const batch = new InPlaceUpdates();
    const attrs = { ...sgd0, momentum: 0.9 };
    const out = sgdUpdate({ param, grad: tensor(values(100, 2)), lr: scalar(0.1) }, attrs, { inPlace: batch });
    expect(out[0]).not.toBe(param);
    expect(batch.size).toBe(0);
  });
});

describe('a backend without updateInPlace', () => {
  let previous: ReturnType<typeof getBackend>;
  beforeAll(async () => {
    previous = getBackend();
    const plain = cpu();
    await setBackend({ ...plain, updateInPlace: undefined });
  });
  afterAll(() => setBackend(previous));

  it('gets every update out of place', () => {
    const param = tensor(values(100, 1));
    const batch = new InPlaceUpdates();
    const attrs = { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: true };
    const [next] = sgdUpdate({ param, grad: tensor(values(100, 2)), lr: scalar(0.1) }, attrs, { inPlace: batch });
    expect(next).not.toBe(param);
    expect(batch.size).toBe(0);
  });
});

describe('commit and discard', () => {
  const sgd0 = { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: true };

  it('a commit whose inputs were freed throws before writing any update', () => {
    const [a, b] = [tensor(values(100, 1)), tensor(values(100, 3))];
    const gradB = tensor(values(100, 4));
    const before = [bits(a), bits(b)];
    const batch = new InPlaceUpdates();
    sgdUpdate({ param: a, grad: tensor(values(100, 2)), lr: scalar(0.1) }, sgd0, { inPlace: batch });
    sgdUpdate({ param: b, grad: gradB, lr: scalar(0.1) }, sgd0, { inPlace: batch });
    gradB.dispose();
    expect(() => batch.commit()).toThrow(DisposedError);
    expect([bits(a), bits(b)]).toEqual(before); // readable again, and unchanged
  });

  it('discard drops the queued updates and leaves the values', () => {
    const param = tensor(values(100, 1));
    const before = bits(param);
    const batch = new InPlaceUpdates();
    sgdUpdate({ param, grad: tensor(values(100, 2)), lr: scalar(0.1) }, sgd0, { inPlace: batch });
    batch.discard();
    batch.commit(); // nothing left to write
    expect(bits(param)).toEqual(before);
  });

  it('rejects a guard that is not a float32 scalar, with a typed error', () => {
    expect(() => new InPlaceUpdates({ guard: tensor([0, 0]) })).toThrow(/guard must be a float32 scalar/);
    expect(() => new InPlaceUpdates({ guard: scalar(0, 'int32') })).toThrow(DTypeError);
    expect(() => new InPlaceUpdates({ guard: 0 as unknown as Tensor })).toThrow(ValueError);
  });

  it('allocates nothing: the backend holds the same bytes before and after the writes', () => {
    const { run } = cases(4096)[2].make();
    const batch = new InPlaceUpdates();
    run(batch);
    const before = getBackend().memory();
    getBackend().resetPeak?.();
    batch.commit();
    const after = getBackend().memory();
    expect(after.bytes).toBe(before.bytes);
    expect(after.peakBytes).toBe(before.bytes);
  });
});

describe('the in-place contract helpers', () => {
  it('updateWrittenInputs names the parameter and state inputs, and rejects garbage with a ValueError', () => {
    expect(updateWrittenInputs('sgdUpdate', 3)).toEqual([0]);
    expect(updateWrittenInputs('sgdUpdate', 4)).toEqual([0, 2]);
    expect(updateWrittenInputs('adamUpdate', 7)).toEqual([0, 2, 3, 5]);
    expect(updateWrittenInputs('rmspropUpdate', 6)).toEqual([0, 2, 3, 4]);
    expect(() => updateWrittenInputs('add' as never, 4)).toThrow(/updateWrittenInputs: name must be .* got add/);
    for (const count of [Number.NaN, -1, 2.5, 5])
      expect(() => updateWrittenInputs('adamUpdate', count)).toThrow(ValueError);
  });

  it('updateInPlaceFromKernels rejects what is not a backend, a table or a function', () => {
    const b = getBackend();
    const into = () => {};
    expect(() => updateInPlaceFromKernels(b as never, b.kernels, into)).toThrow(/updateInPlaceFromKernels: backend/);
    expect(() => updateInPlaceFromKernels(() => b, null as never, into)).toThrow(/kernels must be a kernel table/);
    expect(() => updateInPlaceFromKernels(() => b, b.kernels, 'x' as never)).toThrow(/into must be a function/);
  });
});
