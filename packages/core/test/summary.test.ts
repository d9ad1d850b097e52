/** Model summaries and the lecture's memory arithmetic. */
import { add, measureTrainingStep, nn, type Tensor, ValueError } from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from './setup.js';

beforeAll(useCpu);

describe('summary', () => {
  it("reproduces the lecture's 50-layer example: 26M weights + 16M activations = 168 MB in float32", () => {
    const s = nn.memorySummary(
      [{ name: 'all', kind: 'net', outputShape: [], parameters: 26e6, activations: 16e6 }],
      26e6,
    );
    expect(s.bytes.parameters + s.bytes.activations).toBe(168e6);
  });

  it('counts parameters, output shapes and activations per layer for a batch', () => {
    const model = nn.sequential(nn.dense(784, 512), nn.relu(), nn.dense(512, 10));
    const s = model.summary({ batchSize: 128, optimizerSlots: 2 });
    expect(s.layers.map((l) => [l.kind, l.outputShape, l.parameters])).toEqual([
      ['Dense', [128, 512], 784 * 512 + 512],
      ['relu', [128, 512], 0],
      ['Dense', [128, 10], 5130],
    ]);
    const params = 784 * 512 + 512 + 5130;
    expect(s.parameters).toBe(params);
    expect(s.activations).toBe(128 * (512 + 512 + 10));
    expect(s.bytes).toMatchObject({ parameters: 4 * params, gradients: 4 * params, optimizerState: 8 * params });
    expect(String(s)).toMatch(/total for one training step/);
  });

  it('needs an input shape when it cannot infer one', () => {
    expect(() => nn.sequential(nn.relu()).summary()).toThrow(ValueError);
    expect(nn.sequential(nn.relu()).summary({ inputShape: [3] }).layers[0].outputShape).toEqual([1, 3]);
  });

  it('refuses an optimizer slot count that is not an integer ≥ 0 (−1 gave −92 bytes of optimizer state)', () => {
    const model = nn.sequential(nn.dense(3, 5));
    for (const bad of [-1, 1.5, Number.NaN, '2'])
      expect(() => model.summary({ optimizerSlots: bad as number })).toThrow(
        /^summary: optimizerSlots must be an integer ≥ 0, got /,
      );
    expect(model.summary({ optimizerSlots: 2 }).bytes.optimizerState).toBe(20 * 2 * 4);
    expect(() => nn.memorySummary([], -5)).toThrow(/^memorySummary: parameters must be an integer ≥ 0, got -5$/);
  });
});

describe('summary of nested and custom models', () => {
  class Residual extends nn.Module {
    inner = this.child('inner', nn.sequential(nn.dense(5, 5, { seed: 1 }), nn.relu(), nn.dense(5, 5, { seed: 2 })));
    forward(x: Tensor): Tensor {
      return add(x, this.inner.forward(x));
    }
  }

  it('counts the outputs of layers inside a nested chain (only the outer layers were counted: 208 for 808)', () => {
    const model = nn.sequential(
      nn.sequential(nn.dense(5, 50), nn.relu(), nn.dense(50, 50), nn.relu()),
      nn.dense(50, 2),
    );
    const s = model.summary({ batchSize: 4 });
    expect(s.layers.map((l) => l.activations)).toEqual([4 * 50 * 4, 4 * 2]);
    expect(s.activations).toBe(808);
  });

  it('counts every layer call of a custom module and its own result once (only its output was: 20 for 80)', () => {
    const s = new Residual().summary({ batchSize: 4 });
    expect(s.layers).toHaveLength(1);
    expect(s.activations).toBe(4 * 5 * 4); // dense, relu, dense, add
    // Inside a chain: the same count on its row, and a layer used twice counts twice.
    const shared = nn.dense(5, 5, { seed: 3 });
    const chain = nn.sequential(new Residual(), shared, nn.relu(), shared);
    expect(chain.summary({ batchSize: 4 }).layers.map((l) => l.activations)).toEqual([80, 20, 20, 20]);
  });

  it('leaves every forward as it was, also after a layer throws', () => {
    const model = nn.sequential(nn.dense(5, 3), nn.relu());
    const own = Object.getOwnPropertyNames(model.layers[0]);
    expect(() => model.summary({ inputShape: [4] })).toThrow();
    expect(Object.getOwnPropertyNames(model.layers[0])).toEqual(own);
    expect(model.summary({ batchSize: 2 }).activations).toBe(12);
    expect(model.modules().every((m) => !Object.hasOwn(m, 'forward'))).toBe(true);
  });
});

describe('measureTrainingStep', () => {
  it('measures the peak memory of a step on the backend beside the estimate', async () => {
    const { measureTrainingStep, losses } = await import('@backprop/core');
    const model = nn.sequential(nn.dense(64, 128, { seed: 1 }), nn.relu(), nn.dense(128, 10, { seed: 2 }));
    const sgd = {
      lr: 0.1,
      step(params: readonly import('@backprop/core').Parameter[], grads: readonly import('@backprop/core').Tensor[]) {
        for (const [i, p] of params.entries()) p.assign(p.value.sub(grads[i].mul(0.1)));
      },
      getState: () => ({ groups: [{ lr: 0.1 }], slots: new Map() }),
      setState() {},
      dispose() {},
    };
    const m = await measureTrainingStep(model, { batchSize: 32, loss: losses.softmaxCrossEntropy, optimizer: sgd });
    const kept = m.estimate.bytes.activations + m.estimate.bytes.gradients;
    expect(m.bytesBefore).toBeGreaterThanOrEqual(m.estimate.bytes.parameters);
    expect(m.measuredStepBytes).toBeGreaterThan(0.5 * kept);
    expect(m.measuredStepBytes).toBeLessThan(6 * kept);
  });
});

describe('summary without a batch size', () => {
  it('prints the batch axis as N and says the counts are per example', () => {
    const model = nn.sequential(nn.dense(3, 256, { seed: 1 }), nn.relu());
    const text = model.summary().toString();
    expect(text).toContain('[N, 256]');
    expect(text).not.toContain('[1, 256]');
    expect(text).toMatch(/N: batch size not given; activations are per example/);
    expect(model.summary({ batchSize: 64 }).toString()).toContain('[64, 256]');
    expect(model.summary().layers[0].outputShape).toEqual([1, 256]);
  });
  it('measureTrainingStep checks its options (a missing or misspelt one was an untyped TypeError or ignored)', async () => {
    const model = nn.sequential(nn.dense(2, 1));
    await expect(measureTrainingStep(model, 5 as never)).rejects.toThrow(
      /^measureTrainingStep: the options must be given as an object/,
    );
    await expect(measureTrainingStep(model, { batchsize: 4 } as never)).rejects.toThrow(
      /^measureTrainingStep: unknown option 'batchsize' \(did you mean batchSize\?\)/,
    );
  });
});
