/** Tests of the L2, L1 and elastic-net penalties: values, gradients against finite differences, filters, the weight-matrix default, fit and errors. */
import { cpu } from '@backprop/backend-cpu';
import {
  fit,
  losses,
  manualSeed,
  nn,
  type Optimizer,
  Parameter,
  type Tensor,
  tensor,
  tidy,
  ValueError,
  valueAndGrad,
} from '@backprop/core';
import { expectClose, numericGrad, useBackend } from '@backprop/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNorm1d, elasticNet, isWeight, l1, l2, layerNorm, selectParameters } from '../src/index.js';
import { values } from './util.js';

beforeAll(useBackend(cpu));

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
    expectClose(values(l2(0.1).loss(p)), [0.05 * sumSq(W)], { atol: 1e-5 });
  });

  it('l1 is λ Σ|W| and elastic net is the sum of both terms', () => {
    const p = params();
    expectClose(values(l1(0.1).loss(p)), [0.1 * sumAbs(W)], { atol: 1e-5 });
    expectClose(values(elasticNet({ l1: 0.1, l2: 0.3 }).loss(p)), [0.1 * sumAbs(W) + 0.15 * sumSq(W)], { atol: 1e-5 });
  });

  it('a name list or predicate chooses the parameters (biases included on request)', () => {
    const p = params();
    expectClose(values(l2(2, { filter: ['0.weight', '0.bias'] }).loss(p)), [sumSq(W) + sumSq(B)], { atol: 1e-5 });
    expectClose(values(l2(2, { filter: ['0.bias'] }).loss(p)), [sumSq(B)], { atol: 1e-5 });
    expectClose(values(l1(1, { filter: (q) => q.name.endsWith('bias') }).loss(p)), [sumAbs(B)], { atol: 1e-5 });
  });

  it('is 0 when nothing is selected', () => {
    expect(values(l2(1).loss([new Parameter('bias', tensor([1, 2]))]))).toEqual([0]);
  });
});

describe('the default covers weight matrices only (not biases, not the γ of batch or layer norm)', () => {
  /** dense(3, 4) → batchNorm1d(4) → dense(4, 2), with γ moved away from 1 so that including it would show. */
  function bnModel() {
    manualSeed(7);
    const model = nn.sequential(nn.dense(3, 4), batchNorm1d(4), nn.dense(4, 2));
    const gamma = model.parameters().find((p) => p.name === '1.weight')!;
    gamma.assign(tensor([0.5, -1.5, 2, 3], [4]));
    const byName = (name: string) => values(model.parameters().find((p) => p.name === name)!.value);
    return { model, W1: byName('0.weight'), W2: byName('2.weight'), gamma: byName('1.weight'), byName };
  }

  it('the model has the parameters the test expects', () => {
    const { model } = bnModel();
    expect(model.parameters().map((p) => [p.name, p.shape])).toEqual([
      ['0.weight', [3, 4]],
      ['0.bias', [4]],
      ['1.weight', [4]],
      ['1.bias', [4]],
      ['2.weight', [4, 2]],
      ['2.bias', [2]],
    ]);
    model.dispose();
  });

  it('l2(λ) is λ/2·(‖W₁‖² + ‖W₂‖²), γ and the biases excluded', () => {
    const { model, W1, W2 } = bnModel();
    const params = model.parameters();
    const lambda = 0.3;
    const pen = l2(lambda);
    expect(pen.select(params).map((p) => p.name)).toEqual(['0.weight', '2.weight']);
    // By hand, in float64 from the float32 weights: the penalty sums in float32, so agree to float32 rounding.
    expectClose(values(pen.loss(params)), [(lambda / 2) * (sumSq(W1) + sumSq(W2))], { rtol: 1e-6, atol: 0 });
    model.dispose();
  });

  it('its gradient is λW on both weight matrices and exactly 0 on γ, β and the biases', () => {
    const { model, W1, W2 } = bnModel();
    const params = model.parameters();
    const { grads } = valueAndGrad(() => l2(0.3).loss(params))(...params.map((p) => p.value));
    expectClose(
      values(grads[0]),
      W1.map((w) => 0.3 * w),
      { rtol: 1e-5, atol: 1e-7 },
    );
    expectClose(
      values(grads[4]),
      W2.map((w) => 0.3 * w),
      { rtol: 1e-5, atol: 1e-7 },
    );
    for (const i of [1, 2, 3, 5]) expect(values(grads[i]).every((g) => g === 0)).toBe(true);
    model.dispose();
  });

  it('l1 and elasticNet have the same default', () => {
    const { model, W1, W2 } = bnModel();
    const params = model.parameters();
    expect(
      l1(1)
        .select(params)
        .map((p) => p.name),
    ).toEqual(['0.weight', '2.weight']);
    expectClose(values(l1(0.2).loss(params)), [0.2 * (sumAbs(W1) + sumAbs(W2))], { rtol: 1e-6, atol: 0 });
    expectClose(
      values(elasticNet({ l1: 0.2, l2: 0.4 }).loss(params)),
      [0.2 * (sumAbs(W1) + sumAbs(W2)) + 0.2 * (sumSq(W1) + sumSq(W2))],
      { rtol: 1e-6, atol: 0 },
    );
    model.dispose();
  });

  it('filter opts γ back in: isWeight (the former default), () => true (everything), or a name list', () => {
    const { model, W1, W2, gamma, byName } = bnModel();
    const params = model.parameters();
    const weights = sumSq(W1) + sumSq(W2);
    expect(
      l2(1, { filter: isWeight })
        .select(params)
        .map((p) => p.name),
    ).toEqual(['0.weight', '1.weight', '2.weight']);
    expectClose(values(l2(0.3, { filter: isWeight }).loss(params)), [0.15 * (weights + sumSq(gamma))], {
      rtol: 1e-6,
      atol: 0,
    });
    const biases = sumSq(byName('0.bias')) + sumSq(byName('1.bias')) + sumSq(byName('2.bias'));
    expectClose(values(l2(0.3, { filter: () => true }).loss(params)), [0.15 * (weights + sumSq(gamma) + biases)], {
      rtol: 1e-6,
      atol: 0,
    });
    expectClose(
      values(l2(0.3, { filter: ['0.weight', '1.weight', '2.weight'] }).loss(params)),
      [0.15 * (weights + sumSq(gamma))],
      { rtol: 1e-6, atol: 0 },
    );
    const { grads } = valueAndGrad(() => l2(0.3, { filter: isWeight }).loss(params))(params[2].value);
    expectClose(
      values(grads[0]),
      gamma.map((g) => 0.3 * g),
      { rtol: 1e-5, atol: 1e-7 },
    );
    model.dispose();
  });

  it("layerNorm's γ is excluded too", () => {
    const model = nn.sequential(nn.dense(3, 4), layerNorm(4), nn.dense(4, 1));
    expect(
      l2(1)
        .select(model.parameters())
        .map((p) => p.name),
    ).toEqual(['0.weight', '2.weight']);
    model.dispose();
  });

  it('in fit, the penalty changes the gradients of W₁ and W₂ only', async () => {
    const { model, W1, W2 } = bnModel();
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
      x: Float32Array.from([1, 2, -1, 0.5, 0, 3, -2, 1, 1, 0.25, -0.5, 2]),
      xShape: [4, 3],
      y: Float32Array.from([1, -1, 0.5, 0, 2, 1, -1, 0.5]),
      yShape: [4, 2],
    };
    const opts = { loss: losses.mse, optimizer: recorder, batchSize: 'full' as const, shuffle: false, verbose: false };
    await fit(model, data, opts);
    await fit(model, data, { ...opts, penalties: [l2(0.25)] });
    expectClose(
      seen[1][0],
      seen[0][0].map((g, i) => g + 0.25 * W1[i]),
      { rtol: 1e-5, atol: 1e-6 },
    );
    expectClose(
      seen[1][4],
      seen[0][4].map((g, i) => g + 0.25 * W2[i]),
      { rtol: 1e-5, atol: 1e-6 },
    );
    for (const i of [1, 2, 3, 5]) expect(seen[1][i]).toEqual(seen[0][i]);
    model.dispose();
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
      const loss = (w: Float64Array) =>
        tidy(() => pen.loss([new Parameter('weight', tensor(Float32Array.from(w), [3, 2]))]).dataSync()[0]);
      const numeric = numericGrad(loss, W);
      expectClose(values(grads[0]), numeric, { rtol: 2e-3, atol: 2e-3 });
      expect(values(grads[1])).toEqual([0, 0]);
    });
  }

  it('l2 gradient is exactly λW (PyTorch weight_decay on the weights)', () => {
    const p = params();
    const { grads } = valueAndGrad(() => l2(0.5).loss(p))(p[0].value);
    expectClose(
      values(grads[0]),
      W.map((w) => 0.5 * w),
      { rtol: 1e-5, atol: 1e-7 },
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
    expectClose([penalized.epochs[0].loss - plain.epochs[0].loss], [0.125 * sumSq(weight)], { rtol: 1e-5, atol: 1e-6 });
    expectClose(
      seen[1][0],
      seen[0][0].map((g, i) => g + 0.25 * weight[i]),
      { rtol: 1e-5, atol: 1e-6 },
    );
    expectClose(seen[1][1], seen[0][1], { rtol: 1e-5, atol: 1e-7 });
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

  it('refuses a name listed twice when made (l2 counted that weight twice)', () => {
    expect(() => l2(1, { filter: ['0.weight', '0.weight'] })).toThrow(
      /^l2: filter must list each parameter once, got "0\.weight" more than once in \["0\.weight","0\.weight"\]$/,
    );
    expect(() => l1(1, { filter: ['0.bias', '0.weight', '0.bias'] })).toThrow(
      /^l1: filter must list each parameter once/,
    );
    expect(() => elasticNet({ l1: 1, filter: ['0.weight', '0.weight'] })).toThrow(ValueError);
    expect(() => selectParameters('myPenalty', params(), ['0.bias', '0.bias'])).toThrow(
      /^myPenalty: filter must list each parameter once, got "0\.bias"/,
    );
    expectClose(values(l2(2, { filter: ['0.weight'] }).loss(params())), [sumSq(W)], { atol: 1e-5 });
  });

  it('names every unknown parameter and the known ones when first applied, for each penalty', () => {
    for (const pen of [
      l2(1, { filter: ['0.wieght', '0.bias', '1.weight'] }),
      l1(1, { filter: ['0.wieght', '0.bias', '1.weight'] }),
    ]) {
      expect(() => tidy(() => pen.loss(params()))).toThrow(
        new RegExp(
          `^${pen.name}: unknown parameters "0\\.wieght", "1\\.weight", got parameters \\[0\\.weight, 0\\.bias\\]`,
        ),
      );
    }
  });

  it('names an unknown parameter when first applied', () => {
    const pen = l2(1, { filter: ['0.weight', '1.weight'] });
    expect(() => tidy(() => pen.loss(params()))).toThrow(/unknown parameter "1.weight".*0\.weight, 0\.bias/);
    expect(() => tidy(() => pen.loss(params()))).toThrow(ValueError);
  });
});
