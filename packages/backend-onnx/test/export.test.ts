/** exportOnnx: the exported model, run by ONNX Runtime itself, matches our predictions. */
import { cpu } from '@backprop/backend-cpu';
import * as bp from '@backprop/core';
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

  it('rejects a bad input shape before doing anything', async () => {
    await bp.setBackend(cpu());
    const model = bp.nn.sequential(bp.nn.dense(2, 2));
    await expect(exportOnnx(model, { inputShape: [0] })).rejects.toThrow(/inputShape/);
    model.dispose();
  });
});
