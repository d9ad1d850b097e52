/**
 * Gradient rules compute only the gradients the backward pass uses: a layer whose input is data
 * gets no input gradient (a fifth of an MLP step's matmul work), and a constant operand of an
 * elementwise op costs no work. Every gradient that is computed matches the full computation.
 */
import {
  customOp,
  grad,
  greater,
  losses,
  matmul,
  mul,
  nn,
  observeKernels,
  randomNormal,
  ShapeError,
  scalar,
  sum,
  type Tensor,
  tensor,
  trainStep,
  valueAndGrad,
  where,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { PlainSGD } from './optimizers.js';
import { useCpu } from './setup.js';

beforeAll(useCpu);

/** Runs `fn`, returning the output shapes of every kernel named `name` it dispatched. */
async function dispatched(name: string, fn: () => Promise<unknown> | unknown): Promise<number[][]> {
  const shapes: number[][] = [];
  const stop = observeKernels((kernel, _inputs, _attrs, output) => {
    if (kernel === name) shapes.push([...output.shape]);
  });
  try {
    await fn();
  } finally {
    stop();
  }
  return shapes;
}

describe('the training step', () => {
  it("computes no gradient for the input data: 5 backward matmuls for a 3-layer MLP, none of x's shape", async () => {
    const model = nn.sequential(
      nn.dense(6, 5, { seed: 1 }),
      nn.relu(),
      nn.dense(5, 4, { seed: 2 }),
      nn.relu(),
      nn.dense(4, 3, { seed: 3 }),
    );
    const step = trainStep(model, { loss: losses.softmaxCrossEntropy, optimizer: new PlainSGD(0.1), compile: false });
    const x = randomNormal([7, 6], { seed: 4 });
    const y = tensor([0, 1, 2, 0, 1, 2, 0], [7], 'int32');
    const shapes = await dispatched('matmul', () => step(x, y));
    // Weight gradients of all three layers, input gradients of layers 2 and 3 only.
    expect(shapes).toHaveLength(5);
    expect(shapes.filter((s) => s[0] === 7 && s[1] === 6)).toEqual([]);
  });

  it('still gives the input gradient when the input is an argument of the gradient', async () => {
    const model = nn.sequential(nn.dense(3, 2, { seed: 1 }));
    const x = randomNormal([4, 3], { seed: 2 });
    const [w, b] = model.parameters().map((p) => p.value);
    const [gx] = grad((xx: Tensor) => sum(model.forward(xx)))(x);
    // ∂/∂x Σ(xW + b) = 1·Wᵀ in every row.
    const wt = await w.data();
    const expected = Array.from({ length: 12 }, (_, i) => wt[(i % 3) * 2] + wt[(i % 3) * 2 + 1]);
    expect(Array.from(await gx.data())).toEqual(expected.map((v) => Math.fround(v)));
    void b;
  });
});

describe('matmul', () => {
  const cases: [boolean, boolean][] = [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ];
  for (const [transposeA, transposeB] of cases) {
    it(`transposeA ${transposeA}, transposeB ${transposeB}: one-sided gradients equal the two-sided ones, one matmul each`, async () => {
      const a = randomNormal(transposeA ? [4, 3] : [3, 4], { seed: 1 });
      const b = randomNormal(transposeB ? [5, 4] : [4, 5], { seed: 2 });
      const f = (x: Tensor, z: Tensor) =>
        sum(mul(matmul(x, z, { transposeA, transposeB }), randomNormal([3, 5], { seed: 3 })));
      const both = valueAndGrad(f)(a, b).grads;
      let onlyA: Tensor[] = [];
      let onlyB: Tensor[] = [];
      const aShapes = await dispatched('matmul', () => {
        onlyA = grad((x: Tensor) => f(x, b))(a);
      });
      const bShapes = await dispatched('matmul', () => {
        onlyB = grad((z: Tensor) => f(a, z))(b);
      });
      expect(aShapes).toHaveLength(2); // the forward and ∂a
      expect(bShapes).toHaveLength(2); // the forward and ∂b
      expect(Array.from(await onlyA[0].data())).toEqual(Array.from(await both[0].data()));
      expect(Array.from(await onlyB[0].data())).toEqual(Array.from(await both[1].data()));
    });
  }
});

describe('elementwise and custom ops', () => {
  it('mul by a constant computes one product backward, not two', async () => {
    const c = tensor([2, 3]);
    const muls = await dispatched('mul', async () => {
      const [g] = grad((x: Tensor) => sum(mul(x, c)))(tensor([5, 7]));
      expect(Array.from(await g.data())).toEqual([2, 3]);
    });
    expect(muls).toHaveLength(2); // the forward and dy·c
  });

  it("where's unused branch costs nothing", async () => {
    const c = tensor([1, -1]);
    const wheres = await dispatched('where', async () => {
      const [g] = grad((x: Tensor) => sum(where(greater(c, 0), x, tensor([9, 9]))))(tensor([5, 7]));
      expect(Array.from(await g.data())).toEqual([1, 0]);
    });
    expect(wheres).toHaveLength(2); // the forward and the watched branch's gradient
  });

  it("tells a custom op's rule which inputs need a gradient", async () => {
    const seen: boolean[][] = [];
    const c = tensor([4]);
    const op = (x: Tensor, k: Tensor) =>
      customOp(
        'scaled',
        [x, k],
        () => mul(x, k),
        (dy, _y, needs) => {
          seen.push([...needs]);
          return [needs[0] ? mul(dy, k) : null, needs[1] ? mul(dy, x) : null];
        },
      );
    const [g] = grad((x: Tensor) => sum(op(x, c)))(tensor([3]));
    expect(await g.data()).toEqual(new Float32Array([4]));
    const [gk] = grad((k: Tensor) => sum(op(tensor([3]), k)))(c);
    expect(await gk.data()).toEqual(new Float32Array([3]));
    expect(seen).toEqual([
      [true, false],
      [false, true],
    ]);
  });

  it("a custom op's gradient of another shape than its input is a ShapeError naming the op (it broadcast into the sum)", () => {
    const twice = (x: Tensor) =>
      customOp(
        'twice',
        [x],
        () => mul(x, 2),
        () => [tensor([2])],
      );
    expect(() => grad((x: Tensor) => sum(twice(x)))(tensor([1, 2, 3]))).toThrow(
      new ShapeError('twice: gradient rule returned shape [1] for input 0 of shape [3]'),
    );
    // Used twice, its wrong gradient was added to the right one by broadcasting.
    expect(() => grad((x: Tensor) => sum(mul(twice(x), x)))(tensor([1, 2, 3]))).toThrow(ShapeError);
  });

  it('second derivatives through a rule that skipped an input are right: ∂/∂x (∂/∂w x·w²) = 2w', async () => {
    const w0 = scalar(3);
    const [g] = grad((x: Tensor) => grad((w: Tensor) => mul(mul(x, w), w))(w0)[0])(scalar(5));
    expect(await g.item()).toBe(6);
  });
});
