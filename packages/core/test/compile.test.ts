/** compile(fn): traced graphs replayed on backends without a graph compiler give exactly the eager results. */
import { type ArrayDataset, compile, fit, losses, memory, nn, type Tensor, tensor } from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { PlainSGD } from './optimizers.js';
import { useCpu } from './setup.js';

beforeAll(useCpu);

const SGD = PlainSGD;

function data(): ArrayDataset {
  const n = 32;
  return {
    x: new Float32Array(n * 4).map((_, i) => Math.cos(i)),
    xShape: [n, 4],
    y: new Int32Array(n).map((_, i) => i % 3),
    yShape: [n],
  };
}

describe('compile', () => {
  it('replays a pure function as a graph after two matching traces', async () => {
    const f = compile((a: Tensor, b: Tensor) => a.matmul(b).tanh().sum());
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    const b = tensor([[0.1], [0.2]]);
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await (f(a, b) as Tensor).item());
    expect(f.mode).toBe('graph');
    expect(new Set(results).size).toBe(1);
  });

  it('fit with compiled steps ends with exactly the weights of eager steps, without leaks', async () => {
    const run = async (compiled: boolean) => {
      const model = nn.sequential(nn.dense(4, 8, { seed: 1 }), nn.relu(), nn.dense(8, 3, { seed: 2 }));
      const h = await fit(model, data(), {
        loss: losses.softmaxCrossEntropy,
        optimizer: new SGD(0.1),
        batchSize: 8,
        epochs: 3,
        metrics: ['accuracy'],
        verbose: false,
        compile: compiled,
      });
      return {
        weights: await Promise.all(model.parameters().map(async (p) => Array.from(await p.value.data()))),
        history: h.epochs,
        model,
      };
    };
    const before = memory().handles;
    const eager = await run(false);
    eager.model.dispose();
    expect(memory().handles).toBe(before);
    const compiled = await run(true);
    compiled.model.dispose();
    expect(memory().handles).toBe(before);
    expect(compiled.weights).toEqual(eager.weights);
    expect(compiled.history).toEqual(eager.history);
  });
});
