/** The backend itself: provider errors, storage, and `fit` on the lazy graph (one run per step). */
import { cpu } from '@backprop/backend-cpu';
import * as bp from '@backprop/core';
import { Adam } from '@backprop/optimizers';
import { describe, expect, it } from 'vitest';

import { onnx } from '../src/index.js';
import { lowerings } from '../src/lower/index.js';
import { rand } from './compare.js';
import { PlainSGD } from './plain-sgd.js';

describe('onnx backend', () => {
  it('a missing CUDA provider is a BackendError that says how to install it', async () => {
    await expect(onnx({ provider: 'cuda' })).rejects.toThrow(/ONNXRUNTIME_NODE_INSTALL=cuda12/);
    await expect(onnx({ provider: 'cuda' })).rejects.toBeInstanceOf(bp.BackendError);
  });

  it('every kernel of the table but fill and randomUniform (host-computed) has an ONNX lowering, and back', async () => {
    const b = await onnx({ threads: 1 });
    const graphKernels = Object.keys(b.kernels).filter((k) => k !== 'fill' && k !== 'randomUniform');
    expect(graphKernels.filter((k) => !(k in lowerings))).toEqual([]);
    expect(Object.keys(lowerings).filter((k) => !(k in b.kernels))).toEqual([]);
    await b.destroy?.();
  });

  it('a value ONNX Runtime refuses fails alone, as a BackendError: the values around it still compute, later reads too', async () => {
    const b = await onnx({ threads: 1 });
    await bp.setBackend(b);
    const x = bp.tensor([1, 2]);
    const before = bp.mul(x, 3);
    // An index computed on the lazy graph is still pending, so core cannot check it on the host:
    // ONNX Runtime's Gather refuses it when the graph runs.
    const bad = bp.gather(bp.tensor([1, 2, 3]), bp.add(bp.tensor(Int32Array.of(1), [1], 'int32'), 5));
    const dependent = bp.add(bad, 1);
    await expect(bad.data()).rejects.toThrow(/^onnx: ONNX Runtime could not compute this value: .*Gather/);
    await expect(dependent.data()).rejects.toBeInstanceOf(bp.BackendError);
    // Before, the failing node stayed queued and every later read ran it again and failed.
    expect(Array.from(await before.data())).toEqual([3, 6]);
    expect(Array.from(await bp.mul(x, 2).data())).toEqual([2, 4]);
    bp.dispose([x, before, bad, dependent]);
    await b.destroy?.();
  });

  it('rejects bad options', async () => {
    await expect(onnx({ threads: 0 })).rejects.toThrow(/threads/);
    await expect(onnx({ provider: 'tpu' as 'cpu' })).rejects.toThrow(/unknown provider/);
  });

  it('write, read, dispose and memory accounting', async () => {
    const b = await onnx({ threads: 1 });
    await bp.setBackend(b);
    const x = bp.tensor([1, 2, 3]);
    const y = bp.exp(x);
    expect(b.memory()).toMatchObject({ handles: 2, bytes: 24 });
    expect(() => y.dataSync()).toThrow(/asynchronously/);
    expect(Array.from(await y.data())).toEqual(Array.from(new Float32Array([Math.E, Math.E ** 2, Math.E ** 3])));
    bp.dispose([x, y]);
    expect(b.memory()).toMatchObject({ handles: 0, bytes: 0 });
    await b.destroy?.();
  });

  it('fit trains like backend-cpu, one ONNX Runtime run per step, and holds what backend-cpu holds after', async () => {
    const data = {
      x: rand(64 * 4, 3),
      xShape: [64, 4],
      y: Int32Array.from({ length: 64 }, (_, k) => k % 3),
      yShape: [64],
    };
    const train = async (backend: bp.Backend) => {
      await bp.setBackend(backend);
      const model = bp.nn.sequential(bp.nn.dense(4, 16, { seed: 1 }), bp.nn.relu(), bp.nn.dense(16, 3, { seed: 2 }));
      const h = await bp.fit(model, data, {
        loss: bp.losses.softmaxCrossEntropy,
        optimizer: new PlainSGD({ lr: 0.2 }),
        batchSize: 16,
        epochs: 3,
        verbose: false,
        metrics: ['accuracy'],
      });
      model.dispose();
      return h.epochs.map((e) => e.loss);
    };
    const reference = cpu();
    const want = await train(reference);
    const leftover = reference.memory().handles;
    const b = await onnx({ threads: 2 });
    const runs = b.stats.runs;
    const got = await train(b);
    got.forEach((l, i) => expect(l).toBeCloseTo(want[i], 5));
    expect(b.stats.runs - runs).toBeLessThanOrEqual(3 * 4 + 1);
    expect(b.memory().handles).toBe(leftover);
    await b.destroy?.();
  });

  it("fit runs compiled steps by default here (core's fit uses compileGraph), with @backprop/optimizers' Adam", async () => {
    const data = {
      x: rand(48 * 4, 5),
      xShape: [48, 4],
      y: Int32Array.from({ length: 48 }, (_, k) => (k * 7) % 3),
      yShape: [48],
    };
    const train = async (backend: bp.Backend, compile?: boolean) => {
      await bp.setBackend(backend);
      const model = bp.nn.sequential(bp.nn.dense(4, 16, { seed: 1 }), bp.nn.relu(), bp.nn.dense(16, 3, { seed: 2 }));
      const optimizer = new Adam({ lr: 0.01 });
      const h = await bp.fit(model, data, {
        loss: bp.losses.softmaxCrossEntropy,
        optimizer,
        batchSize: 16,
        epochs: 4,
        verbose: false,
        shuffle: false,
        ...(compile === undefined ? {} : { compile }),
      });
      const weights = await Promise.all(model.parameters().map(async (p) => Array.from(await p.value.data())));
      model.dispose();
      optimizer.dispose();
      return { losses: h.epochs.map((e) => e.loss), weights };
    };
    const want = await train(cpu()); // eager, backend-cpu's fused adamUpdate
    const b = await onnx({ threads: 2 });
    const original = b.compileGraph;
    let graphs = 0;
    b.compileGraph = (g) => {
      graphs++;
      return original(g);
    };
    const runs = b.stats.runs;
    const got = await train(b);
    expect(graphs).toBe(1); // one graph for the only batch shape, used from the third step on
    expect(b.stats.runs - runs).toBeLessThanOrEqual(4 * 3 + 2);
    got.losses.forEach((l, i) => expect(l).toBeCloseTo(want.losses[i], 5));
    got.weights.flat().forEach((w, i) => expect(w).toBeCloseTo(want.weights.flat()[i], 5));
    await train(b, false);
    expect(graphs).toBe(1); // compile: false never compiles
    expect(b.memory().handles).toBe(0);
    await b.destroy?.();
  });
});
