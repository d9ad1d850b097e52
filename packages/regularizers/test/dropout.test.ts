/** Tests of dropout: statistics and scaling, evaluation identity, seeded masks equal to core's Philox stream, gradients and errors. */
import { cpu } from '@backprop/backend-cpu';
import {
  bernoulli,
  blocksFor,
  keyFromSeed,
  manualSeed,
  nn,
  ones,
  philoxUniform,
  sum,
  tensor,
  ValueError,
  valueAndGrad,
} from '@backprop/core';
import { useBackend } from '@backprop/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dropout, dropout, dropoutFn } from '../src/index.js';
import { values } from './util.js';

beforeAll(useBackend(cpu));

describe('dropout layer', () => {
  it('drops about `drop` of the units and scales the rest by 1/(1 − drop)', () => {
    const layer = dropout({ drop: 0.3 }, { seed: 11 });
    const y = values(layer.forward(ones([200, 100])));
    const zeros = y.filter((v) => v === 0).length / y.length;
    expect(Math.abs(zeros - 0.3)).toBeLessThan(0.015);
    const scale = Math.fround(1 / 0.7);
    expect(y.every((v) => v === 0 || v === scale)).toBe(true);
    const mean = y.reduce((a, b) => a + b, 0) / y.length;
    expect(Math.abs(mean - 1)).toBeLessThan(0.03);
  });

  it('is the identity in evaluation and for drop 0', () => {
    const x = tensor([[1, 2, 3]]);
    const layer = dropout(0.5);
    layer.eval();
    expect(layer.forward(x)).toBe(x);
    expect(dropout(0).forward(x)).toBe(x);
    const model = nn.sequential(nn.dense(3, 2, { seed: 0 }), dropout(0.9));
    model.eval();
    expect(values(model.forward(x))).toEqual(values(model.layers[0].forward(x)));
    model.dispose();
  });

  it('names the rate unambiguously: a number or { drop } is the drop rate, { keep } the keep probability', () => {
    expect(dropout(0.2).drop).toBe(0.2);
    expect(dropout({ drop: 0.2 }).keep).toBe(0.8);
    expect(dropout({ keep: 0.8 }).drop).toBeCloseTo(0.2, 15);
    expect(dropout({ keep: 1 }).drop).toBe(0);
  });

  it('a seeded layer draws core Philox stream under its seed, continuing call after call', () => {
    const shape = [7, 9];
    const n = 63;
    const a = new Dropout({ drop: 0.4 }, { seed: 42 });
    const b = new Dropout({ drop: 0.4 }, { seed: 42 });
    const x = ones(shape);
    const first = values(a.forward(x));
    expect(values(b.forward(x))).toEqual(first);
    const second = values(a.forward(x));
    expect(second).not.toEqual(first);
    // The reference: the host Philox that every backend must reproduce bit for bit.
    const key = keyFromSeed(42);
    const keepOf = (u: Float32Array) => Array.from(u, (v) => (v < Math.fround(0.6) ? 1 : 0));
    expect(first.map((v) => (v > 0 ? 1 : 0))).toEqual(keepOf(philoxUniform(key, 0, n)));
    expect(second.map((v) => (v > 0 ? 1 : 0))).toEqual(keepOf(philoxUniform(key, blocksFor(n), n)));
  });

  it('an unseeded layer follows the global generator (manualSeed)', () => {
    const layer = dropout(0.5);
    const x = ones([10, 10]);
    manualSeed(5);
    const a = values(layer.forward(x));
    manualSeed(5);
    expect(values(layer.forward(x))).toEqual(a);
  });

  it('passes the gradient through kept units only, scaled by 1/keep', () => {
    const layer = dropout({ keep: 0.5 }, { seed: 3 });
    const x = tensor([[1, -2, 3, 4, 5, -6, 7, 8]]);
    const y = values(new Dropout({ keep: 0.5 }, { seed: 3 }).forward(x));
    const { grads } = valueAndGrad((t) => sum(layer.forward(t)))(x);
    expect(values(grads[0])).toEqual(y.map((v) => (v === 0 ? 0 : 2)));
  });
});

describe('dropoutFn', () => {
  it('with a seed uses bernoulli(shape, keep, { seed }); training false is the identity', () => {
    const x = ones([5, 8]);
    const y = values(dropoutFn(x, { drop: 0.25, seed: 9 }));
    const mask = values(bernoulli([5, 8], 0.75, { seed: 9 }));
    expect(y).toEqual(mask.map((m) => m * Math.fround(1 / 0.75)));
    expect(values(dropoutFn(x, { keep: 0.75, seed: 9 }))).toEqual(y);
    expect(dropoutFn(x, { drop: 0.25, training: false })).toBe(x);
  });
});

describe('dropout errors', () => {
  it('rejects rates outside [0, 1), keep outside (0, 1], both or neither', () => {
    for (const bad of [-0.1, 1, 1.5, Number.NaN]) {
      expect(() => dropout(bad)).toThrow(ValueError);
      expect(() => dropout({ drop: bad })).toThrow(ValueError);
    }
    for (const bad of [0, -1, 1.1]) expect(() => dropout({ keep: bad })).toThrow(ValueError);
    expect(() => dropout({ drop: 0.1, keep: 0.9 } as never)).toThrow(/exactly one/);
    expect(() => dropout({} as never)).toThrow(ValueError);
    expect(() => dropout('0.5' as never)).toThrow(ValueError);
    expect(() => dropout(0.5, { seed: -1 })).toThrow(ValueError);
    const x = ones([2]);
    expect(() => dropoutFn(x, { drop: 1 })).toThrow(ValueError);
    expect(() => dropoutFn(x, {} as never)).toThrow(ValueError);
  });

  it('refuses anything but drop or keep in the rate object (a seed there was ignored, masks came from the global generator)', () => {
    expect(() => dropout({ drop: 0.3, seed: 5 } as never)).toThrow(
      'dropout: a rate object holds only drop or keep, got seed; seed is an option: pass options as the second argument, e.g. dropout({ drop: 0.3 }, { seed: 5 })',
    );
    expect(() => dropout({ keep: 0.8, p: 0.2 } as never)).toThrow(
      'dropout: a rate object holds only drop or keep, got p',
    );
  });
});

describe('dropoutFn options', () => {
  it('training must be true or false (the string "false" used to drop units)', () => {
    const x = ones([4]);
    expect(() => dropoutFn(x, { drop: 0.5, training: 'false' as never })).toThrow(
      /^dropoutFn: training must be true or false, got "false"$/,
    );
    expect(() => dropoutFn(x, { drop: 0.5, training: 0 as never })).toThrow(ValueError);
    expect(dropoutFn(x, { drop: 0.5, training: false })).toBe(x);
  });

  it("refuses an option it does not have, naming drop for Keras' rate", () => {
    expect(() => dropoutFn(tensor([1, 2]), { drop: 0.5, rate: 0.5 } as never)).toThrow(
      /^dropoutFn: unknown option 'rate' \(did you mean drop\?\); the options are drop, keep, training, seed$/,
    );
  });
});
