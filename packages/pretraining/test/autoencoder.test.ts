/** Autoencoders: gradients by finite differences (tied and untied), denoising corruption statistics, training and its non-finite guard. */
import { cpu } from '@backprop/backend-cpu';
import {
  dispose,
  NonFiniteLossError,
  permutation,
  takeRows,
  tensor,
  tidy,
  ValueError,
  valueAndGrad,
} from '@backprop/core';
import { adam } from '@backprop/optimizers';
import { seededStream, useBackend } from '@backprop/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { Autoencoder, type AutoencoderOptions, corrupt, philoxSampler, trainAutoencoder } from '../src/index.js';

beforeAll(useBackend(cpu));

const cases: [string, AutoencoderOptions][] = [
  ['tied, sigmoid, cross-entropy', { tied: true }],
  ['untied, sigmoid, cross-entropy', { tied: false }],
  ['tied, tanh, squared error', { tied: true, activation: 'tanh', loss: 'squaredError' }],
  [
    'untied, softplus, squared error, sigmoid output',
    { tied: false, activation: 'softplus', loss: 'squaredError', outputActivation: 'sigmoid' },
  ],
];

describe('autoencoder gradients', () => {
  for (const [name, options] of cases) {
    it(`${name}: autograd matches central finite differences`, () => {
      const ae = new Autoencoder(6, 4, { ...options, seed: 3 });
      const r = seededStream(1);
      const x = tensor(
        Array.from({ length: 3 * 6 }, () => r()),
        [3, 6],
      );
      const params = ae.parameters();
      expect(params.map((p) => p.name)).toEqual(
        options.tied
          ? ['weight', 'hiddenBias', 'visibleBias']
          : ['weight', 'hiddenBias', 'decoderWeight', 'visibleBias'],
      );
      const { value, grads } = valueAndGrad(() => ae.reconstructionLoss(x))(...params.map((p) => p.value));
      value.dispose();
      const eps = 1e-2;
      params.forEach((p, pi) => {
        const base = p.value.dataSync().slice();
        const g = grads[pi].dataSync();
        for (const i of [0, Math.floor(base.length / 2), base.length - 1]) {
          const at = (delta: number) => {
            const v = base.slice();
            v[i] += delta;
            p.assign(tensor(v, p.shape));
            return tidy(() => ae.reconstructionLoss(x).dataSync()[0]);
          };
          const fd = (at(eps) - at(-eps)) / (2 * eps);
          p.assign(tensor(base, p.shape));
          expect(Math.abs(fd - g[i])).toBeLessThan(2e-3 + 1e-2 * Math.abs(g[i]));
        }
      });
    });
  }

  it('cross-entropy equals −Σᵢ[x log x̂ + (1−x) log(1−x̂)] averaged over examples', () => {
    const ae = new Autoencoder(4, 3, { seed: 5 });
    const x = tensor([0.1, 0.9, 0.5, 0, 1, 0.2, 0.3, 0.7], [2, 4]);
    const xh = ae.reconstruct(x).dataSync();
    const xs = x.dataSync();
    let direct = 0;
    for (let i = 0; i < 8; i++) direct -= xs[i] * Math.log(xh[i]) + (1 - xs[i]) * Math.log(1 - xh[i]);
    expect(ae.reconstructionLoss(x).dataSync()[0]).toBeCloseTo(direct / 2, 4);
  });
});

describe('denoising corruption', () => {
  it('masking zeroes the requested fraction of inputs', () => {
    const y = corrupt(
      tensor(new Float32Array(200 * 100).fill(1), [200, 100]),
      { kind: 'masking', fraction: 0.3 },
      philoxSampler(1),
    );
    const zeros = Array.from(y.dataSync()).filter((v) => v === 0).length / 20000;
    expect(Math.abs(zeros - 0.3)).toBeLessThan(0.015);
    expect(Array.from(y.dataSync()).every((v) => v === 0 || v === 1)).toBe(true);
  });

  it('Gaussian corruption adds zero-mean noise of the requested std', () => {
    const y = Array.from(
      corrupt(
        tensor(new Float32Array(20000).fill(0.5), [200, 100]),
        { kind: 'gaussian', std: 0.2 },
        philoxSampler(2),
      ).dataSync(),
    );
    const mean = y.reduce((a, b) => a + b, 0) / y.length;
    const std = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / y.length);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(std - 0.2)).toBeLessThan(0.01);
  });

  it('a denoising autoencoder trains and its loss falls', async () => {
    const r = seededStream(7);
    const protos = Array.from({ length: 4 }, () => Array.from({ length: 20 }, () => (r() < 0.5 ? 1 : 0)));
    const x = Float32Array.from(Array.from({ length: 80 }, (_, i) => protos[i % 4]).flat());
    const h = await trainAutoencoder(
      new Autoencoder(20, 8, { seed: 1 }),
      { x, xShape: [80, 20] },
      { epochs: 15, batchSize: 10, corruption: { kind: 'masking', fraction: 0.2 }, silent: true },
    );
    expect(h[14].loss).toBeLessThan(0.6 * h[0].loss);
  });

  it("trainAutoencoder's steps are valueAndGrad of the reconstruction loss and the optimizer's update, bit for bit", async () => {
    const r = seededStream(3);
    const x = Float32Array.from({ length: 24 * 6 }, () => r());
    const data = { x, xShape: [24, 6] };
    const corruption = { kind: 'masking', fraction: 0.25 } as const;
    const trained = new Autoencoder(6, 3, { seed: 4, tied: false });
    await trainAutoencoder(trained, data, {
      epochs: 3,
      batchSize: 5,
      optimizer: adam({ lr: 0.05 }),
      corruption,
      seed: 9,
      silent: true,
    });

    // The same training written out: shuffle, corrupt, gradient, update.
    const ae = new Autoencoder(6, 3, { seed: 4, tied: false });
    const optimizer = adam({ lr: 0.05 });
    const sampler = philoxSampler(9);
    const ds = { ...data, y: new Int32Array(24), yShape: [24] };
    const params = ae.parameters();
    for (let epoch = 0; epoch < 3; epoch++) {
      const order = permutation(24, 9, epoch);
      for (let s = 0; s < 24; s += 5) {
        const rows = takeRows(ds, order.subarray(s, Math.min(s + 5, 24)));
        const step = tidy(() => {
          const clean = tensor(rows.x, rows.xShape);
          return valueAndGrad(() => ae.reconstructionLoss(clean, corrupt(clean, corruption, sampler)))(
            ...params.map((p) => p.value),
          );
        });
        tidy(() => optimizer.step(params, step.grads));
        dispose(step);
      }
    }
    const [ours, written] = [trained.parameters(), ae.parameters()];
    for (const [i, p] of ours.entries())
      expect(Array.from(await p.value.data())).toEqual(Array.from(await written[i].value.data()));
  });

  it('a batch whose loss overflows stops training with NonFiniteLossError and changes no weight', async () => {
    // Squared error accepts any data; (x̂ − 1e30)² overflows float32, so the first batch's loss is +∞.
    const x = Float32Array.from({ length: 8 * 4 }, (_, i) => (i === 13 ? 1e30 : (i % 5) / 5));
    const ae = new Autoencoder(4, 2, { seed: 2, activation: 'tanh', loss: 'squaredError' });
    const before = await Promise.all(ae.parameters().map(async (p) => Array.from(await p.value.data())));
    const run = trainAutoencoder(ae, { x, xShape: [8, 4] }, { epochs: 2, batchSize: 8, silent: true });
    await expect(run).rejects.toThrow(NonFiniteLossError);
    await expect(run).rejects.toThrow(
      /^trainAutoencoder: the loss \(Infinity\) became non-finite at epoch 1, batch 1; nothing was updated/,
    );
    await expect(run).rejects.toMatchObject({ operation: 'trainAutoencoder', epoch: 1, batch: 1 });
    for (const [i, p] of ae.parameters().entries()) expect(Array.from(await p.value.data())).toEqual(before[i]);
  });

  it('rejects bad corruption, a cross-entropy output that is not sigmoid, and data outside [0, 1] for cross-entropy', async () => {
    const ae = new Autoencoder(2, 2);
    const data = { x: Float32Array.from([0, 1, 0.5, 0.5]), xShape: [2, 2] };
    await expect(trainAutoencoder(ae, data, { corruption: { kind: 'masking', fraction: 1.2 } })).rejects.toThrow(
      ValueError,
    );
    await expect(trainAutoencoder(ae, { x: Float32Array.from([0, 2, 0.5, 0.5]), xShape: [2, 2] })).rejects.toThrow(
      ValueError,
    );
    expect(() => new Autoencoder(2, 2, { outputActivation: 'linear' })).toThrow(ValueError);
  });
});
