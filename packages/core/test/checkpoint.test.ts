/** Checkpoints during fit, and resuming a run exactly where it stopped. */
import {
  type ArrayDataset,
  bernoulli,
  checkpoint,
  fit,
  loadCheckpoint,
  losses,
  manualSeed,
  mul,
  nn,
  saveCheckpoint,
  scalar,
  type Tensor,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Momentum } from './optimizers.js';
import { useCpu } from './setup.js';

beforeAll(useCpu);

/** A layer that multiplies by a random mask from the global generator, so resuming needs the random state. */
class Noise extends nn.Module {
  forward(x: Tensor): Tensor {
    return this.training ? mul(x, bernoulli(x.shape, 0.9).mul(1 / 0.9)) : x;
  }
}

function data(): ArrayDataset {
  const n = 24;
  const x = new Float32Array(n * 3).map((_, i) => Math.sin(i * 1.7));
  const y = new Int32Array(n).map((_, i) => i % 3);
  return { x, xShape: [n, 3], y, yShape: [n] };
}

const build = () => nn.sequential(nn.dense(3, 6, { seed: 1 }), new Noise(), nn.tanh(), nn.dense(6, 3, { seed: 2 }));
const options = { loss: losses.softmaxCrossEntropy, batchSize: 5, verbose: false } as const;

describe('checkpoint', () => {
  it('a run interrupted after 3 of 6 epochs and resumed ends with the same weights as one that was not', async () => {
    manualSeed(11);
    const straight = build();
    await fit(straight, data(), { ...options, optimizer: new Momentum(0.1), epochs: 6 });

    manualSeed(11);
    const saved: Uint8Array[] = [];
    const first = build();
    await fit(first, data(), {
      ...options,
      optimizer: new Momentum(0.1),
      epochs: 3,
      callbacks: [checkpoint({ save: (b) => void saved.push(b) })],
    });
    manualSeed(999);
    const resumed = build();
    const opt = new Momentum(0.1);
    await fit(resumed, data(), {
      ...options,
      optimizer: opt,
      epochs: 6,
      resume: saved[2],
      callbacks: [checkpoint({ save: () => {} })],
    });

    for (const [a, b] of resumed.parameters().map((p, i) => [p, straight.parameters()[i]] as const)) {
      expect(Array.from(await a.value.data())).toEqual(Array.from(await b.value.data()));
    }
  });

  it('saves every N epochs and on the best monitored metric', async () => {
    const reasons: string[] = [];
    await fit(build(), data(), {
      ...options,
      optimizer: new Momentum(0.05),
      epochs: 4,
      validation: 0.25,
      callbacks: [
        checkpoint({
          every: 2,
          monitor: 'valLoss',
          save: (_b, info) => void reasons.push(`${info.epoch}:${info.reason}`),
        }),
      ],
    });
    expect(reasons.filter((r) => r.endsWith('every'))).toEqual(['2:every', '4:every']);
    expect(reasons[0]).toBe('1:best');
  });

  it('rejects a metric that is not logged', async () => {
    const cb = checkpoint({ monitor: 'valAccuracy', save: () => {} });
    await expect(fit(build(), data(), { ...options, optimizer: new Momentum(0.1), callbacks: [cb] })).rejects.toThrow(
      /metric "valAccuracy" is not in the logs/,
    );
    scalar(0).dispose();
  });

  it('a hyperparameter of −0 comes back as −0, not 0', async () => {
    const bytes = await saveCheckpoint(build(), new Momentum(-0));
    const opt = new Momentum(1);
    loadCheckpoint(bytes, build(), opt);
    expect(Object.is(opt.getState().groups[0].lr, -0)).toBe(true);
  });
});
