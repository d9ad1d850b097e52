/** RBM behaviour: free energy against brute force, CD-k, persistent chains, learning, sampling, errors. */
import { cpu } from '@backprop/backend-cpu';
import { NonFiniteLossError, ShapeError, type Tensor, tensor, tidy, ValueError, zeros } from '@backprop/core';
import { seededStream, useBackend } from '@backprop/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Autoencoder,
  cdStep,
  disposeRbmState,
  gibbsSample,
  philoxSampler,
  pretrainDbn,
  pseudoLikelihood,
  RBM,
  type RbmTrainState,
  replaySampler,
  type Sampler,
  trainAutoencoder,
  trainRbm,
} from '../src/index.js';
import { maxDiff } from './setup.js';

beforeAll(useBackend(cpu));

/** F(v) = −log Σ_h e^{−E(v,h)} by enumerating every hidden configuration, in float64. */
function bruteFreeEnergy(rbm: RBM, v: number[]): number {
  const W = rbm.weight.value.dataSync();
  const b = rbm.visibleBias.value.dataSync();
  const c = rbm.hiddenBias.value.dataSync();
  const [d, h] = [rbm.inputs, rbm.units];
  const visibleEnergy =
    rbm.visible === 'bernoulli'
      ? -v.reduce((s, x, i) => s + x * b[i], 0)
      : 0.5 * v.reduce((s, x, i) => s + (x - b[i]) ** 2, 0);
  const terms: number[] = [];
  for (let mask = 0; mask < 2 ** h; mask++) {
    let e = visibleEnergy;
    for (let j = 0; j < h; j++) {
      if (!((mask >> j) & 1)) continue;
      e -= c[j];
      for (let i = 0; i < d; i++) e -= v[i] * W[i * h + j];
    }
    terms.push(-e);
  }
  const m = Math.max(...terms);
  return -(m + Math.log(terms.reduce((s, t) => s + Math.exp(t - m), 0)));
}

function randomRbm(visible: 'bernoulli' | 'gaussian', d = 5, h = 4, seed = 1): RBM {
  const rbm = new RBM(d, h, { visible, initStd: 0.5, seed });
  const r = seededStream(seed);
  rbm.visibleBias.assign(tensor(Array.from({ length: d }, () => r() - 0.5)));
  rbm.hiddenBias.assign(tensor(Array.from({ length: h }, () => r() - 0.5)));
  return rbm;
}

/** Counts draws and forwards them to a Philox sampler. */
function countingSampler(): Sampler & { uniforms: number; normals: number } {
  const inner = philoxSampler(5);
  const s = {
    uniforms: 0,
    normals: 0,
    uniform: (shape: readonly number[]) => {
      s.uniforms++;
      return inner.uniform(shape);
    },
    normal: (shape: readonly number[]) => {
      s.normals++;
      return inner.normal(shape);
    },
  };
  return s;
}

describe('RBM free energy', () => {
  for (const visible of ['bernoulli', 'gaussian'] as const) {
    it(`matches −log Σ_h e^(−E) for ${visible} visible units`, () => {
      const rbm = randomRbm(visible);
      const r = seededStream(9);
      const rows = Array.from({ length: 3 }, () =>
        Array.from({ length: 5 }, () => (visible === 'bernoulli' ? (r() < 0.5 ? 1 : 0) : 2 * r() - 1)),
      );
      const fe = rbm.freeEnergy(tensor(rows.flat(), [3, 5]));
      expect(
        maxDiff(
          fe.dataSync(),
          rows.map((v) => bruteFreeEnergy(rbm, v)),
        ),
      ).toBeLessThan(1e-4);
    });
  }
});

describe('contrastive divergence', () => {
  it('CD-k with k = 3 draws h₀, then k visible and k − 1 hidden samples', () => {
    const rbm = randomRbm('bernoulli');
    const s = countingSampler();
    const state: RbmTrainState = {};
    const v = tensor([1, 0, 1, 0, 1, 0, 1, 1, 0, 0], [2, 5]);
    const before = rbm.weight.value.dataSync().slice();
    const err = tidy(() => cdStep(rbm, v, state, s, { k: 3, lr: 0.1 }));
    expect(s.uniforms).toBe(1 + 3 + 2);
    expect(Number.isFinite(err.dataSync()[0])).toBe(true);
    expect(maxDiff(before, rbm.weight.value.dataSync())).toBeGreaterThan(0);
    expect(state.chain).toBeUndefined();
    disposeRbmState(state);
  });

  it('persistent CD keeps binary chains between updates and continues from them', () => {
    const v = tensor([1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 0], [3, 5]);
    const run = (resetChain: boolean) => {
      const rbm = randomRbm('bernoulli');
      const state: RbmTrainState = {};
      const sampler = philoxSampler(2);
      tidy(() => cdStep(rbm, v, state, sampler, { persistent: true, lr: 0.5 }));
      const chain = Array.from(state.chain!.dataSync());
      if (resetChain) {
        state.chain!.dispose();
        state.chain = undefined;
      }
      tidy(() => cdStep(rbm, v, state, sampler, { persistent: true, lr: 0.5 }));
      const w = rbm.weight.value.dataSync().slice();
      disposeRbmState(state);
      return { chain, w };
    };
    const kept = run(false);
    const reset = run(true);
    expect(kept.chain).toHaveLength(3 * 4);
    expect(kept.chain.every((x) => x === 0 || x === 1)).toBe(true);
    expect(kept.chain).toEqual(reset.chain);
    // Same draws, same first update: only the chain's starting point differs in the second.
    expect(maxDiff(kept.w, reset.w)).toBeGreaterThan(1e-6);
  });

  it('reconstruction error falls while learning a few binary prototypes (Bernoulli and Gaussian)', async () => {
    const r = seededStream(3);
    const protos = Array.from({ length: 3 }, () => Array.from({ length: 16 }, () => (r() < 0.5 ? 1 : 0)));
    const rows = Array.from({ length: 60 }, (_, i) => protos[i % 3].map((x) => (r() < 0.05 ? 1 - x : x)));
    const x = Float32Array.from(rows.flat());
    const bern = await trainRbm(
      new RBM(16, 8, { seed: 1 }),
      { x, xShape: [60, 16] },
      { epochs: 30, batchSize: 10, lr: 0.1, momentum: 0.5, silent: true },
    );
    expect(bern[29].loss).toBeLessThan(0.5 * bern[0].loss);
    const z = x.map((v) => 2 * v - 1);
    const gauss = await trainRbm(
      new RBM(16, 8, { visible: 'gaussian', seed: 1 }),
      { x: z, xShape: [60, 16] },
      { epochs: 30, batchSize: 10, lr: 0.01, momentum: 0.5, silent: true },
    );
    expect(gauss[29].loss).toBeLessThan(0.7 * gauss[0].loss);
  });

  it('weight cost, momentum schedule and a sparsity target run and keep values finite', async () => {
    const r = seededStream(4);
    const x = Float32Array.from({ length: 40 * 10 }, () => (r() < 0.3 ? 1 : 0));
    const rbm = new RBM(10, 6, { seed: 2 });
    const lines: string[] = [];
    const h = await trainRbm(
      rbm,
      { x, xShape: [40, 10] },
      {
        epochs: 3,
        weightCost: 2e-4,
        momentum: (e) => (e < 1 ? 0.5 : 0.9),
        sparsity: { target: 0.1, cost: 0.1 },
        persistent: true,
        log: (l) => lines.push(l),
      },
    );
    expect(h.every((rec) => Number.isFinite(rec.loss))).toBe(true);
    expect(lines[2]).toMatch(/^layer 1\/1 epoch 3\/3 recon \d+\.\d{4}/);
  });
});

describe('sampling and pseudo-likelihood', () => {
  it('Gibbs chains return visible means in [0, 1] of the start shape', () => {
    const rbm = randomRbm('bernoulli');
    const m = gibbsSample(rbm, tensor(new Float32Array(4 * 5), [4, 5]), { steps: 20 });
    expect(m.shape).toEqual([4, 5]);
    expect(Array.from(m.dataSync()).every((p) => p >= 0 && p <= 1)).toBe(true);
  });

  it('random flips give one pseudo-likelihood ≤ 0 per row', () => {
    const rbm = randomRbm('bernoulli');
    const pl = pseudoLikelihood(rbm, tensor([1, 0, 1, 0, 1, 0, 0, 1, 1, 0], [2, 5]));
    expect(pl.shape).toEqual([2]);
    expect(Array.from(pl.dataSync()).every((p) => p <= 0)).toBe(true);
  });

  it('refuses a Gaussian RBM and flip indices that are not integers in range (1.5 was read as 1, NaN as 0)', () => {
    const v = tensor([1, 0, 1, 0, 1, 0, 0, 1, 1, 0], [2, 5]);
    expect(() => pseudoLikelihood(randomRbm('gaussian'), v)).toThrow(
      "pseudoLikelihood: it flips binary visible units, and this RBM's are gaussian; score a Gaussian RBM by its reconstruction error",
    );
    const rbm = randomRbm('bernoulli');
    expect(() => pseudoLikelihood(rbm, v, { flip: [0, 1.5] })).toThrow(
      'pseudoLikelihood: flip indices must be integers in [0, 5), got 1.5 at row 1',
    );
    expect(() => pseudoLikelihood(rbm, v, { flip: [Number.NaN, 1] })).toThrow(/got NaN at row 0/);
    expect(() => pseudoLikelihood(rbm, v, { flip: [0, 5] })).toThrow(/got 5 at row 1/);
  });
});

describe('typed errors', () => {
  it('Bernoulli units given data outside [0, 1] throw ValueError and leave the RBM unchanged', async () => {
    const rbm = new RBM(3, 2, { seed: 1 });
    const before = rbm.weight.value.dataSync().slice();
    await expect(trainRbm(rbm, { x: Float32Array.from([0, 0.5, 1.5]), xShape: [1, 3] })).rejects.toThrow(ValueError);
    await expect(trainRbm(rbm, { x: Float32Array.from([0, 0.5, 1.5]), xShape: [1, 3] })).rejects.toThrow(
      /Bernoulli visible units need data in \[0, 1\], got 1.5/,
    );
    expect(Array.from(rbm.weight.value.dataSync())).toEqual(Array.from(before));
    // Gaussian visible units accept any real data.
    await trainRbm(
      new RBM(3, 2, { visible: 'gaussian' }),
      { x: Float32Array.from([0, 0.5, 1.5]), xShape: [1, 3] },
      { epochs: 1, silent: true },
    );
  });

  it('an update that would make a weight non-finite throws NonFiniteLossError and writes nothing of that batch', async () => {
    // Unstandardized Gaussian data and a large rate: the second batch's weight update overflows float32.
    const x = Float32Array.from({ length: 4 * 3 }, (_, i) => (i < 6 ? (i % 3) / 3 : 3e18 * (1 + (i % 3))));
    const rbm = new RBM(3, 2, { visible: 'gaussian', seed: 3 });
    let afterFirst: number[][] = [];
    const run = trainRbm(
      rbm,
      { x, xShape: [4, 3] },
      {
        lr: 1e22,
        batchSize: 2,
        shuffle: false,
        silent: true,
        onBatch: () => {
          afterFirst = [rbm.weight, rbm.visibleBias, rbm.hiddenBias].map((p) => Array.from(p.value.dataSync()));
        },
      },
    );
    await expect(run).rejects.toThrow(NonFiniteLossError);
    await expect(run).rejects.toThrow(
      /^trainRbm: the new weight became non-finite at epoch 1, batch 2; nothing was updated/,
    );
    await expect(run).rejects.toMatchObject({ operation: 'trainRbm', epoch: 1, batch: 2 });
    expect(afterFirst.flat().every(Number.isFinite)).toBe(true);
    expect([rbm.weight, rbm.visibleBias, rbm.hiddenBias].map((p) => Array.from(p.value.dataSync()))).toEqual(
      afterFirst,
    );
  });

  it('cdStep checks its batch before anything changes: range, emptiness, shape (also persistent, also Gaussian)', () => {
    const params = (rbm: RBM) =>
      [rbm.weight, rbm.visibleBias, rbm.hiddenBias].map((p) => Array.from(p.value.dataSync()));
    const bernoulli = new RBM(3, 2, { seed: 1 });
    const state: RbmTrainState = {};
    cdStep(bernoulli, tensor([[1, 0, 1]]), state, philoxSampler(0), { persistent: true, momentum: 0.5 }).dispose();
    const [before, chain, velocity] = [params(bernoulli), state.chain, state.velocity];
    // No draw may be taken either: a replay sampler with one draw left keeps it.
    const sampler = replaySampler([[0.5, 0.5]]);
    const step =
      (v: Tensor, rbm = bernoulli) =>
      () =>
        cdStep(rbm, v, state, sampler, { persistent: true, momentum: 0.5 });
    // Data outside [0, 1] used to update the weights; an empty batch wrote NaN into every one.
    expect(step(tensor([[2, 0, 1]]))).toThrow(ValueError);
    expect(step(tensor([[2, 0, 1]]))).toThrow(
      /^cdStep: Bernoulli visible units need data in \[0, 1\], got 2 at index 0/,
    );
    expect(step(tensor([[-1, 0, 1]]))).toThrow(/^cdStep: Bernoulli visible units need data in \[0, 1\], got -1/);
    expect(step(tensor([[0, Number.NaN, 1]]))).toThrow(/got NaN at index 1/);
    expect(step(zeros([0, 3]))).toThrow(ValueError);
    expect(step(zeros([0, 3]))).toThrow(/^cdStep: the batch is empty, got v \[0,3\]/);
    // The wrong width or rank used to be matmul's "inner dimensions differ".
    expect(step(tensor([[1, 0]]))).toThrow(ShapeError);
    expect(step(tensor([[1, 0]]))).toThrow(/^cdStep: expected a batch v of shape \[N, 3\].*got \[1,2\]/);
    expect(step(tensor([1, 0, 1]))).toThrow(/^cdStep: expected a batch v of shape \[N, 3\].*got \[3\]/);
    expect(step(zeros([1, 1, 3]))).toThrow(ShapeError);
    expect(params(bernoulli)).toEqual(before);
    expect([state.chain, state.velocity]).toEqual([chain, velocity]);
    expect(state.chain).toBe(chain);
    expect(state.velocity).toBe(velocity);
    expect(sampler.remaining).toBe(1);
    // Gaussian visible units take any finite data, and refuse NaN and ±∞.
    const gaussian = new RBM(3, 2, { visible: 'gaussian', seed: 2 });
    const gaussianBefore = params(gaussian);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(step(tensor([[0.5, bad, 2]]), gaussian)).toThrow(ValueError);
      expect(step(tensor([[0.5, bad, 2]]), gaussian)).toThrow(
        new RegExp(`^cdStep: Gaussian visible units need finite data, got ${bad} at index 1`),
      );
    }
    expect(step(zeros([0, 3]), gaussian)).toThrow(/^cdStep: the batch is empty/);
    expect(params(gaussian)).toEqual(gaussianBefore);
    expect(sampler.remaining).toBe(1);
    cdStep(gaussian, tensor([[-2, 0.5, 3]]), {}, philoxSampler(0)).dispose();
    expect(params(gaussian)).not.toEqual(gaussianBefore);
    disposeRbmState(state);
  });

  it('trainRbm and pretrainDbn refuse NaN or ±∞ for Gaussian visible units before the first update', async () => {
    // The NaN sits in the second batch: the first one used to be written before training stopped.
    const x = Float32Array.from([0.5, -1, 2, 0, 1, Number.NaN]);
    const rbm = new RBM(3, 2, { visible: 'gaussian', seed: 1 });
    const before = [rbm.weight, rbm.visibleBias, rbm.hiddenBias].map((p) => Array.from(p.value.dataSync()));
    const run = trainRbm(rbm, { x, xShape: [2, 3] }, { batchSize: 1, shuffle: false, silent: true });
    await expect(run).rejects.toThrow(ValueError);
    await expect(run).rejects.toThrow(/^trainRbm: Gaussian visible units need finite data, got NaN at index 5/);
    expect([rbm.weight, rbm.visibleBias, rbm.hiddenBias].map((p) => Array.from(p.value.dataSync()))).toEqual(before);
    const inf = Float32Array.from([0.5, -1, 2, 0, Number.POSITIVE_INFINITY, 1]);
    await expect(
      pretrainDbn({ x: inf, xShape: [2, 3] }, { sizes: [3, 2], visible: 'gaussian', silent: true }),
    ).rejects.toThrow(/^pretrainDbn: Gaussian visible units need finite data, got Infinity at index 4/);
  });

  it('data of the wrong width throws ShapeError; bad hyperparameters throw ValueError', async () => {
    const rbm = new RBM(3, 2);
    await expect(trainRbm(rbm, { x: new Float32Array(8), xShape: [2, 4] })).rejects.toThrow(ShapeError);
    await expect(trainRbm(rbm, { x: new Float32Array(6), xShape: [2, 3] }, { k: 0 })).rejects.toThrow(ValueError);
    expect(() => new RBM(0, 2)).toThrow(ValueError);
  });
});

describe('unknown options', () => {
  it('trainRbm, cdStep, RBM, trainAutoencoder and the greedy stacks refuse options they do not have', async () => {
    const data = { x: Float32Array.from([0, 1, 1, 0]), xShape: [2, 2] };
    await expect(trainRbm(new RBM(2, 2), data, { learningRate: 0.1, silent: true } as object)).rejects.toThrow(
      /^trainRbm: unknown option 'learningRate' \(did you mean lr\?\)/,
    );
    expect(() => cdStep(new RBM(2, 2), tensor([[1, 0]]), {}, philoxSampler(0), { steps: 2 } as object)).toThrow(
      /^cdStep: unknown option 'steps'; the options are k, lr, momentum, weightCost, persistent, sampleVisible, sparsity$/,
    );
    expect(() => new RBM(2, 2, { visibleUnits: 'gaussian' } as object)).toThrow(/^RBM: unknown option 'visibleUnits'/);
    await expect(trainAutoencoder(new Autoencoder(2, 1), data, { epoch: 3 } as object)).rejects.toThrow(
      /^trainAutoencoder: unknown option 'epoch'/,
    );
    await expect(pretrainDbn(data, { sizes: [2, 2], epochs: 3 } as never)).rejects.toThrow(
      /^pretrainDbn: unknown option 'epochs'; the options are sizes, seed, silent, log, rbm, visible$/,
    );
  });
});
