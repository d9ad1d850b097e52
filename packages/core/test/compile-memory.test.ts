/**
 * What a compiled function and a compiled training step leave in memory: every tensor they hold
 * is freed by `invalidate()` / `dispose()`, a call leaves only what it returns, and a call that
 * throws while traced leaves nothing. They used to keep the views a failed trace took of its
 * constants (a compiled step whose first call threw leaked a BatchNorm's and a dropout's host
 * numbers), and the intermediates of the traced calls, which no one could free.
 */
import {
  add,
  compile,
  dispose,
  Generator,
  less,
  liveTensorCount,
  losses,
  Module,
  matmul,
  mean,
  memory,
  mul,
  nn,
  randomUniform,
  sub,
  type Tensor,
  tensor,
  trainStep,
  ValueError,
  where,
  withoutRecording,
  zeros,
  zerosLike,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Momentum } from './optimizers.js';
import { useCpu } from './setup.js';

beforeAll(useCpu);

/** Live tensors and backend handles and bytes, to compare before and after. */
const usage = () => {
  const m = memory();
  return { tensors: liveTensorCount(), handles: m.handles, bytes: m.bytes };
};

/** A BatchNorm reduced to its mean: centres the batch and moves a running-mean buffer (host numbers 0.9, 0.1). */
class RunningMean extends Module {
  constructor(features: number) {
    super();
    this.buffer('runningMean', zeros([features]));
  }
  get runningMean(): Tensor {
    return this.getBuffer('runningMean');
  }
  forward(x: Tensor): Tensor {
    if (!this.training) return sub(x, this.runningMean);
    const mu = mean(x, 0);
    withoutRecording(() => {
      this.buffer('runningMean', add(mul(this.runningMean, 0.9), mul(mu, 0.1)));
    });
    return sub(x, mu);
  }
}

/** A seeded dropout: zeroes half its inputs with a mask drawn from its own generator, scales the rest by 2. */
class SeededDropout extends Module {
  readonly #generator: Generator;
  constructor(seed: number) {
    super();
    this.#generator = this.generator('generator', new Generator(seed));
  }
  forward(x: Tensor): Tensor {
    if (!this.training) return x;
    return where(less(randomUniform(x.shape, { generator: this.#generator }), 0.5), mul(x, 2), zerosLike(x));
  }
}

const x = () => tensor([1, 2, 3, 4, 4, 3, 2, 1, 0, 1, 0, 1], [3, 4]);
const y = () => tensor([0, 2, 1], [3], 'int32');

describe('a compiled training step', () => {
  for (const withDropout of [false, true])
    it(`whose first call throws leaves nothing once disposed (buffer${withDropout ? ', seeded dropout' : ''})`, async () => {
      const start = usage();
      const layers: Module[] = [nn.dense(4, 8, { seed: 1 }), new RunningMean(8), nn.relu()];
      if (withDropout) layers.push(new SeededDropout(3));
      const model = nn.sequential(...layers, nn.dense(8, 3, { seed: 2 }));
      const optimizer = new Momentum(0.1);
      const [xs, ys] = [x(), y()];
      let calls = 0;
      const step = trainStep(model, {
        optimizer,
        compile: true,
        loss: (p, t) => {
          if (++calls === 1) throw new Error('first call fails');
          return losses.softmaxCrossEntropy(p, t);
        },
      });
      await expect(step(xs, ys)).rejects.toThrow('first call fails');
      for (let i = 0; i < 4; i++) expect(Number.isFinite((await step(xs, ys)).loss)).toBe(true);
      expect(step.state.position.batch).toBe(4);
      step.dispose();
      model.dispose();
      optimizer.dispose();
      dispose([xs, ys]);
      expect(usage()).toEqual(start);
    });

  it('whose traced call throws after the graph stood leaves nothing once disposed', async () => {
    const start = usage();
    const model = nn.sequential(
      nn.dense(4, 8, { seed: 1 }),
      new RunningMean(8),
      nn.relu(),
      nn.dense(8, 3, { seed: 2 }),
    );
    const optimizer = new Momentum(0.1);
    const [xs, ys] = [x(), y()];
    let fail = false;
    const step = trainStep(model, {
      optimizer,
      compile: true,
      loss: (p, t) => {
        if (fail) throw new Error('traced call fails');
        return losses.softmaxCrossEntropy(p, t);
      },
    });
    for (let i = 0; i < 3; i++) await step(xs, ys);
    expect(step.mode).toBe('graph');
    // A new learning rate retraces; that trace throws.
    optimizer.lr = 0.05;
    fail = true;
    await expect(step(xs, ys)).rejects.toThrow('traced call fails');
    step.dispose();
    model.dispose();
    optimizer.dispose();
    dispose([xs, ys]);
    expect(usage()).toEqual(start);
  });
});

describe('compile(fn) memory', () => {
  it('invalidate() and dispose() free what the graphs hold; calls leave only their results', () => {
    const start = usage();
    const w = tensor([1, 2, 3, 4]);
    const a = tensor([1, 1, 1, 1]);
    const f = compile((v) => mul(add(v, w), 2));
    for (let i = 0; i < 57; i++) f(a).dispose();
    expect(f.mode).toBe('graph');
    f.invalidate();
    dispose([w, a]);
    expect(usage()).toEqual(start);

    const w2 = tensor([1, 2, 3, 4]);
    const b = tensor([2, 2, 2, 2]);
    const g = compile((v) => mul(add(v, w2), 2));
    for (let i = 0; i < 3; i++) g(b).dispose();
    expect(g.mode).toBe('graph');
    g.dispose();
    // A call after dispose() traces again and computes the same.
    const out = g(b);
    expect(Array.from(out.dataSync())).toEqual([6, 8, 10, 12]);
    dispose([out, w2, b]);
    g.dispose();
    expect(usage()).toEqual(start);
  });

  it('a loss of two arguments leaves nothing after dispose()', () => {
    const start = usage();
    const w = tensor([0.1, -0.2, 0.3, 0.4, -0.5, 0.6], [2, 3]);
    const v = tensor([1, 2, 3, 4], [2, 2]);
    const label = tensor([0, 2], [2], 'int32');
    const f = compile((v, label) => losses.softmaxCrossEntropy(matmul(v, w), label));
    for (let i = 0; i < 57; i++) f(v, label).dispose();
    expect(f.mode).toBe('graph');
    f.dispose();
    dispose([w, v, label]);
    expect(usage()).toEqual(start);
  });

  it('a call that throws while traced leaves nothing', () => {
    const start = usage();
    const w = tensor([1, 2, 3, 4]);
    const a = tensor([1, 1, 1, 1]);
    let fail = true;
    const f = compile((v) => {
      const out = mul(add(v, w), 2);
      if (fail) throw new Error('traced call fails');
      return out;
    });
    expect(() => f(a)).toThrow('traced call fails');
    fail = false;
    for (let i = 0; i < 3; i++) f(a).dispose();
    expect(f.mode).toBe('graph');
    const bad = compile((v) => [mul(v, w), 3 as unknown as Tensor]);
    expect(() => bad(a)).toThrow(ValueError);
    f.dispose();
    bad.dispose();
    dispose([w, a]);
    expect(usage()).toEqual(start);
  });

  it('an eager compiled function (it reads values) leaves only its results', () => {
    const start = usage();
    const a = tensor([1, 2, 3, 4]);
    const f = compile((v) => (add(v, 1).dataSync()[0] > 0 ? mul(add(v, 1), 2) : v));
    for (let i = 0; i < 5; i++) f(a).dispose();
    expect(f.mode).toBe('eager');
    f.dispose();
    a.dispose();
    expect(usage()).toEqual(start);
  });
});
