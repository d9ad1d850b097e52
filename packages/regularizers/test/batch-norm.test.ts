/** Tests of BatchNorm1d against PyTorch's BatchNorm1d (golden/batch-norm.json), by finite differences, and its errors. */
import { readFileSync } from 'node:fs';
import { cpu } from '@backprop/backend-cpu';
import {
  keep,
  liveTensorCount,
  mul,
  ShapeError,
  sum,
  type Tensor,
  tensor,
  tidy,
  ValueError,
  valueAndGrad,
} from '@backprop/core';
import { expectClose, numericGrad, useBackend } from '@backprop/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BatchNorm1d, batchNorm1d } from '../src/index.js';
import { values } from './util.js';

beforeAll(useBackend(cpu));

interface Step {
  x: number[];
  shape: number[];
  dy: number[];
  y: number[];
  dx: number[];
  dGamma: number[];
  dBeta: number[];
  runningMean: number[];
  runningVar: number[];
  numBatchesTracked: number;
}
interface Case {
  name: string;
  momentum: number | null;
  eps: number;
  features: number;
  gamma: number[];
  beta: number[];
  steps: Step[];
  eval: { x: number[]; shape: number[]; y: number[] };
}
const golden: { cases: Case[] } = JSON.parse(
  readFileSync(new URL('./golden/batch-norm.json', import.meta.url), 'utf8'),
);

function layerFor(c: Case): BatchNorm1d {
  const bn = batchNorm1d(c.features, { momentum: c.momentum, eps: c.eps });
  bn.weight!.assign(tensor(c.gamma));
  bn.bias!.assign(tensor(c.beta));
  return bn;
}

/** One training step: the output and the gradients of Σ(y·dy) with respect to x, γ and β. */
function trainStep(bn: BatchNorm1d, x: Tensor, dy: Tensor): { y: number[]; grads: number[][] } {
  let y: Tensor | undefined;
  const { value, grads } = valueAndGrad((xx) => {
    y = keep(bn.forward(xx));
    return sum(mul(y, dy));
  })(x, bn.weight!.value, bn.bias!.value);
  const out = { y: values(y!), grads: grads.map(values) };
  y!.dispose();
  value.dispose();
  for (const g of grads) g.dispose();
  return out;
}

describe('BatchNorm1d matches PyTorch', () => {
  for (const c of golden.cases) {
    it(`${c.name}: forward, backward, running statistics and evaluation`, () => {
      const bn = layerFor(c);
      for (const s of c.steps) {
        const x = tensor(s.x, s.shape);
        const dy = tensor(s.dy, s.shape);
        const { y, grads } = trainStep(bn, x, dy);
        expectClose(y, s.y, { atol: 1e-5 });
        expectClose(grads[0], s.dx, { atol: 1e-5 });
        expectClose(grads[1], s.dGamma, { atol: 1e-5 });
        expectClose(grads[2], s.dBeta, { atol: 1e-5 });
        expectClose(values(bn.runningMean), s.runningMean, { atol: 1e-5 });
        expectClose(values(bn.runningVar), s.runningVar, { atol: 1e-5 });
        expect(values(bn.numBatchesTracked)).toEqual([s.numBatchesTracked]);
        x.dispose();
        dy.dispose();
      }
      bn.eval();
      expectClose(values(tidy(() => bn.forward(tensor(c.eval.x, c.eval.shape)))), c.eval.y, { atol: 1e-5 });
      bn.dispose();
    });
  }

  it("loading running statistics of another dtype casts them to the buffer's (they replaced it as int32)", async () => {
    const bn = batchNorm1d(2);
    const state = Object.fromEntries(bn.stateDict());
    bn.loadStateDict({ ...state, runningMean: tensor([1, 2], [2], 'int32') });
    const mean = bn.stateDict().get('runningMean')!;
    expect(mean.dtype).toBe('float32');
    expect(Array.from(await mean.data())).toEqual([1, 2]);
  });

  it('exposes the running statistics in the state dict', () => {
    const names = [...batchNorm1d(3).stateDict().keys()];
    expect(names).toEqual(['weight', 'bias', 'runningMean', 'runningVar', 'numBatchesTracked']);
  });
});

describe('BatchNorm1d gradients by finite differences', () => {
  it('flow through the batch mean and variance', () => {
    const c = golden.cases[0];
    const s = c.steps[1];
    const bn = layerFor(c);
    const dy = tensor(s.dy, s.shape);
    const f = (x: Tensor) => sum(mul(bn.forward(x), dy));
    const loss = (v: Float64Array) => tidy(() => f(tensor(Float32Array.from(v), s.shape)).dataSync()[0]);
    const numeric = numericGrad(loss, s.x, { eps: 1e-2 });
    const { grads } = valueAndGrad(f)(tensor(s.x, s.shape));
    expectClose(values(grads[0]), numeric, { rtol: 5e-3, atol: 5e-3 });
  });
});

describe('BatchNorm1d memory and errors', () => {
  it('keeps the tensor count steady across training steps', () => {
    const bn = batchNorm1d(4);
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 9], [2, 4]);
    tidy(() => bn.forward(x));
    const before = liveTensorCount();
    for (let i = 0; i < 3; i++) tidy(() => valueAndGrad((t) => sum(bn.forward(t)))(x).value);
    expect(liveTensorCount()).toBe(before + 3);
  });

  it('a training batch of one is a ShapeError that changes nothing; evaluation accepts it', () => {
    const bn = batchNorm1d(3);
    const x = tensor([[1, 2, 3]]);
    expect(() => bn.forward(x)).toThrow(ShapeError);
    expect(() => bn.forward(x)).toThrow(/more than 1 example/);
    expect(values(bn.numBatchesTracked)).toEqual([0]);
    expect(values(bn.runningMean)).toEqual([0, 0, 0]);
    bn.eval();
    expectClose(
      values(bn.forward(x)),
      [1, 2, 3].map((v) => v / Math.sqrt(1 + 1e-5)),
      { atol: 1e-5 },
    );
  });

  it('rejects wrong shapes and bad options', () => {
    expect(() => batchNorm1d(3).forward(tensor([[1, 2]]))).toThrow(ShapeError);
    expect(() => batchNorm1d(3).forward(tensor([1, 2, 3]))).toThrow(ShapeError);
    expect(() => batchNorm1d(0)).toThrow(ValueError);
    expect(() => batchNorm1d(3, { momentum: 1.5 })).toThrow(ValueError);
    expect(() => batchNorm1d(3, { momentum: -0.1 })).toThrow(ValueError);
    expect(() => batchNorm1d(3, { eps: 0 })).toThrow(ValueError);
  });

  it('affine must be true or false (the string "false" used to turn it on)', () => {
    expect(() => batchNorm1d(2, { affine: 'false' as never })).toThrow(
      /^batchNorm1d: affine must be true or false, got "false"$/,
    );
    expect(() => batchNorm1d(2, { affine: 0 as never })).toThrow(ValueError);
    expect(batchNorm1d(2, { affine: true }).parameters()).toHaveLength(2);
  });

  it('without affine has no parameters', () => {
    const bn = batchNorm1d(2, { affine: false });
    expect(bn.parameters()).toHaveLength(0);
    expectClose(
      values(
        bn.forward(
          tensor([
            [1, 10],
            [3, 20],
          ]),
        ),
      ),
      [-1, -1, 1, 1],
      { rtol: 1e-5, atol: 1e-4 },
    );
  });
});
