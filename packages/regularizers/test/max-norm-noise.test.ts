/** Tests of the max-norm constraint (function and fit callback) and of the Gaussian-noise layer. */
import { cpu } from '@backprop/backend-cpu';
import { fit, losses, nn, type Optimizer, ones, Parameter, tensor, ValueError, zeros } from '@backprop/core';
import { expectClose, useBackend } from '@backprop/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyMaxNorm, gaussianNoise, maxNorm } from '../src/index.js';
import { values } from './util.js';

beforeAll(useBackend(cpu));

const columnNorms = (w: number[], rows: number, cols: number) =>
  Array.from({ length: cols }, (_, j) => Math.hypot(...Array.from({ length: rows }, (_, i) => w[i * cols + j])));

describe('maxNorm', () => {
  it('rescales columns (each unit’s incoming weights) with norm above c to c, leaving the others unchanged', () => {
    // columns: norm 5, norm 1, norm √8
    const w = new Parameter(
      '0.weight',
      tensor([
        [3, 1, 2],
        [4, 0, 2],
      ]),
    );
    const b = new Parameter('0.bias', tensor([10, 10, 10]));
    applyMaxNorm([w, b], 2);
    const out = values(w.value);
    expectClose(columnNorms(out, 2, 3), [2, 1, 2], { rtol: 1e-5, atol: 1e-6 });
    expectClose(out, [1.2, 1, Math.SQRT2, 1.6, 0, Math.SQRT2], { rtol: 1e-5, atol: 1e-6 });
    expect(out[1]).toBe(1);
    expect(values(b.value)).toEqual([10, 10, 10]);
  });

  it('axis 1 constrains rows instead', () => {
    const w = new Parameter(
      'weight',
      tensor([
        [3, 4],
        [0.5, 0],
      ]),
    );
    applyMaxNorm([w], 1, { axis: 1 });
    expectClose(values(w.value), [0.6, 0.8, 0.5, 0], { rtol: 1e-5, atol: 1e-6 });
  });

  it('as a fit callback keeps every dense weight within the ball after each step', async () => {
    const big: Optimizer = {
      lr: 1,
      step: (params, grads) => {
        for (const [i, p] of params.entries()) p.assign(p.value.sub(grads[i].mul(50)));
      },
      getState: () => ({ groups: [], slots: new Map() }),
      setState: () => {},
      dispose: () => {},
    };
    const model = nn.sequential(nn.dense(3, 4, { seed: 1 }), nn.relu(), nn.dense(4, 1, { seed: 2 }));
    const data = {
      x: Float32Array.from({ length: 24 }, (_, i) => Math.sin(i)),
      xShape: [8, 3],
      y: Float32Array.from({ length: 8 }, (_, i) => 5 * i),
      yShape: [8, 1],
    };
    await fit(model, data, {
      loss: losses.mse,
      optimizer: big,
      batchSize: 4,
      epochs: 2,
      callbacks: [maxNorm(0.5)],
      verbose: false,
    });
    for (const [name, p] of model.namedParameters()) {
      if (!name.endsWith('weight')) continue;
      for (const n of columnNorms(values(p.value), p.shape[0], p.shape[1])) expect(n).toBeLessThanOrEqual(0.5 + 1e-6);
    }
    model.dispose();
  });

  it('rejects bad input before changing anything', () => {
    const w = new Parameter('weight', tensor([[3], [4]]));
    expect(() => maxNorm(0)).toThrow(ValueError);
    expect(() => applyMaxNorm([w], -1)).toThrow(ValueError);
    expect(() => applyMaxNorm([w], 1, { axis: 2 })).toThrow(ValueError);
    expect(() => applyMaxNorm([w], 1, { filter: ['1.weight'] })).toThrow(/unknown parameter/);
    expect(values(w.value)).toEqual([3, 4]);
  });
});

describe('maxNorm checks its options before any step', () => {
  const bigSteps: Optimizer = {
    lr: 1,
    step: (params, grads) => {
      for (const [i, p] of params.entries()) p.assign(p.value.sub(grads[i].mul(50)));
    },
    getState: () => ({ groups: [], slots: new Map() }),
    setState: () => {},
    dispose: () => {},
  };
  const data = {
    x: Float32Array.from({ length: 24 }, (_, i) => Math.sin(i)),
    xShape: [8, 3],
    y: Float32Array.from({ length: 8 }, (_, i) => 5 * i),
    yShape: [8, 1],
  };
  /** Trains with `cb` and returns the weights before and after, with the error fit rejected with. */
  const train = async (cb: ReturnType<typeof maxNorm>) => {
    const model = nn.sequential(nn.dense(3, 1, { seed: 1 }));
    const before = model.parameters().map((p) => values(p.value));
    const result = await fit(model, data, {
      loss: losses.mse,
      optimizer: bigSteps,
      batchSize: 4,
      epochs: 1,
      callbacks: [cb],
      verbose: false,
    }).catch((e: unknown) => e);
    const after = model.parameters().map((p) => values(p.value));
    model.dispose();
    return { before, after, result };
  };

  it('refuses an unknown option, a malformed axis or a name listed twice when made', () => {
    expect(() => maxNorm(1, { axes: 1 } as never)).toThrow(
      /^maxNorm: unknown option 'axes' \(did you mean axis\?\); the options are axis, filter$/,
    );
    for (const axis of [1.5, '1', [], [0, 0], [0, 0.5], null]) {
      expect(() => maxNorm(1, { axis } as never)).toThrow(
        /^maxNorm: axis must be an integer or a non-empty list of distinct integers \(the axes of one norm\), got /,
      );
      expect(() => applyMaxNorm([], 1, { axis } as never)).toThrow(ValueError);
    }
    expect(() => maxNorm(1, { axis: [0, 0] })).toThrow(/got \[0,0\]$/);
    expect(() => maxNorm(1, { filter: ['0.weight', '0.weight'] })).toThrow(
      /^maxNorm: filter must list each parameter once/,
    );
    expect(maxNorm(1, { axis: [0, 1] }).onBatchEnd).toBeDefined();
  });

  it('an axis beyond a weight’s rank is a ValueError when training begins, before the first step changes anything', async () => {
    const { before, after, result } = await train(maxNorm(1, { axis: 5 }));
    expect(result).toBeInstanceOf(ValueError);
    expect((result as Error).message).toBe(
      'maxNorm: axis 5 is out of range for 0.weight of rank 2: expected axes in [-2, 1]',
    );
    expect(after).toEqual(before);
  });

  it('a filter name that is no trainable parameter is a ValueError when training begins, before the first step', async () => {
    const { before, after, result } = await train(maxNorm(1, { filter: ['1.weight'] }));
    expect(result).toBeInstanceOf(ValueError);
    expect((result as Error).message).toMatch(
      /^maxNorm: unknown parameter "1.weight", got parameters \[0\.weight, 0\.bias\]/,
    );
    expect(after).toEqual(before);
  });

  it('two axes that are the same axis of a weight are refused before any parameter changes', () => {
    // [0, -2] are two axes of the rank-3 weight, listed first, but one axis of the rank-2 weight.
    const a = new Parameter('0.weight', tensor([3, 4], [2, 1, 1]));
    const b = new Parameter('1.weight', tensor([[3, 4, 5]]));
    expect(() => applyMaxNorm([a, b], 1, { axis: [0, -2] })).toThrow(
      /^maxNorm: axis \[0,-2\] names the same axis of 1\.weight \(rank 2\) twice; give each axis once$/,
    );
    expect(values(a.value)).toEqual([3, 4]);
    expect(values(b.value)).toEqual([3, 4, 5]);
    applyMaxNorm([a], 1, { axis: [0, -2] });
    expectClose(values(a.value), [0.6, 0.8], { rtol: 1e-5, atol: 1e-6 });
  });
});

describe('gaussianNoise', () => {
  it('adds N(0, std²) noise in training only', () => {
    const layer = gaussianNoise({ std: 0.5, seed: 4 });
    const y = values(layer.forward(zeros([100, 100])));
    const mean = y.reduce((a, b) => a + b, 0) / y.length;
    const std = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / y.length);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(std - 0.5)).toBeLessThan(0.02);
    const again = gaussianNoise({ std: 0.5, seed: 4 });
    expect(values(again.forward(zeros([100, 100])))).toEqual(y);
    expect(values(again.forward(zeros([100, 100])))).not.toEqual(y);
    const x = ones([2, 2]);
    layer.eval();
    expect(layer.forward(x)).toBe(x);
  });

  it('rejects a negative or missing std', () => {
    expect(() => gaussianNoise({ std: -1 })).toThrow(ValueError);
    expect(() => gaussianNoise({} as never)).toThrow(ValueError);
    expect(() => gaussianNoise(undefined as never)).toThrow(ValueError);
  });
});
