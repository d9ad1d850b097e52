/** exportOnnx: the exported model, run by ONNX Runtime itself, matches our predictions. */
import { cpu } from '@backprop/backend-cpu';
import * as bp from '@backprop/core';
import { batchNorm1d, dropout, layerNorm } from '@backprop/regularizers';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../src/index.js';
import { rand } from './compare.js';

async function runOrt(model: Uint8Array, x: Float32Array, shape: number[]) {
  const session = await ort.InferenceSession.create(model);
  const out = await session.run({ input: new ort.Tensor('float32', x, shape) });
  await session.release();
  return { values: Array.from(out.output.data as Float32Array), dims: out.output.dims, inputDims: session.inputNames };
}

describe('exportOnnx', () => {
  it('an MLP with every activation layer exports with a symbolic batch axis and matches predict to 1e-5', async () => {
    await bp.setBackend(cpu());
    const { nn } = bp;
    const model = nn.sequential(
      nn.dense(5, 7, { seed: 1 }),
      nn.relu(),
      nn.dense(7, 6, { seed: 2 }),
      nn.tanh(),
      nn.dense(6, 6, { seed: 3 }),
      nn.leakyRelu(0.1),
      nn.dense(6, 6, { seed: 4 }),
      nn.sigmoid(),
      nn.dense(6, 6, { seed: 5 }),
      nn.elu(),
      nn.dense(6, 6, { seed: 6 }),
      nn.softplus(),
      nn.dense(6, 3, { seed: 7 }),
      nn.softmax(),
    );
    const bytes = await exportOnnx(model, { inputShape: [5] });
    for (const n of [1, 9]) {
      const xs = rand(5 * n, n);
      const want = bp.tidy(() => model.forward(bp.tensor(xs, [n, 5])));
      const expected = Array.from(await want.data());
      want.dispose();
      const got = await runOrt(bytes, xs, [n, 5]);
      expect(got.dims).toEqual([n, 3]);
      got.values.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-5));
    }
    model.dispose();
  });

  it('input and output names that the exporter also uses for its own values still name the real input and output', async () => {
    await bp.setBackend(cpu());
    const model = bp.nn.sequential(bp.nn.dense(2, 3, { seed: 1 }), bp.nn.relu(), bp.nn.dense(3, 2, { seed: 2 }));
    const x = bp.tensor([0.5, -1, 2, 0.25], [2, 2]);
    const expected = Array.from(await bp.tidy(() => model.forward(x)).data());
    // w0 / c0 / in0 / out1 were also the exporter's names for weights, constants and node outputs:
    // with inputName 'w0' the model had no input at all and always gave the same numbers.
    for (const [inputName, outputName] of [
      ['w0', 'out0'],
      ['in0', 'w1'],
      ['c0', 'v0'],
    ]) {
      const bytes = await exportOnnx(model, { inputShape: [2], inputName, outputName });
      const session = await ort.InferenceSession.create(bytes);
      expect(session.inputNames).toEqual([inputName]);
      expect(session.outputNames).toEqual([outputName]);
      const out = await session.run({ [inputName]: new ort.Tensor('float32', await x.data(), [2, 2]) });
      await session.release();
      Array.from(out[outputName].data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    }
    await expect(exportOnnx(model, { inputShape: [2], inputName: 'x', outputName: 'x' })).rejects.toThrow(
      /^exportOnnx: inputName and outputName must differ \(ONNX names each value once\), got "x" for both$/,
    );
    await expect(exportOnnx(model, { inputShape: [2], inputName: '' })).rejects.toThrow(
      /^exportOnnx: inputName must be a non-empty string, got ""$/,
    );
    await expect(exportOnnx(model, { inputShape: [2], outputName: 3 as never })).rejects.toThrow(
      /^exportOnnx: outputName must be a non-empty string, got 3$/,
    );
    x.dispose();
    model.dispose();
  });

  it('refuses a model whose forward reads tensor values (the traced branch would be frozen into the file)', async () => {
    await bp.setBackend(cpu());
    class Branchy extends bp.Module {
      inner = this.child('inner', bp.nn.dense(2, 2, { seed: 1 }));
      forward(x: bp.Tensor): bp.Tensor {
        const y = this.inner.forward(x);
        return bp.sum(y).dataSync()[0] > 0 ? y : bp.neg(y);
      }
    }
    const model = new Branchy();
    await expect(exportOnnx(model, { inputShape: [2] })).rejects.toThrow(
      /^exportOnnx: the model cannot be written as one graph: its forward reads tensor values while traced \(dataSync\(\) of a float32\[\] tensor\)/,
    );
    model.dispose();
  });

  it("puts every module's own training flag back, also when the export throws", async () => {
    await bp.setBackend(cpu());
    const { nn } = bp;
    // A BatchNorm frozen inside a training model stays frozen (its running statistics must not move in the next fit).
    const bn = batchNorm1d(4);
    const dr = dropout(0.5);
    const model = nn.sequential(nn.dense(3, 4, { seed: 1 }), bn, dr, nn.dense(4, 2, { seed: 2 }));
    model.train();
    bn.eval();
    await exportOnnx(model, { inputShape: [3] });
    expect([model.training, bn.training, dr.training]).toEqual([true, false, true]);
    // Monte-Carlo dropout: a dropout kept in training mode inside an evaluated model stays on.
    model.eval();
    dr.train();
    await exportOnnx(model, { inputShape: [3] });
    expect([model.training, bn.training, dr.training]).toEqual([false, false, true]);
    // An export that throws (here: a forward that reads values) puts the flags back too.
    class Reads extends bp.Module {
      inner = this.child('inner', model);
      forward(x: bp.Tensor): bp.Tensor {
        bp.sum(x).dataSync();
        return this.inner.forward(x);
      }
    }
    const outer = new Reads();
    outer.train();
    bn.eval();
    await expect(exportOnnx(outer, { inputShape: [3] })).rejects.toThrow(/cannot be written as one graph/);
    expect([outer.training, model.training, bn.training, dr.training]).toEqual([true, true, false, true]);
    model.dispose();
  });

  it('a keep-dims reduction (layerNorm) keeps the batch axis symbolic and matches forward in eval mode at batch 1, 3 and 64', async () => {
    await bp.setBackend(cpu());
    const { nn } = bp;
    const model = nn.sequential(nn.dense(6, 8, { seed: 1 }), layerNorm(8), nn.dense(8, 3, { seed: 2 }));
    model.eval();
    const bytes = await exportOnnx(model, { inputShape: [6] });
    const session = await ort.InferenceSession.create(bytes);
    try {
      for (const n of [1, 3, 64]) {
        const xs = rand(6 * n, n + 10);
        const want = bp.tidy(() => model.forward(bp.tensor(xs, [n, 6])));
        const expected = Array.from(await want.data());
        want.dispose();
        const out = await session.run({ input: new ort.Tensor('float32', xs, [n, 6]) });
        expect(out.output.dims).toEqual([n, 3]);
        Array.from(out.output.data as Float32Array).forEach((v, i) =>
          expect(Math.abs(v - expected[i])).toBeLessThan(1e-5),
        );
      }
    } finally {
      await session.release();
    }
    // A keep-dims mean alone: its [N] → [N, 1] view is the whole graph's batch dependence.
    class RowMean extends bp.Module {
      forward(x: bp.Tensor): bp.Tensor {
        return bp.mean(x, -1, true);
      }
    }
    const rows = await ort.InferenceSession.create(await exportOnnx(new RowMean(), { inputShape: [4] }));
    const xs = rand(12, 3);
    const out = await rows.run({ input: new ort.Tensor('float32', xs, [3, 4]) });
    await rows.release();
    expect(out.output.dims).toEqual([3, 1]);
    Array.from(out.output.data as Float32Array).forEach((v, i) =>
      expect(v).toBeCloseTo((xs[4 * i] + xs[4 * i + 1] + xs[4 * i + 2] + xs[4 * i + 3]) / 4, 5),
    );
    model.dispose();
  });

  it('slicing the features keeps the batch axis symbolic', async () => {
    await bp.setBackend(cpu());
    class Halves extends bp.Module {
      forward(x: bp.Tensor): bp.Tensor {
        const n = x.shape[0];
        return bp.mul(bp.slice(x, [0, 0], [n, 2]), bp.slice(x, [0, 2], [n, 2]));
      }
    }
    const model = new Halves();
    const session = await ort.InferenceSession.create(await exportOnnx(model, { inputShape: [4] }));
    const xs = rand(20, 4);
    const out = await session.run({ input: new ort.Tensor('float32', xs, [5, 4]) });
    await session.release();
    expect(out.output.dims).toEqual([5, 2]);
    const want = bp.tidy(() => model.forward(bp.tensor(xs, [5, 4])));
    expect(Array.from(out.output.data as Float32Array)).toEqual(Array.from(await want.data()));
    want.dispose();
  });

  it('rejects something that is not a Module with a ValueError naming exportOnnx', async () => {
    await bp.setBackend(cpu());
    const notModule = { forward: (x: bp.Tensor) => x } as unknown as bp.Module;
    const err = await exportOnnx(notModule, { inputShape: [3] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(bp.ValueError);
    expect((err as Error).message).toMatch(
      /^exportOnnx: model must be a Module \(nn\.sequential\(\.\.\.\) or a Module subclass\), got an object that is not one/,
    );
    await expect(exportOnnx(undefined as never, { inputShape: [3] })).rejects.toThrow(
      /^exportOnnx: model must be a Module .*got undefined$/,
    );
  });

  it('rejects a bad input shape before doing anything', async () => {
    await bp.setBackend(cpu());
    const model = bp.nn.sequential(bp.nn.dense(2, 2));
    await expect(exportOnnx(model, { inputShape: [0] })).rejects.toThrow(/inputShape/);
    model.dispose();
  });
});
