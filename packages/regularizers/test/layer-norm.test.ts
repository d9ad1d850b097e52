/** Tests of LayerNorm against PyTorch's LayerNorm (golden/layer-norm.json) and its errors. */
import { readFileSync } from 'node:fs';
import { cpu } from '@backprop/backend-cpu';
import { keep, mul, ShapeError, sum, type Tensor, tensor, tidy, ValueError, valueAndGrad } from '@backprop/core';
import { expectClose, numericGrad, useBackend } from '@backprop/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { layerNorm } from '../src/index.js';
import { values } from './util.js';

beforeAll(useBackend(cpu));

interface Case {
  name: string;
  eps: number;
  shape: number[];
  gamma: number[];
  beta: number[];
  x: number[];
  dy: number[];
  y: number[];
  dx: number[];
  dGamma: number[];
  dBeta: number[];
}
const golden: { cases: Case[] } = JSON.parse(
  readFileSync(new URL('./golden/layer-norm.json', import.meta.url), 'utf8'),
);

describe('LayerNorm matches PyTorch', () => {
  for (const c of golden.cases) {
    it(`${c.name}: forward and backward, the same in evaluation`, () => {
      const ln = layerNorm(c.shape[c.shape.length - 1], { eps: c.eps });
      ln.weight!.assign(tensor(c.gamma));
      ln.bias!.assign(tensor(c.beta));
      const x = tensor(c.x, c.shape);
      const dy = tensor(c.dy, c.shape);
      let y: Tensor | undefined;
      const { grads } = valueAndGrad((xx) => {
        y = keep(ln.forward(xx));
        return sum(mul(y, dy));
      })(x, ln.weight!.value, ln.bias!.value);
      expectClose(values(y!), c.y, { atol: 1e-5 });
      expectClose(values(grads[0]), c.dx, { atol: 1e-5 });
      expectClose(values(grads[1]), c.dGamma, { atol: 1e-5 });
      expectClose(values(grads[2]), c.dBeta, { atol: 1e-5 });
      ln.eval();
      expectClose(values(ln.forward(x)), c.y, { atol: 1e-5 });
      const loss = (v: Float64Array) =>
        tidy(() => sum(mul(ln.forward(tensor(Float32Array.from(v), c.shape)), dy)).dataSync()[0]);
      const numeric = numericGrad(loss, c.x, { eps: 1e-2 });
      expectClose(values(grads[0]), numeric, { rtol: 5e-3, atol: 5e-3 });
    });
  }

  it('rejects a wrong last axis and bad options', () => {
    expect(() => layerNorm(4).forward(tensor([[1, 2, 3]]))).toThrow(ShapeError);
    expect(() => layerNorm(0)).toThrow(ValueError);
    expect(() => layerNorm(3, { eps: -1 })).toThrow(ValueError);
    expect(layerNorm(3, { elementwiseAffine: false }).parameters()).toHaveLength(0);
  });

  it('elementwiseAffine must be true or false (0 used to turn it off, the string "false" on)', () => {
    expect(() => layerNorm(3, { elementwiseAffine: 'false' as never })).toThrow(
      /^layerNorm: elementwiseAffine must be true or false, got "false"$/,
    );
    expect(() => layerNorm(3, { elementwiseAffine: 0 as never })).toThrow(
      /^layerNorm: elementwiseAffine must be true or false, got 0$/,
    );
  });
});
