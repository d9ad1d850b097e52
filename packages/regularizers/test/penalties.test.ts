/** Tests of the L2, L1 and elastic-net penalties: values, gradients against finite differences, filters, fit and errors. */
import {
  fit,
  losses,
  nn,
  type Optimizer,
  Parameter,
  type Tensor,
  tensor,
  tidy,
  ValueError,
  valueAndGrad,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { elasticNet, l1, l2 } from '../src/index.js';
import { expectClose, numericGrad, useCpu, values } from './util.js';

useCpu();

const W = [0.5, -1.25, 2, 0.75, -0.3, 1.1];
const B = [0.4, -0.2];

function params(): Parameter[] {
  return [new Parameter('0.weight', tensor(W, [3, 2])), new Parameter('0.bias', tensor(B, [2]))];
}

const sumSq = (a: number[]) => a.reduce((s, v) => s + v * v, 0);
const sumAbs = (a: number[]) => a.reduce((s, v) => s + Math.abs(v), 0);

describe('penalty values', () => {
  it('l2 is λ/2 Σ W² over weights only', () => {
    const p = params();
    expectClose(values(l2(0.1).loss(p)), [0.05 * sumSq(W)]);
  });

  it('l1 is λ Σ|W| and elastic net is the sum of both terms', () => {
    const p = params();
    expectClose(values(l1(0.1).loss(p)), [0.1 * sumAbs(W)]);
    expectClose(values(elasticNet({ l1: 0.1, l2: 0.3 }).loss(p)), [0.1 * sumAbs(W) + 0.15 * sumSq(W)]);
  });

  it('a name list or predicate chooses the parameters (biases included on request)', () => {
    const p = params();
    expectClose(values(l2(2, { filter: ['0.weight', '0.bias'] }).loss(p)), [sumSq(W) + sumSq(B)]);
    expectClose(values(l2(2, { filter: ['0.bias'] }).loss(p)), [sumSq(B)]);
    expectClose(values(l1(1, { filter: (q) => q.name.endsWith('bias') }).loss(p)), [sumAbs(B)]);
  });

  it('is 0 when nothing is selected', () => {
    expect(values(l2(1).loss([new Parameter('bias', tensor([1, 2]))]))).toEqual([0]);
  });
});

describe('penalty gradients', () => {
  for (const [name, make] of [
    ['l2', () => l2(0.7)],
    ['l1', () => l1(0.3)],
    ['elasticNet', () => elasticNet({ l1: 0.2, l2: 0.5 })],
  ] as const) {
    it(`${name}: autograd matches finite differences; biases get zero`, () => {
      const pen = make();
      const p = params();
      const { grads } = valueAndGrad(() => pen.loss(p))(p[0].value, p[1].value);
      const numeric = numericGrad((w) => pen.loss([new Parameter('weight', w)]), W, [3, 2]);
      expectClose(values(grads[0]), numeric, 2e-3, 2e-3);
      expect(values(grads[1])).toEqual([0, 0]);
    });
  }

  it('l2 gradient is exactly λW (PyTorch weight_decay on the weights)', () => {
    const p = params();
    const { grads } = valueAndGrad(() => l2(0.5).loss(p))(p[0].value);
    expectClose(
      values(grads[0]),
      W.map((w) => 0.5 * w),
      1e-7,
    );
  });
});

describe('penalties in fit', () => {
  it('adds the penalty to the loss and its gradient to the weights only', async () => {
    const seen: number[][][] = [];
    const recorder: Optimizer = {
      lr: 0,
      step: (_params, grads: readonly Tensor[]) => {
        seen.push(grads.map(values));
      },
      getState: () => ({ groups: [], slots: new Map() }),
      setState: () => {},
      dispose: () => {},
    };
    const data = {
      x: Float32Array.from([1, 2, -1, 0.5, 0, 3]),
      xShape: [3, 2],
      y: Float32Array.from([1, -1, 0.5]),
      yShape: [3, 1],
    };
    const model = nn.sequential(nn.dense(2, 1, { seed: 1 }));
    const weight = values(model.parameters()[0].value);
    const opts = { loss: losses.mse, optimizer: recorder, batchSize: 'full' as const, shuffle: false, verbose: false };
    const plain = await fit(model, data, opts);
    const penalized = await fit(model, data, { ...opts, penalties: [l2(0.25)] });
    expectClose([penalized.epochs[0].loss - plain.epochs[0].loss], [0.125 * sumSq(weight)], 1e-6);
    expectClose(
      seen[1][0],
      seen[0][0].map((g, i) => g + 0.25 * weight[i]),
      1e-6,
    );
    expectClose(seen[1][1], seen[0][1], 1e-7);
    model.dispose();
  });
});

describe('penalty errors', () => {
  it('rejects bad coefficients', () => {
    for (const bad of [-0.1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => l2(bad)).toThrow(ValueError);
      expect(() => l1(bad)).toThrow(ValueError);
      expect(() => elasticNet({ l1: bad })).toThrow(ValueError);
    }
    expect(() => l2(1, { filter: 'weight' as never })).toThrow(ValueError);
  });

  it('names an unknown parameter when first applied', () => {
    const pen = l2(1, { filter: ['0.weight', '1.weight'] });
    expect(() => tidy(() => pen.loss(params()))).toThrow(/unknown parameter "1.weight".*0\.weight, 0\.bias/);
    expect(() => tidy(() => pen.loss(params()))).toThrow(ValueError);
  });
});
