/**
 * Shapes with a 0 in them, a rank-0 pad and an empty inner dimension, eager and compiled: a 0 in
 * a Reshape's target is a 0 (not "copy the input's dim"), scatterAdd with no indices gives zeros,
 * a pad of a scalar is the scalar, and a matmul with K = 0 gives zeros of the broadcast shape.
 */
import * as bp from '@backprop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OnnxBackend, onnx } from '../src/index.js';

let ort: OnnxBackend;
beforeAll(async () => {
  ort = await onnx({ provider: 'cpu', threads: 2 });
  await bp.setBackend(ort);
});
afterAll(async () => {
  await ort.destroy?.();
});

interface Got {
  shape: readonly number[];
  values: number[];
}

/** `fn(...inputs)` eagerly and as a compiled graph (after the traces agree); both results. */
async function eagerAndCompiled(
  fn: (...xs: bp.Tensor[]) => bp.Tensor,
  inputs: () => bp.Tensor[],
): Promise<{ eager: Got; compiled: Got }> {
  const read = async (t: bp.Tensor): Promise<Got> => {
    const got = { shape: t.shape, values: Array.from(await t.data()) };
    t.dispose();
    return got;
  };
  const xs = inputs();
  try {
    const eager = await read(bp.tidy(() => fn(...xs)));
    const f = bp.compile((...a: bp.Tensor[]) => bp.tidy(() => fn(...a)));
    let compiled = eager;
    for (let call = 0; call < 4; call++) compiled = await read(f(...xs) as bp.Tensor);
    expect(f.mode).toBe('graph');
    f.invalidate();
    return { eager, compiled };
  } finally {
    bp.dispose(xs);
  }
}

async function expectBoth(
  fn: (...xs: bp.Tensor[]) => bp.Tensor,
  inputs: () => bp.Tensor[],
  shape: readonly number[],
  values: readonly number[],
): Promise<void> {
  const { eager, compiled } = await eagerAndCompiled(fn, inputs);
  for (const got of [eager, compiled]) {
    expect(got.shape).toEqual(shape);
    expect(got.values).toEqual(values);
  }
}

const none = () => bp.tensor(new Int32Array(0), [0], 'int32');

describe('onnx: zero-sized shapes and rank-0 pads', () => {
  it('a reshape to a shape with 0 keeps the 0 (ONNX Reshape with allowzero), then pad and sum', async () => {
    // Before: [1, 1] holding 4 values; a 0 in Reshape's target copied the input's dim.
    await expectBoth(
      (x) =>
        bp.pad(
          bp.reshape(x, [0, 0]),
          [
            [1, 0],
            [1, 0],
          ],
          -2,
        ),
      () => [bp.zeros([0, 3])],
      [1, 1],
      [-2],
    );
    // Before: "could not compute … Reshape".
    await expectBoth(
      (x) =>
        bp.sum(
          bp.pad(
            bp.reshape(x, [0, 1]),
            [
              [1, 0],
              [0, 0],
            ],
            1,
          ),
        ),
      () => [bp.zeros([2, 0, 3])],
      [],
      [1],
    );
  });

  it('scatterAdd with no indices gives zeros, and so does the gradient of a gather of none', async () => {
    await expectBoth(
      (u, idx) => bp.scatterAdd(u, idx, 0, [3, 2]),
      () => [bp.zeros([0, 2]), none()],
      [3, 2],
      [0, 0, 0, 0, 0, 0],
    );
    await expectBoth(
      (u, idx) => bp.scatterAdd(u, idx, 1, [1, 3, 4]),
      () => [bp.zeros([1, 4, 0, 4]), bp.tensor(new Int32Array(0), [4, 0], 'int32')],
      [1, 3, 4],
      new Array(12).fill(0),
    );
    await expectBoth(
      (u, idx) => bp.scatterAdd(u, idx, 0, [2]),
      () => [bp.tensor(new Int32Array(0), [0], 'int32'), none()],
      [2],
      [0, 0],
    );
    await expectBoth(
      (x, idx) => bp.grad((y: bp.Tensor) => bp.sum(bp.gather(y, idx, 0)))(x)[0],
      () => [bp.ones([3, 2]), none()],
      [3, 2],
      [0, 0, 0, 0, 0, 0],
    );
  });

  it('a pad of a rank-0 tensor is the tensor itself, for every dtype', async () => {
    await expectBoth(
      (x) => bp.pad(x, [], 0),
      () => [bp.scalar(3)],
      [],
      [3],
    );
    await expectBoth(
      (x) => bp.pad(x, [], 0),
      () => [bp.scalar(-7, 'int32')],
      [],
      [-7],
    );
    await expectBoth(
      (x) => bp.pad(x, [], 0),
      () => [bp.scalar(1, 'bool')],
      [],
      [1],
    );
  });

  it('matmul with K = 0 gives zeros of the broadcast shape (float32 and int32, with transposes)', async () => {
    await expectBoth(
      (a, b) => bp.matmul(a, b),
      () => [bp.zeros([2, 0]), bp.zeros([3, 0, 2])],
      [3, 2, 2],
      new Array(12).fill(0),
    );
    await expectBoth(
      (a, b) => bp.matmul(a, b),
      () => [bp.zeros([2, 1, 2, 0]), bp.zeros([3, 0, 2])],
      [2, 3, 2, 2],
      new Array(24).fill(0),
    );
    await expectBoth(
      (a, b) => bp.matmul(a, b),
      () => [bp.zeros([1, 1, 1, 0], 'int32'), bp.zeros([1, 5, 0, 2], 'int32')],
      [1, 5, 1, 2],
      new Array(10).fill(0),
    );
    await expectBoth(
      (a, b) => bp.matmul(a, b, { transposeA: true, transposeB: true }),
      () => [bp.ones([0, 2]), bp.ones([3, 2, 0])],
      [3, 2, 2],
      new Array(12).fill(0),
    );
  });
});
