/** Reverse-mode autodiff: the lecture's examples, the δ recursion, and the tape's bookkeeping. */
import {
  cast,
  customOp,
  DTypeError,
  grad,
  keep,
  liveTensorCount,
  losses,
  matmul,
  memory,
  mul,
  Parameter,
  randomNormal,
  scalar,
  sigmoid,
  square,
  sub,
  sum,
  type Tensor,
  tensor,
  valueAndGrad,
  vjp,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, useCpu } from './setup.js';

beforeAll(useCpu);

describe('valueAndGrad', () => {
  it("gives the lecture's f(x, y, z) = (x + y)·z at (−2, 5, −4): ∂x = −4, ∂y = −4, ∂z = 3", async () => {
    const f = (x: Tensor, y: Tensor, z: Tensor) => x.add(y).mul(z);
    const { value, grads } = valueAndGrad(f)(scalar(-2), scalar(5), scalar(-4));
    expect(await value.item()).toBe(-12);
    expect(await Promise.all(grads.map((g) => g.item()))).toEqual([-4, -4, 3]);
  });

  it('accumulates gradients of a tensor used twice', async () => {
    const [g] = grad((x) => x.mul(x).add(x))(scalar(3));
    expect(await g.item()).toBe(7);
  });

  it('returns zeros for an argument the function does not use', async () => {
    const [, gy] = grad((x) => x.mul(2))(scalar(1), tensor([1, 2]));
    expect(Array.from(await gy.data())).toEqual([0, 0]);
  });

  it('takes second derivatives (d²/dx² of x³ = 6x)', async () => {
    const d1 = (x: Tensor) => grad((u) => u.mul(u).mul(u))(x)[0];
    const [d2] = grad(d1)(scalar(2));
    expect(await d2.item()).toBeCloseTo(12, 5);
  });

  it('rejects a non-scalar output with a ShapeError naming valueAndGrad', () => {
    expect(() => valueAndGrad((x) => x.mul(2))(tensor([1, 2]))).toThrow(
      /valueAndGrad: the function must return a scalar/,
    );
  });

  it('vjp takes a cotangent of the output shape', async () => {
    const { grads } = vjp((x) => x.mul(x), [tensor([1, 2, 3])], tensor([1, 0, 2]));
    expect(Array.from(await grads[0].data())).toEqual([2, 0, 12]);
  });

  it('frees every intermediate: only the value and the gradients remain', () => {
    const x = randomNormal([8, 4], { seed: 1 });
    const w = randomNormal([4, 3], { seed: 2 });
    const before = memory().tensors;
    const { value, grads } = valueAndGrad((a, b) => sum(sigmoid(matmul(a, b)).mul(2)))(x, w);
    expect(memory().tensors).toBe(before + 3);
    value.dispose();
    for (const g of grads) g.dispose();
    expect(memory().tensors).toBe(before);
  });
});

describe("the lecture's δ recursion", () => {
  it('matches autodiff for a sigmoid MLP with squared error', async () => {
    // Two layers, batch of N: a¹ = x, z² = a¹W¹ + b¹, a² = σ(z²), z³ = a²W² + b², a³ = σ(z³).
    const n = 5;
    const x = randomNormal([n, 3], { seed: 10 });
    const y = randomNormal([n, 2], { seed: 11 });
    const w1 = randomNormal([3, 4], { seed: 12 });
    const b1 = randomNormal([4], { seed: 13 });
    const w2 = randomNormal([4, 2], { seed: 14 });
    const b2 = randomNormal([2], { seed: 15 });
    const loss = (W1: Tensor, B1: Tensor, W2: Tensor, B2: Tensor) => {
      const a3 = sigmoid(matmul(sigmoid(matmul(x, W1).add(B1)), W2).add(B2));
      return losses.squaredError(a3, y);
    };
    const { grads } = valueAndGrad(loss)(w1, b1, w2, b2);

    // By hand: δ³ = (a³ − y)·f′(z³) / N, δ² = (δ³W²ᵀ)·f′(z²); ∂J/∂W = aᵀδ, ∂J/∂b = Σₙ δ.
    const a2 = sigmoid(matmul(x, w1).add(b1));
    const a3 = sigmoid(matmul(a2, w2).add(b2));
    const fPrime = (a: Tensor) => a.mul(sub(1, a));
    const d3 = a3.sub(y).mul(fPrime(a3)).div(n);
    const d2 = matmul(d3, w2, { transposeB: true }).mul(fPrime(a2));
    const expected = [
      matmul(x, d2, { transposeA: true }),
      sum(d2, 0),
      matmul(a2, d3, { transposeA: true }),
      sum(d3, 0),
    ];
    for (let i = 0; i < 4; i++) expectClose(await grads[i].data(), await expected[i].data(), 1e-5, 1e-7);
  });
});

describe("grad leaves the caller's tensors alone", () => {
  it('does not dispose an argument or an outside tensor the function returns as it is (it did: a use after free)', async () => {
    const s = tensor([2]);
    const c = keep(tensor(5));
    const p = new Parameter('w', tensor([3]));
    expect(Array.from(await grad((a) => a)(s)[0].data())).toEqual([1]);
    expect(Array.from(await s.data())).toEqual([2]);
    grad(() => c)(tensor(1));
    expect(await c.item()).toBe(5);
    grad((a) => a)(p.value);
    expect(Array.from(await p.value.data())).toEqual([3]);
    // A value the call made is still freed.
    const live = liveTensorCount();
    const [g] = grad((a) => sum(mul(a, a)))(s);
    expect(liveTensorCount()).toBe(live + 1);
    g.dispose();
  });

  it('refuses a non-scalar output before the backward pass, leaving nothing behind (2 tensors leaked per call)', () => {
    const x = tensor([1, 2, 3]);
    const live = liveTensorCount();
    for (let i = 0; i < 3; i++) {
      expect(() => grad((a) => square(a))(x)).toThrow(/^grad: the function must return a scalar, got \[3\]/);
      expect(() => valueAndGrad((a) => square(a))(x)).toThrow(/^valueAndGrad: the function must return a scalar/);
    }
    expect(liveTensorCount()).toBe(live);
  });
});

describe('customOp checks what its functions return', () => {
  /** The gradient of sum(customOp(forward, rule)) at [1, 2, 3] (made in the test: the backend is set in beforeAll). */
  const gradOf = (forward: (a: Tensor) => Tensor, rule: (dy: Tensor) => (Tensor | null)[]) =>
    grad((a) => sum(customOp('c', [a], () => forward(a), rule)))(tensor([1, 2, 3]));

  it('refuses a forward that returns no Tensor and a rule gradient that is no Tensor or not float32 (silent zeros or an int32 gradient before)', () => {
    expect(() =>
      gradOf(
        () => 3 as never,
        (dy) => [dy],
      ),
    ).toThrow(/^customOp\(c\): forward must return a Tensor, got number$/);
    expect(() =>
      gradOf(
        (a) => mul(a, 1),
        () => [2 as never],
      ),
    ).toThrow(/^customOp\(c\): the gradient rule returned number for input 0; return a Tensor or null$/);
    expect(() =>
      gradOf(
        (a) => mul(a, 1),
        (dy) => [cast(dy, 'int32')],
      ),
    ).toThrow(DTypeError);
    expect(
      Array.from(
        gradOf(
          (a) => mul(a, 1),
          (dy) => [mul(dy, 2)],
        )[0].dataSync(),
      ),
    ).toEqual([2, 2, 2]);
  });
});
