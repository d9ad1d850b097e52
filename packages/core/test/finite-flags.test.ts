/**
 * finiteFlags: one flag per tensor, 0 exactly when every value is finite, on backend-cpu's kernel
 * (scalar for small tensors, SIMD above) and on core's fallback; the training step reads the loss
 * and every gradient with a single dispatch of it.
 */
import { cpu } from '@backprop/backend-cpu';
import {
  DTypeError,
  finiteFlags,
  getBackend,
  liveTensorCount,
  losses,
  nn,
  observeKernels,
  scalar,
  setBackend,
  tensor,
  trainStep,
  ValueError,
} from '@backprop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlainSGD } from './optimizers.js';
import { useCpu } from './setup.js';

beforeAll(useCpu);

const with_ = (n: number, i: number, v: number) =>
  tensor(Array.from({ length: n }, (_, k) => (k === i ? v : Math.sin(k))));
const flags = async (ts: Parameters<typeof finiteFlags>[0]) => Array.from(await finiteFlags(ts).data());

function cases() {
  it.each([1, 5, 64, 999])('flags NaN and ±∞ anywhere in %i values, and nothing finite', async (n) => {
    const finite = Array.from({ length: n }, (_, k) => (k % 2 ? 3.4e38 : -3.4e38)); // Σ would overflow
    for (const i of new Set([0, n >> 1, n - 1])) {
      const got = await flags([
        with_(n, i, Number.NaN),
        with_(n, i, Number.POSITIVE_INFINITY),
        with_(n, i, Number.NEGATIVE_INFINITY),
        tensor(finite),
        tensor(Array.from({ length: n }, () => -0)),
      ]);
      expect(got.map((g) => (Number.isNaN(g) ? 'NaN' : Math.abs(g)))).toEqual(['NaN', 'NaN', 'NaN', 0, 0]);
    }
  });

  it('leaves no tensor behind but its result', async () => {
    const inputs = [with_(100, 3, Number.NaN), scalar(1)];
    const before = liveTensorCount();
    const result = finiteFlags(inputs);
    expect(liveTensorCount()).toBe(before + 1);
    result.dispose();
  });

  it('takes scalars and any shape; no tensors gives an empty vector', async () => {
    expect(
      await flags([
        scalar(1),
        tensor([
          [1, 2],
          [3, Number.NaN],
        ]),
      ]),
    ).toEqual([0, Number.NaN]);
    expect(finiteFlags([]).shape).toEqual([0]);
  });

  it('rejects non-tensors and non-float32 tensors with typed errors', () => {
    expect(() => finiteFlags([tensor([1], [1], 'int32')])).toThrow(DTypeError);
    expect(() => finiteFlags([1 as never])).toThrow(ValueError);
    expect(() => finiteFlags('x' as never)).toThrow(ValueError);
  });
}

describe("backend-cpu's finiteFlags kernel", cases);

describe("core's fallback (a backend without the kernel)", () => {
  let previous: ReturnType<typeof getBackend>;
  beforeAll(async () => {
    previous = getBackend();
    const b = cpu();
    const { finiteFlags: _, ...kernels } = b.kernels;
    await setBackend({ ...b, kernels: kernels as typeof b.kernels });
  });
  afterAll(() => setBackend(previous));
  cases();
});

describe('the training step', () => {
  it('checks the loss and every gradient with one finiteFlags dispatch', async () => {
    const model = nn.sequential(nn.dense(3, 4), nn.relu(), nn.dense(4, 2));
    const step = trainStep(model, { loss: losses.softmaxCrossEntropy, optimizer: new PlainSGD(0.1) });
    const seen: number[] = [];
    const stop = observeKernels((name, inputs) => {
      if (name === 'finiteFlags') seen.push(inputs.length);
    });
    try {
      await step(tensor([[1, 2, 3]]), tensor([1], [1], 'int32'));
    } finally {
      stop();
    }
    expect(seen).toEqual([1 + model.parameters().length]);
  });
});
