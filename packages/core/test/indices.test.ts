/** Indices and class labels checked before anything runs: gather, oneHot, softmaxCrossEntropy, accuracy, and the dataset helpers takeRows, sliceRows, permutation. */
import { cpu } from '@backprop/backend-cpu';
import {
  type ArrayDataset,
  add,
  type Backend,
  BackpropError,
  DTypeError,
  fit,
  gather,
  getBackend,
  IndexError,
  liveTensorCount,
  losses,
  metrics,
  nn,
  oneHot,
  permutation,
  reshape,
  ShapeError,
  scatterAdd,
  setBackend,
  sliceRows,
  type Tensor,
  takeRows,
  tensor,
  ValueError,
  valueAndGrad,
} from '@backprop/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PlainSGD } from './optimizers.js';
import { useCpu } from './setup.js';

beforeEach(useCpu);
afterEach(useCpu);

const ints = (values: number[], shape?: number[]) => tensor(Int32Array.from(values), shape, 'int32');

/** Runs `f`, expecting an IndexError with these fields; checks that no tensor was left behind. */
function expectIndexError(
  f: () => unknown,
  fields: { op: string; index: number; position: number; bound: number },
  message: RegExp,
): IndexError {
  const live = liveTensorCount();
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(IndexError);
  expect(caught).toBeInstanceOf(BackpropError);
  const err = caught as IndexError;
  expect({ op: err.op, index: err.index, position: err.position, bound: err.bound }).toEqual(fields);
  expect(err.message).toMatch(message);
  expect(err.name).toBe('IndexError');
  expect(liveTensorCount()).toBe(live);
  return err;
}

describe('gather', () => {
  it('raises an IndexError naming the index, its position and the range', () => {
    const x = tensor([10, 11, 12, 13, 14]);
    const idx = ints([0, 4, 2, 10, 7]);
    const err = expectIndexError(
      () => gather(x, idx),
      { op: 'gather', index: 10, position: 3, bound: 5 },
      /^gather: index 10 at position 3 is out of range \[0, 5\)$/,
    );
    expect(err.message).toBe('gather: index 10 at position 3 is out of range [0, 5)');
  });

  it('rejects negative indices (no wrap-around)', () => {
    const x = tensor([1, 2, 3]);
    const idx = ints([1, -1]);
    expectIndexError(() => gather(x, idx), { op: 'gather', index: -1, position: 1, bound: 3 }, /index -1/);
  });

  it('checks against the size of the gathered axis, with flat positions for index tensors of rank > 1', () => {
    const x = tensor(new Float32Array(12), [4, 3]);
    const idx = ints([0, 2, 1, 3], [2, 2]);
    const four = ints([4]);
    expectIndexError(
      () => gather(x, idx, 1),
      { op: 'gather', index: 3, position: 3, bound: 3 },
      /position 3 is out of range \[0, 3\)/,
    );
    expectIndexError(() => gather(x, four, 0), { op: 'gather', index: 4, position: 0, bound: 4 }, /\[0, 4\)/);
  });

  it('still gathers at the boundary indices 0 and size − 1, and its gradient still scatters', () => {
    const x = tensor([10, 11, 12, 13, 14]);
    expect(Array.from(gather(x, ints([0, 4, 4])).dataSync())).toEqual([10, 14, 14]);
    expect(gather(x, ints([])).shape).toEqual([0]);
    const [g] = valueAndGrad((v: Tensor) => gather(v, ints([4, 0, 4])).sum())(x).grads;
    expect(Array.from(g.dataSync())).toEqual([1, 0, 0, 0, 2]);
  });

  it('still raises a DTypeError for float indices', () => {
    expect(() => gather(tensor([1, 2]), tensor([0, 1]))).toThrow(DTypeError);
  });
});

describe('scatterAdd', () => {
  it('raises an IndexError for an index outside the axis (the kernel dropped that update)', () => {
    const [updates, seven, one, minus] = [tensor([1, 2]), ints([0, 7]), tensor([1]), ints([-1])];
    expectIndexError(
      () => scatterAdd(updates, seven, 0, [3]),
      { op: 'scatterAdd', index: 7, position: 1, bound: 3 },
      /^scatterAdd: index 7 at position 1 is out of range \[0, 3\)$/,
    );
    expectIndexError(
      () => scatterAdd(one, minus, 0, [3]),
      { op: 'scatterAdd', index: -1, position: 0, bound: 3 },
      /index -1/,
    );
  });

  it('raises a ShapeError when the updates are not shaped as gather would give', () => {
    expect(() => scatterAdd(tensor([1, 2, 3]), ints([0, 1]), 0, [3])).toThrow(
      new ShapeError("scatterAdd: updates must be [2] (shape [3] with axis 0 replaced by the indices' [2]), got [3]"),
    );
    expect(() => scatterAdd(tensor([1, 2]), ints([0, 1]), 0, [3, -1])).toThrow(ShapeError);
    expect(() => scatterAdd(tensor([1, 2]), ints([0, 1]), 1, [3])).toThrow(/axis/);
  });

  it('still adds at repeated and boundary indices, along a negative axis too', () => {
    expect(Array.from(scatterAdd(tensor([1, 2, 3]), ints([0, 2, 0]), 0, [3]).dataSync())).toEqual([4, 0, 2]);
    const y = scatterAdd(tensor([1, 2, 3, 4], [2, 2]), ints([2, 0]), -1, [2, 3]);
    expect(Array.from(y.dataSync())).toEqual([2, 0, 1, 4, 0, 3]);
  });
});

describe('oneHot', () => {
  it('raises an IndexError for an index ≥ depth or < 0 (it gave a zero row)', () => {
    const [five, minus] = [ints([2, 0, 5]), ints([-1])];
    expectIndexError(
      () => oneHot(five, 3),
      { op: 'oneHot', index: 5, position: 2, bound: 3 },
      /^oneHot: index 5 at position 2 is out of range \[0, 3\)$/,
    );
    expectIndexError(() => oneHot(minus, 3), { op: 'oneHot', index: -1, position: 0, bound: 3 }, /index -1/);
  });

  it('still encodes 0 and depth − 1', () => {
    expect(Array.from(oneHot(ints([2, 0]), 3).dataSync())).toEqual([0, 0, 1, 1, 0, 0]);
  });
});

describe('losses.softmaxCrossEntropy class labels', () => {
  const logits = () => tensor([1, 2, 3, 0, 0, 0, -1, 0, 1], [3, 3]);

  /** The fused kernel (the CPU backend has it) and the composed fallback (a backend without it). */
  const paths: [string, () => Promise<void>][] = [
    ['fused kernel', useCpu],
    [
      'composed fallback',
      async () => {
        const b = cpu();
        await setBackend({ ...b, kernels: { ...b.kernels, softmaxCrossEntropy: undefined } } as unknown as Backend);
      },
    ],
  ];

  for (const [path, use] of paths) {
    it(`raises an IndexError naming the op, the label, its position and K, before computing (${path})`, async () => {
      await use();
      const [z, seven, minus] = [logits(), ints([0, 7, 1]), ints([0, 1, -1])];
      expectIndexError(
        () => losses.softmaxCrossEntropy(z, seven),
        { op: 'softmaxCrossEntropy', index: 7, position: 1, bound: 3 },
        /^softmaxCrossEntropy: label 7 at position 1 is out of range \[0, 3\) for 3 classes/,
      );
      expectIndexError(
        () => losses.softmaxCrossEntropy(z, minus),
        { op: 'softmaxCrossEntropy', index: -1, position: 2, bound: 3 },
        /label -1 at position 2 .* for 3 classes/,
      );
    });

    it(`still takes labels 0 and K − 1 with a finite gradient (${path})`, async () => {
      await use();
      const { value, grads } = valueAndGrad((z: Tensor) => losses.softmaxCrossEntropy(z, ints([2, 0, 2])))(logits());
      const lse = (a: number[]) => Math.log(a.reduce((s, v) => s + Math.exp(v), 0));
      const expected = (lse([1, 2, 3]) - 3 + lse([0, 0, 0]) + lse([-1, 0, 1]) - 1) / 3;
      expect(value.dataSync()[0]).toBeCloseTo(expected, 5);
      expect(Array.from(grads[0].dataSync()).every(Number.isFinite)).toBe(true);
    });
  }

  it('raises a DTypeError naming the op for float class labels [N] (it was a ShapeError)', () => {
    const live = liveTensorCount();
    const z = logits();
    const y = tensor([0, 2, 1]);
    expect(() => losses.softmaxCrossEntropy(z, y)).toThrow(DTypeError);
    expect(() => losses.softmaxCrossEntropy(z, y)).toThrow(/^softmaxCrossEntropy: class labels must be int32/);
    expect(liveTensorCount()).toBe(live + 2);
  });

  it('still takes float32 probability targets [N, K]', () => {
    const t = tensor([0, 0, 1, 1, 0, 0, 0, 0, 1], [3, 3]);
    expect(Number.isFinite(losses.softmaxCrossEntropy(logits(), t).dataSync()[0])).toBe(true);
  });
});

describe('the accuracy metric', () => {
  const probs = () => tensor([0.1, 0.7, 0.2, 0.8, 0.1, 0.1], [2, 3]);

  it('raises an IndexError for a label outside [0, K) and a DTypeError for float labels [N]', () => {
    const [p, three, floats] = [probs(), ints([1, 3]), tensor([1, 0])];
    expectIndexError(
      () => metrics.accuracy(p, three),
      { op: 'accuracy', index: 3, position: 1, bound: 3 },
      /^accuracy: label 3 at position 1 is out of range \[0, 3\) for 3 classes/,
    );
    expect(() => metrics.accuracy(p, floats)).toThrow(/^accuracy: class labels must be int32/);
  });

  it('still counts labels 0 and K − 1, one-hot targets, and 0/1 targets of one column', () => {
    expect(metrics.accuracy(probs(), ints([1, 0])).dataSync()[0]).toBe(2);
    expect(metrics.accuracy(probs(), ints([2, 0])).dataSync()[0]).toBe(1);
    expect(metrics.accuracy(probs(), tensor([0, 1, 0, 1, 0, 0], [2, 3])).dataSync()[0]).toBe(2);
    expect(metrics.accuracy(tensor([0.2, 0.9], [2, 1]), tensor([0, 1], [2, 1])).dataSync()[0]).toBe(2);
  });
});

const SGD = PlainSGD;

describe('fit with a bad class label', () => {
  it('stops with the IndexError, not a NonFiniteLossError telling to lower the learning rate', async () => {
    const data: ArrayDataset = {
      x: new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]),
      xShape: [4, 2],
      y: new Int32Array([0, 1, 7, 0]),
      yShape: [4],
    };
    const err = await fit(nn.dense(2, 3, { seed: 1 }), data, {
      loss: losses.softmaxCrossEntropy,
      optimizer: new SGD(0.1),
      batchSize: 'full',
      shuffle: false,
      epochs: 1,
      verbose: false,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexError);
    // Found before the first step, naming the row of the data.
    expect((err as Error).message).toMatch(
      /^fit: label 7 at row 2 of the data is out of range \[0, 3\) for the 3 classes/,
    );
  });
});

describe('on a backend that cannot read synchronously', () => {
  it('checks int32 indices written from the host (their host copy), as on a backend that reads synchronously', async () => {
    const b = cpu();
    const { readSync: _, ...asyncOnly } = b;
    await setBackend({ ...asyncOnly, name: 'cpu-async-only' } as Backend);
    expect(getBackend().readSync).toBeUndefined();
    expect(() => gather(tensor([1, 2, 3]), ints([0, 5]))).toThrow(IndexError);
    expect(() => gather(tensor([1, 2, 3]), reshape(ints([0, 5]), [2, 1]))).toThrow(/index 5 at position 1/);
    expect(() => losses.softmaxCrossEntropy(tensor([[1, 2, 3]]), ints([3]))).toThrow(IndexError);
    expect(Array.from(await gather(tensor([1, 2, 3]), ints([2, 0])).data())).toEqual([3, 1]);
  });

  it('skips the check (documented) for indices the backend computed: an out-of-range one gives zeros there', async () => {
    const b = cpu();
    const { readSync: _, ...asyncOnly } = b;
    await setBackend({ ...asyncOnly, name: 'cpu-async-only' } as Backend);
    const computed = add(ints([0, 4]), ints([0, 1])); // [0, 5], never on the host
    const y = gather(tensor([1, 2, 3]), computed);
    expect(Array.from(await y.data())).toEqual([1, 0]);
  });
});

describe('dataset rows: takeRows, sliceRows, permutation', () => {
  const ds: ArrayDataset = {
    x: Float32Array.of(1, 2, 3, 4, 5, 6),
    xShape: [3, 2],
    y: Int32Array.of(0, 1, 2),
    yShape: [3],
  };

  it('takeRows raises an IndexError for an index outside [0, N) or a fraction (it gave a row of zeros or of another example)', () => {
    for (const [index, position, indices] of [
      [3, 1, [0, 3]],
      [-1, 0, [-1, 2]],
      [1.5, 2, [0, 1, 1.5]],
      [Number.NaN, 0, [Number.NaN]],
    ] as const) {
      let caught: unknown;
      try {
        takeRows(ds, indices);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(IndexError);
      expect(caught).toMatchObject({ op: 'takeRows', index, position, bound: 3 });
      expect((caught as Error).message).toMatch(/^takeRows: index .+ at position \d is out of range \[0, 3\)$/);
    }
  });

  it('takeRows still copies rows 0 and N − 1, in the order given', () => {
    const rows = takeRows(ds, Int32Array.of(2, 0, 2));
    expect(Array.from(rows.x)).toEqual([5, 6, 1, 2, 5, 6]);
    expect(Array.from(rows.y)).toEqual([2, 0, 2]);
    expect(rows.xShape).toEqual([3, 2]);
  });

  it('sliceRows raises a ValueError for rows outside [0, N] or reversed (it gave a batch shorter than its shape)', () => {
    for (const [start, end] of [
      [2, 4],
      [-1, 1],
      [2, 1],
      [0.5, 2],
    ])
      expect(() => sliceRows(ds, start, end)).toThrow(
        /^sliceRows: rows \[.+\) must be integers with 0 ≤ start ≤ end ≤ 3$/,
      );
    expect(() => sliceRows(ds, 2, 4)).toThrow(ValueError);
    const last = sliceRows(ds, 1, 3);
    expect(Array.from(last.x)).toEqual([3, 4, 5, 6]);
    expect(sliceRows(ds, 3, 3).xShape).toEqual([0, 2]);
  });

  it('permutation raises a ValueError naming a negative or fractional n, seed or epoch', () => {
    expect(() => permutation(-1, 0, 0)).toThrow(/^permutation: n must be a non-negative integer, got -1$/);
    expect(() => permutation(4, 1.5, 0)).toThrow(/^permutation: seed must be a non-negative integer, got 1.5$/);
    expect(() => permutation(4, 0, -2)).toThrow(ValueError);
    expect(Array.from(permutation(5, 0, 1)).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(permutation(0, 0, 0)).toHaveLength(0);
  });
});
