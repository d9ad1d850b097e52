/**
 * Peak memory of a training step, measured with the CPU backend's `memory().peakBytes`: the
 * backward pass frees each intermediate gradient once consumed and each saved activation after
 * its last read, the finiteness check holds one gradient-sized temporary at a time, and the
 * optimizer may free each gradient once its update is computed (`releaseGradients`).
 */
import {
  getBackend,
  keep,
  losses,
  nn,
  type Optimizer,
  type OptimizerStepOptions,
  type Parameter,
  randomNormal,
  sum,
  type Tensor,
  tanh,
  tensor,
  tidy,
  trainStep,
  valueAndGrad,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from './setup.js';

beforeAll(useCpu);

/** Gradient descent that computes every new value before assigning any (all-or-nothing, as GradientOptimizer). */
class AtomicSgd implements Optimizer {
  constructor(public lr: number) {}
  step(params: readonly Parameter[], grads: readonly Tensor[], options: OptimizerStepOptions = {}): void {
    const next = params.map((p, i) => {
      const v = tidy(() => keep(p.value.sub(grads[i].mul(this.lr))));
      if (options.releaseGradients) grads[i].dispose();
      return v;
    });
    params.forEach((p, i) => {
      p.assign(next[i]);
    });
  }
  getState() {
    return { groups: [{ lr: this.lr }], slots: new Map() };
  }
  setState() {}
  dispose() {}
}

async function peakOf(fn: () => Promise<unknown> | unknown): Promise<{ before: number; peak: number }> {
  const backend = getBackend();
  await backend.sync?.();
  const before = backend.memory().bytes;
  backend.resetPeak?.();
  await fn();
  await backend.sync?.();
  return { before, peak: backend.memory().peakBytes ?? Number.NaN };
}

describe('peak memory of a training step', () => {
  it('an eager MLP step peaks at ≤ 1.3× the summary estimate (atomic SGD)', async () => {
    const sizes = [256, 256, 256, 10];
    const batch = 64;
    const model = nn.sequential(
      nn.dense(sizes[0], sizes[1], { seed: 1 }),
      nn.relu(),
      nn.dense(sizes[1], sizes[2], { seed: 2 }),
      nn.relu(),
      nn.dense(sizes[2], sizes[3], { seed: 3 }),
    );
    const estimate = model.summary({ batchSize: batch }).bytes.total;
    const x = randomNormal([batch, sizes[0]], { seed: 4 });
    const y = tensor(
      Array.from({ length: batch }, (_, i) => i % sizes[3]),
      [batch],
      'int32',
    );
    const step = trainStep(model, { loss: losses.softmaxCrossEntropy, optimizer: new AtomicSgd(0.01), compile: false });
    await step(x, y);
    const { peak } = await peakOf(() => step(x, y));
    x.dispose();
    y.dispose();
    // Old and new parameters are both held at the update (it is all-or-nothing); without freeing
    // the backward pass's intermediates and each gradient once consumed this was ≈ 1.44×, now ≈ 1.24×.
    expect(peak / estimate).toBeLessThanOrEqual(1.3);
  });

  it('the backward pass frees intermediate gradients and saved activations as it goes', async () => {
    const n = 64 * 1024; // 256 KiB per float32 tensor
    const depth = 12;
    const x = randomNormal([n], { seed: 5 });
    const f = valueAndGrad((a: Tensor) => {
      let h = a;
      for (let i = 0; i < depth; i++) h = tanh(h);
      return sum(h);
    });
    const { before, peak } = await peakOf(() => {
      const { value, grads } = f(x);
      value.dispose();
      grads[0].dispose();
    });
    const perTensor = n * 4;
    // The forward pass keeps `depth` activations; without freeing, the backward pass added a
    // gradient and its temporaries per layer on top (> 2 × depth tensors).
    expect((peak - before) / perTensor).toBeLessThanOrEqual(depth + 5);
    x.dispose();
  });
});
