/** Tests of LayerNorm against PyTorch's LayerNorm (golden/layer-norm.json) and its errors. */
import { readFileSync } from 'node:fs';
import { keep, mul, ShapeError, sum, type Tensor, tensor, ValueError, valueAndGrad } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { layerNorm } from '../src/index.js';
import { expectClose, numericGrad, useCpu, values } from './util.js';

useCpu();

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
      expectClose(values(y!), c.y);
      expectClose(values(grads[0]), c.dx);
      expectClose(values(grads[1]), c.dGamma);
      expectClose(values(grads[2]), c.dBeta);
      ln.eval();
      expectClose(values(ln.forward(x)), c.y);
      const numeric = numericGrad((t) => sum(mul(ln.forward(t), dy)), c.x, c.shape, 1e-2);
      expectClose(values(grads[0]), numeric, 5e-3, 5e-3);
    });
  }

  it('rejects a wrong last axis and bad options', () => {
    expect(() => layerNorm(4).forward(tensor([[1, 2, 3]]))).toThrow(ShapeError);
    expect(() => layerNorm(0)).toThrow(ValueError);
    expect(() => layerNorm(3, { eps: -1 })).toThrow(ValueError);
    expect(layerNorm(3, { elementwiseAffine: false }).parameters()).toHaveLength(0);
  });
});
