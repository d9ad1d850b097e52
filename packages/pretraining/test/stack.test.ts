/** Greedy stacks: shapes chain, conversion to a core MLP, fine-tuning, gradient magnitudes, IDX files, typed errors. */

import { cpu } from '@backprop/backend-cpu';
import { evaluate, fit, losses, nn, ShapeError, tensor, ValueError } from '@backprop/core';
import { mnist } from '@backprop/datasets';
import { SGD } from '@backprop/optimizers';
import { seededStream, useBackend } from '@backprop/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Autoencoder,
  gradientMagnitudes,
  pretrainAutoencoders,
  pretrainDbn,
  pretrainSupervised,
  RBM,
  toMlp,
} from '../src/index.js';
import { maxDiff } from './setup.js';

beforeAll(useBackend(cpu));

const r = seededStream(11);
const N = 40;
const x = Float32Array.from({ length: N * 12 }, () => (r() < 0.4 ? 1 : 0));
const y = Int32Array.from({ length: N }, (_, i) => i % 3);
const data = { x, xShape: [N, 12], y, yShape: [N] };
const sizes = [12, 8, 6, 4];

describe('greedy layer-wise pretraining', () => {
  it('a DBN, stacked autoencoders and supervised layers chain their sizes and log per layer and epoch', async () => {
    const lines: string[] = [];
    const log = (l: string) => lines.push(l);
    const dbn = await pretrainDbn(data, { sizes, rbm: { epochs: 2 }, log });
    const sae = await pretrainAutoencoders(data, {
      sizes,
      train: { epochs: 2 },
      corruption: [{ kind: 'masking', fraction: 0.1 }],
      log,
    });
    const sup = await pretrainSupervised(data, { sizes, classes: 3, epochs: 2, log });
    for (const stack of [dbn, sae, sup]) {
      expect(stack.layers.map((l) => [l.inputs, l.units])).toEqual([
        [12, 8],
        [8, 6],
        [6, 4],
      ]);
      expect(stack.layers.map((l) => l.weight.shape)).toEqual([
        [12, 8],
        [8, 6],
        [6, 4],
      ]);
      expect(stack.history.map((h) => [h.layer, h.epoch])).toEqual([
        [1, 1],
        [1, 2],
        [2, 1],
        [2, 2],
        [3, 1],
        [3, 2],
      ]);
    }
    expect(lines).toHaveLength(18);
    expect(lines[3]).toMatch(/^layer 2\/3 epoch 2\/2 recon \d/);
    expect(lines[15]).toMatch(/^layer 2\/3 epoch 2\/2 loss \d.* accuracy \d/);
    const quiet: string[] = [];
    await pretrainDbn(data, { sizes: [12, 4], rbm: { epochs: 1 }, silent: true, log: (l) => quiet.push(l) });
    expect(quiet).toEqual([]);
  });

  it('the MLP from a stack reproduces the stack’s hidden activations exactly, with a fresh output layer', async () => {
    const { layers } = await pretrainDbn(data, { sizes, rbm: { epochs: 1 }, silent: true });
    const ae = new Autoencoder(4, 5, { activation: 'tanh', seed: 2 });
    const model = toMlp([...layers, ae], { outputs: 3 });
    expect(model.layers).toHaveLength(9);
    const v = tensor(x.slice(0, 5 * 12), [5, 12]);
    let expected = v;
    for (const l of [...layers, ae]) expected = l.encode(expected);
    let got = v;
    for (const m of model.layers.slice(0, 8)) got = m.forward(got);
    expect(maxDiff(got.dataSync(), expected.dataSync())).toBe(0);
    expect(model.forward(v).shape).toEqual([5, 3]);
    // The MLP owns copies: training it leaves the RBMs unchanged.
    const w0 = layers[0].weight.value.dataSync().slice();
    await fit(model, data, {
      loss: losses.softmaxCrossEntropy,
      optimizer: new SGD({ lr: 0.5 }),
      epochs: 1,
      verbose: false,
    });
    expect(Array.from(layers[0].weight.value.dataSync())).toEqual(Array.from(w0));
  });

  it('fine-tuning a pretrained net improves accuracy on a small MNIST subset', async () => {
    const { train, test } = await mnist.load({ trainSize: 600, testSize: 300, seed: 1 });
    const { layers } = await pretrainDbn(train, {
      sizes: [784, 64],
      rbm: { epochs: 3, batchSize: 20, lr: 0.05, momentum: 0.5 },
      silent: true,
    });
    const model = toMlp(layers, { outputs: 10, output: { seed: 1 } });
    const before = (await evaluate(model, test, { metrics: ['accuracy'] })).accuracy;
    await fit(model, train, {
      loss: losses.softmaxCrossEntropy,
      optimizer: new SGD({ lr: 0.1, momentum: 0.9 }),
      batchSize: 20,
      epochs: 4,
      verbose: false,
    });
    const after = (await evaluate(model, test, { metrics: ['accuracy'] })).accuracy;
    expect(before).toBeLessThan(0.4);
    expect(after).toBeGreaterThan(0.75);
  }, 60_000);
});

describe('gradientMagnitudes', () => {
  it('records per-layer gradients at the start and after the first batches', async () => {
    const model = nn.sequential(nn.dense(12, 8, { seed: 1 }), nn.sigmoid(), nn.dense(8, 3, { seed: 2 }));
    const probe = gradientMagnitudes(data, { batches: 4, every: 2 });
    await fit(model, data, {
      loss: losses.softmaxCrossEntropy,
      optimizer: new SGD({ lr: 0.1 }),
      batchSize: 5,
      epochs: 1,
      callbacks: [probe],
      verbose: false,
    });
    expect(probe.records.map((r) => r.step)).toEqual([0, 2, 4]);
    expect(probe.records[0].layers.map((l) => l.name)).toEqual(['0.weight', '2.weight']);
    for (const l of probe.records[0].layers) {
      expect(l.meanAbs).toBeGreaterThan(0);
      expect(l.norm).toBeGreaterThanOrEqual(l.meanAbs);
    }
  });
});

describe('typed errors', () => {
  it('layer sizes that do not chain throw ShapeError', async () => {
    expect(() => toMlp([new RBM(12, 8), new RBM(6, 4)], { outputs: 3 })).toThrow(ShapeError);
    expect(() => toMlp([new RBM(12, 8), new RBM(6, 4)], { outputs: 3 })).toThrow(
      /layer 0 with 8 outputs feeding layer 1 with 6 inputs/,
    );
    await expect(pretrainDbn(data, { sizes: [10, 8] })).rejects.toThrow(ShapeError);
    await expect(pretrainAutoencoders(data, { sizes: [12] })).rejects.toThrow(ShapeError);
    await expect(pretrainSupervised(data, { sizes: [12, 0], classes: 3 })).rejects.toThrow(ShapeError);
    expect(() => toMlp([], { outputs: 3 })).toThrow(ValueError);
  });

  it('a corruption list longer than the stack, or a bad entry for a later layer, throws before any layer trains', async () => {
    const lines: string[] = [];
    const log = (l: string) => lines.push(l);
    const masking = { kind: 'masking', fraction: 0.1 } as const;
    await expect(
      pretrainAutoencoders(data, { sizes, corruption: [masking, masking, masking, masking], log }),
    ).rejects.toThrow(/pretrainAutoencoders: corruption must be a list of at most one entry per layer \(3\)/);
    await expect(
      pretrainAutoencoders(data, { sizes, corruption: [masking, undefined, { kind: 'masking', fraction: 1.5 }], log }),
    ).rejects.toThrow('pretrainAutoencoders (corruption of layer 3): masking fraction must be in [0, 1), got 1.5');
    expect(lines).toEqual([]);
  });

  it('Bernoulli input units given data outside [0, 1] throw ValueError before any layer trains', async () => {
    const bad = { x: x.map((v, i) => (i === 7 ? -0.5 : v)), xShape: [N, 12] };
    const lines: string[] = [];
    await expect(pretrainDbn(bad, { sizes, log: (l) => lines.push(l) })).rejects.toThrow(ValueError);
    expect(lines).toEqual([]);
    await pretrainDbn(bad, { sizes: [12, 4], visible: 'gaussian', rbm: { epochs: 1, lr: 0.01 }, silent: true });
  });
});

describe('toMlp options', () => {
  it('refuses an option it does not have', () => {
    expect(() => toMlp([new RBM(4, 3)], { outputs: 2, classes: 2 } as never)).toThrow(
      /^toMlp: unknown option 'classes'; the options are outputs, output$/,
    );
  });
});
