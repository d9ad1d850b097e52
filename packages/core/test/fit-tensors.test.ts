/** `fit` and `evaluate` on tensors: `fit(model, x, y, options)` as in TF.js, and `{ x, y }` datasets; tensors stay the caller's. */
import {
  type ArrayDataset,
  evaluate,
  fit,
  liveTensorCount,
  losses,
  nn,
  predict,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { PlainSGD } from './optimizers.js';
import { useCpu } from './setup.js';

beforeAll(useCpu);

const n = 10;
const arrays: ArrayDataset = {
  x: Float32Array.from({ length: 2 * n }, (_, i) => Math.sin(i)),
  xShape: [n, 2],
  y: Int32Array.from({ length: n }, (_, i) => (Math.sin(2 * i) + Math.sin(2 * i + 1) > 0 ? 1 : 0)),
  yShape: [n],
};
const options = {
  loss: losses.softmaxCrossEntropy,
  batchSize: 4,
  epochs: 3,
  metrics: ['accuracy'],
  verbose: false,
} as const;
const model = () => nn.dense(2, 2, { seed: 5 });
const weights = async (m: nn.Module) => Promise.all(m.parameters().map(async (p) => Array.from(await p.value.data())));

describe('fit on tensors', () => {
  it('fit(model, x, y, options) trains exactly as the dataset form, and leaves x and y alive', async () => {
    const reference = model();
    const expected = await fit(reference, arrays, { ...options, optimizer: new PlainSGD(0.3) });
    const x = tensor(arrays.x, arrays.xShape);
    const y = tensor(arrays.y, arrays.yShape, 'int32');
    const before = liveTensorCount();
    const m = model();
    const got = await fit(m, x, y, { ...options, optimizer: new PlainSGD(0.3) });
    expect(got.epochs).toEqual(expected.epochs);
    expect(await weights(m)).toEqual(await weights(reference));
    expect(liveTensorCount()).toBe(before + m.parameters().length);
    expect(Array.from(await x.data())).toEqual(Array.from(arrays.x));
    expect(Array.from(await y.data())).toEqual(Array.from(arrays.y));
    x.dispose();
    y.dispose();
  });

  it('takes { x, y } tensor datasets for data and validation, and evaluate and predict take them too', async () => {
    const x = tensor(arrays.x, arrays.xShape);
    const y = tensor(arrays.y, arrays.yShape, 'int32');
    const m = model();
    const h = await fit(m, { x, y }, { ...options, optimizer: new PlainSGD(0.3), validation: { x, y } });
    const onArrays = await evaluate(m, arrays, { loss: losses.softmaxCrossEntropy, metrics: ['accuracy'] });
    const onTensors = await evaluate(m, { x, y }, { loss: losses.softmaxCrossEntropy, metrics: ['accuracy'] });
    expect(onTensors).toEqual(onArrays);
    // evaluate(model, x, y, options), as TF.js's model.evaluate(x, y) and as fit takes them.
    expect(await evaluate(m, x, y, { loss: losses.softmaxCrossEntropy, metrics: ['accuracy'] })).toEqual(onArrays);
    expect(await evaluate(m, x, y)).toEqual({});
    await expect(evaluate(m, x as never)).rejects.toThrow(
      'evaluate: got a Tensor as the data and no targets; pass evaluate(model, x, y, options) or evaluate(model, { x, y }, options)',
    );
    await expect(evaluate(m, { x, y }, y as never)).rejects.toThrow(
      /the second must be a Tensor x \(evaluate\(model, x, y, options\)\), got object; a dataset holds its targets/,
    );
    expect(h.epochs.at(-1)?.valAccuracy).toBe(onArrays.accuracy);
    const p = await predict(m, { x, y });
    expect(p.shape).toEqual([n, 2]);
    for (const t of [x, y, p]) expect(t.disposed).toBe(false);
    for (const t of [x, y, p]) t.dispose();
  });

  it('float and bool targets: float32 stays float, int32 stays labels', async () => {
    const x = tensor([0, 1, 2, 3], [4, 1]);
    const y = tensor([0, 0.5, 1, 1.5], [4, 1]);
    const h = await fit(nn.dense(1, 1, { seed: 1 }), x, y, {
      loss: losses.mse,
      optimizer: new PlainSGD(0.05),
      metrics: ['mae', 'r2'],
      verbose: false,
    });
    expect(Number.isFinite(h.epochs[0].r2)).toBe(true);
    x.dispose();
    y.dispose();
  });

  it('refuses what it cannot use, saying what to do', async () => {
    const opts = { ...options, optimizer: new PlainSGD(0.1) };
    const bad = fit as unknown as (...args: unknown[]) => Promise<unknown>;
    await expect(bad(model(), arrays.x, arrays.y, opts)).rejects.toThrow(ValueError);
    await expect(bad(model(), arrays.x, arrays.y, opts)).rejects.toThrow(
      /^fit: got 4 arguments \(model, x, y, options\), so x and y must be Tensors, got x a Float32Array \(typed arrays carry no shape\) and y a Int32Array .*; or pass the data as one dataset: fit\(model, \{ x, xShape, y, yShape \}, options\)$/,
    );
    const x = tensor(arrays.x, arrays.xShape);
    const y = tensor(arrays.y, arrays.yShape, 'int32');
    await expect(bad(model(), x, y)).rejects.toThrow(/fit: got \(model, x, y\) without options/);
    await expect(bad(model(), x, opts)).rejects.toThrow(
      /fit: got a Tensor float32\[10, 2\] as the data and no targets/,
    );
    await expect(bad(model(), arrays)).rejects.toThrow(/fit: options must be an object/);
    const short: Tensor = tensor(new Int32Array([0, 1, 0]), [3], 'int32');
    await expect(fit(model(), x, short, opts)).rejects.toThrow(ShapeError);
    await expect(fit(model(), x, short, opts)).rejects.toThrow(/x has 10 examples but y has 3/);
    short.dispose();
    y.dispose();
    await expect(fit(model(), x, y, opts)).rejects.toThrow(/disposed/);
    x.dispose();
  });
});

describe('predict and evaluate check what they are given', () => {
  it('predict refuses a batch size that is not a positive integer (0 looped forever) and data it cannot read', async () => {
    const model = nn.sequential(nn.dense(2, 1, { seed: 1 }));
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    for (const bad of [0, -1, 1.5, Number.NaN])
      await expect(predict(model, x, { batchSize: bad })).rejects.toThrow(
        /^predict: batchSize must be a positive integer, got /,
      );
    for (const bad of [null, undefined, 3, { x: [1, 2], xShape: [1, 2] }, { x: new Float32Array(3), xShape: [1, 2] }])
      await expect(predict(model, bad as never)).rejects.toThrow(
        /^predict: expected a Tensor, \{ x: Tensor \}, or a dataset \{ x: Float32Array, xShape \} whose x fills xShape, got /,
      );
    // Host features batch by batch, a { x } of tensors, and no rows at all (an empty output, not a concat error).
    const host = await predict(model, { x: new Float32Array([1, 2, 3, 4]), xShape: [2, 2] } as never, { batchSize: 1 });
    expect(Array.from(host.dataSync())).toEqual(Array.from((await predict(model, x)).dataSync()));
    expect((await predict(model, { x } as never)).shape).toEqual([2, 1]);
    expect((await predict(model, { x: new Float32Array(0), xShape: [0, 2] } as never)).shape).toEqual([0, 1]);
    model.dispose();
  });

  it('evaluate on no examples is a ValueError (it returned {} and fit dropped valLoss)', async () => {
    const model = nn.sequential(nn.dense(2, 1, { seed: 1 }));
    const empty = { x: new Float32Array(0), xShape: [0, 2], y: new Float32Array(0), yShape: [0, 1] };
    await expect(evaluate(model, empty, { loss: losses.mse })).rejects.toThrow(
      /^evaluate: the dataset has no examples; a loss or metric needs at least one$/,
    );
    const train = { x: new Float32Array([1, 2]), xShape: [1, 2], y: new Float32Array([1]), yShape: [1, 1] };
    await expect(
      fit(model, train, { loss: losses.mse, optimizer: new PlainSGD(0.1), validation: empty, verbose: false }),
    ).rejects.toThrow(/^fit: the validation set has no examples \(its loss would be missing from every epoch\)$/);
    model.dispose();
  });
});
