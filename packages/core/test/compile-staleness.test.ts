/**
 * compile(fn) never replays a graph that no longer computes what `fn` computes: values read while
 * traced, indices the function computes itself, captured tensors replaced since the trace, and a
 * compiled trainStep's module and parameter flags.
 */

import {
  add,
  argmax,
  cast,
  compile,
  dispose,
  gather,
  greater,
  IndexError,
  InPlaceUpdates,
  keep,
  losses,
  Module,
  memory,
  mul,
  nn,
  oneHot,
  reshape,
  type SgdUpdateAttrs,
  scalar,
  scatterAdd,
  sgdUpdate,
  slice,
  sub,
  type Tensor,
  tensor,
  trainStep,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { PlainSGD } from './optimizers.js';
import { useCpu } from './setup.js';

beforeAll(useCpu);

/** Reads and disposes `t`. */
const values = async (t: Tensor): Promise<number[]> => {
  const r = Array.from(await t.data());
  t.dispose();
  return r;
};
const ints = (v: number[]) => tensor(Int32Array.from(v), [v.length], 'int32');

/** Calls `f(...args)` `n` times (disposing the results) and returns its mode. */
function warm(f: ReturnType<typeof compile<Tensor>>, args: Tensor[], n = 3): string {
  for (let i = 0; i < n; i++) f(...args).dispose();
  return f.mode;
}

describe('compile: tensor values read while traced', () => {
  it('a function that branches on a value it reads runs eagerly (a graph replayed the traced branch)', async () => {
    const f = compile((x: Tensor) => (x.dataSync()[0] > 0 ? mul(x, 2) : mul(x, -1)));
    expect(warm(f, [tensor([1, 1])])).toBe('eager');
    expect(f.reason).toMatch(/reads tensor values while traced \(dataSync\(\) of a float32\[2\] tensor\)/);
    expect(await values(f(tensor([-1, -1])))).toEqual([1, 1]);
    expect(await values(f(tensor([3, 1])))).toEqual([6, 2]);
  });

  it('an index read from a value is read again on every call (a graph replayed a stale index)', async () => {
    const f = compile((x: Tensor) => slice(x, [argmax(x).dataSync()[0]], [1]));
    expect(warm(f, [tensor([5, 1, 2])])).toBe('eager');
    expect(await values(f(tensor([1, 2, 7])))).toEqual([7]);
    expect(await values(f(tensor([1, 9, 7])))).toEqual([9]);
  });

  it('an asynchronous read (data(), item(), array()) while traced runs eagerly too', async () => {
    const seen: number[] = [];
    const f = compile((x: Tensor) => {
      void x.item().then((v) => seen.push(v));
      return mul(x, 2);
    });
    expect(warm(f, [tensor([1])])).toBe('eager');
    expect(f.reason).toMatch(/data\(\), item\(\) or array\(\) of a float32\[1\] tensor/);
    await values(f(tensor([4])));
    await Promise.resolve();
    expect(seen).toEqual([1, 1, 1, 4]);
  });

  it("the index checks of the function's own arguments are not reads: it still compiles", async () => {
    const f = compile((z: Tensor, y: Tensor) => losses.softmaxCrossEntropy(z, y));
    expect(warm(f, [tensor([[1, 2, 3]]), ints([2])])).toBe('graph');
  });
});

describe('compile: index checks of indices the function computes', () => {
  it('labels cast inside the function: the IndexError of the eager call on every call, not a NaN loss', async () => {
    const f = compile((z: Tensor, y: Tensor) => losses.softmaxCrossEntropy(z, cast(y, 'int32')));
    const z = tensor([[1, 2, 3]]);
    expect(warm(f, [z, tensor([1])])).toBe('eager');
    expect(f.reason).toMatch(/softmaxCrossEntropy checks indices the function computes \(int32\[1\]\)/);
    expect(() => f(z, tensor([5]))).toThrow(IndexError);
    expect(() => f(z, tensor([5]))).toThrow(/label 5 at position 0 is out of range \[0, 3\)/);
  });

  it('gather, oneHot and scatterAdd of computed indices throw the eager IndexError on every call', () => {
    const x = tensor([10, 20, 30]);
    const g = compile((t: Tensor, i: Tensor) => gather(t, add(i, 1)));
    expect(warm(g, [x, ints([0, 1])])).toBe('eager');
    expect(() => g(x, ints([2]))).toThrow(/^gather: index 3 at position 0 is out of range \[0, 3\)$/);
    const h = compile((i: Tensor) => oneHot(sub(i, 1), 3));
    expect(warm(h, [ints([1, 3])])).toBe('eager');
    expect(() => h(ints([0]))).toThrow(IndexError);
    const s = compile((u: Tensor, i: Tensor) => scatterAdd(u, add(i, 1), 0, [3]));
    expect(warm(s, [tensor([1, 2]), ints([0, 1])])).toBe('eager');
    expect(() => s(tensor([1, 2]), ints([0, 2]))).toThrow(IndexError);
  });

  it('indices a graph proves in range (argmax along an axis, a cast comparison) stay compiled', async () => {
    const f = compile((x: Tensor) => oneHot(argmax(x), 3));
    expect(warm(f, [tensor([[1, 5, 2]])])).toBe('graph');
    expect(await values(f(tensor([[9, 5, 2]])))).toEqual([1, 0, 0]);
    const g = compile((x: Tensor) => oneHot(cast(greater(x, 0), 'int32'), 2));
    expect(warm(g, [tensor([1, -1])])).toBe('graph');
    // argmax over 3 columns is not in range for 2 classes: that one cannot be proved.
    const h = compile((x: Tensor) => oneHot(argmax(x), 2));
    expect(warm(h, [tensor([[1, 0, 0]])])).toBe('eager');
    expect(() => h(tensor([[0, 0, 1]]))).toThrow(IndexError);
  });

  it('indices held as state are checked on every call', async () => {
    let state = [keep(ints([0]))];
    const held = {
      read: () => state,
      write: (next: readonly Tensor[]) => {
        state.forEach((t, i) => {
          if (t !== next[i]) t.dispose();
        });
        state = next.map(keep);
      },
    };
    const f = compile((x: Tensor) => gather(x, state[0]), { state: [held] });
    const x = tensor([10, 20, 30]);
    expect(warm(f, [x])).toBe('graph');
    state[0].dispose();
    state = [keep(ints([3]))];
    expect(() => f(x)).toThrow(/^gather: index 3 at position 0 is out of range \[0, 3\)$/);
    state[0].dispose();
    state = [keep(ints([2]))];
    expect(await values(f(x))).toEqual([30]);
    expect(f.mode).toBe('graph');
    f.invalidate();
    dispose([x, ...state]);
  });
});

describe('compile: tensors the function captures', () => {
  const x = () => tensor([[1, 2, 3, 4]]);
  const forwardOf = async (model: Module) => values(model.forward(x()));

  it('a compiled forward sees the weights trainStep trained since it was traced', async () => {
    const model = nn.sequential(nn.dense(4, 3, { seed: 1 }));
    const f = compile((t: Tensor) => model.forward(t));
    expect(warm(f, [x()])).toBe('graph');
    const step = trainStep(model, { loss: losses.mse, optimizer: new PlainSGD(0.1), compile: false });
    for (let i = 0; i < 3; i++) await step(x(), tensor([[1, 0, -1]]));
    expect(await values(f(x()))).toEqual(await forwardOf(model));
    expect(f.mode).toBe('tracing');
    expect(warm(f, [x()], 2)).toBe('graph');
    expect(await values(f(x()))).toEqual(await forwardOf(model));
    f.invalidate();
    model.dispose();
  });

  it('a compiled forward sees loadStateDict and Parameter.assign', async () => {
    const model = nn.sequential(nn.dense(4, 3, { seed: 1 }));
    const other = nn.sequential(nn.dense(4, 3, { seed: 7 }));
    const f = compile((t: Tensor) => model.forward(t));
    expect(warm(f, [x()])).toBe('graph');
    model.loadStateDict(other.stateDict());
    expect(await values(f(x()))).toEqual(await forwardOf(other));
    warm(f, [x()]);
    model.parameters()[1].assign(tensor([5, 6, 7]));
    const want = await forwardOf(model);
    expect(want).not.toEqual(await forwardOf(other));
    expect(await values(f(x()))).toEqual(want);
    f.invalidate();
    dispose([model, other]);
  });

  it('a captured tensor is never written in place: an in-place update gives the parameter a new tensor, which is seen', async () => {
    const model = nn.sequential(nn.dense(4, 3, { seed: 1 }));
    const f = compile((t: Tensor) => model.forward(t));
    expect(warm(f, [x()])).toBe('graph');
    const p = model.parameters()[0];
    const before = p.value;
    const attrs: SgdUpdateAttrs = { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: true };
    const batch = new InPlaceUpdates();
    const lr = scalar(0.5);
    const grad = tensor(new Float32Array(12).fill(1), [4, 3]);
    const [next] = sgdUpdate({ param: p.value, grad, lr }, attrs, { inPlace: batch });
    batch.commit();
    // The graph holds a view of the weight: the update ran out of place.
    expect(next).not.toBe(before);
    p.assign(next);
    expect(await values(f(x()))).toEqual(await forwardOf(model));
    f.invalidate();
    dispose([model, lr, grad]);
  });

  it('a captured tensor disposed and replaced is seen; one replaced while still alive only after invalidate()', async () => {
    let w = keep(tensor([1, 2]));
    const f = compile((t: Tensor) => mul(t, w));
    const t = tensor([1, 1]);
    expect(warm(f, [t])).toBe('graph');
    w.dispose();
    w = keep(tensor([3, 4]));
    expect(await values(f(t))).toEqual([3, 4]);
    expect(warm(f, [t])).toBe('graph');
    // Not disposed: nothing tells the graph that the variable now names another tensor.
    const old = w;
    w = keep(tensor([5, 6]));
    expect(await values(f(t))).toEqual([3, 4]);
    f.invalidate();
    expect(await values(f(t))).toEqual([5, 6]);
    f.invalidate();
    dispose([old, w, t]);
  });

  it('a view made inside the function of a tensor from outside it runs eagerly', async () => {
    let w = keep(tensor([[1, 2]]));
    const f = compile((t: Tensor) => mul(t, reshape(w, [2])));
    const t = tensor([1, 1]);
    expect(warm(f, [t])).toBe('eager');
    expect(f.reason).toMatch(
      /a float32\[2\] view, made during the call \(reshape, flatten, stopGradient…\), of a tensor from outside/,
    );
    const view = keep(reshape(w, [2])); // someone else holding the old storage
    w.dispose();
    w = keep(tensor([[3, 4]]));
    expect(await values(f(t))).toEqual([3, 4]);
    dispose([view, w, t]);
  });

  it('retracing after a replacement frees the graph that held the old weights', async () => {
    const model = nn.sequential(nn.dense(4, 3, { seed: 1 }));
    const f = compile((t: Tensor) => model.forward(t));
    const input = x();
    const cycle = () => {
      warm(f, [input], 3);
      model.parameters()[0].assign(tensor(new Float32Array(12).fill(Math.random()), [4, 3]));
    };
    cycle();
    cycle();
    const before = memory().handles;
    for (let i = 0; i < 3; i++) cycle();
    expect(memory().handles).toBe(before);
    f.invalidate();
    dispose([model, input]);
  });
});

describe('compiled trainStep: parameter and module flags set after the graph is built', () => {
  /** Doubles its input in training mode, passes it through in evaluation mode (as dropout would differ). */
  class TrainOnlyDouble extends Module {
    forward(t: Tensor): Tensor {
      return this.training ? mul(t, 2) : add(t, 0);
    }
  }
  const xs = () =>
    tensor([
      [1, 2, 3, 4],
      [0, 1, 0, 1],
    ]);
  const ys = () =>
    tensor([
      [1, 0],
      [0, 1],
    ]);

  async function run(compiled: boolean, change: (model: Module) => void) {
    const model = nn.sequential(nn.dense(4, 3, { seed: 1 }), new TrainOnlyDouble(), nn.dense(3, 2, { seed: 2 }));
    const step = trainStep(model, { loss: losses.mse, optimizer: new PlainSGD(0.02), compile: compiled });
    const out: number[] = [];
    for (let i = 0; i < 3; i++) out.push((await step(xs(), ys())).loss);
    const mode = step.mode;
    change(model);
    for (let i = 0; i < 3; i++) out.push((await step(xs(), ys())).loss);
    const weights = await Promise.all(model.parameters().map(async (p) => Array.from(await p.value.data())));
    step.dispose();
    model.dispose();
    return { out, weights, mode, after: step.mode };
  }

  it('freezing a parameter leaves it unchanged, as in an eager step (the graph kept updating it)', async () => {
    const freeze = (m: Module) => {
      m.parameters()[0].trainable = false;
    };
    const eager = await run(false, freeze);
    const compiled = await run(true, freeze);
    expect(compiled.mode).toBe('graph');
    expect(compiled.weights).toEqual(eager.weights);
    expect(compiled.out).toEqual(eager.out);
  });

  it('eval() runs the evaluation-mode forward, as in an eager step (the graph kept the training one)', async () => {
    const toEval = (m: Module) => {
      m.eval();
    };
    const eager = await run(false, toEval);
    const compiled = await run(true, toEval);
    expect(compiled.mode).toBe('graph');
    expect(compiled.out).toEqual(eager.out);
    expect(compiled.weights).toEqual(eager.weights);
  });
});

describe('arguments and state that share one storage', () => {
  it('run eagerly with the reason (they were a ValueError): compile(f)(x, view of x)', async () => {
    const x = tensor([1, 2, 3, 4]);
    const f = compile((a: Tensor, b: Tensor) => add(a, mul(b, 10)));
    for (let i = 0; i < 3; i++) {
      const y = f(x, reshape(x, [4]));
      expect(Array.from(await y.data())).toEqual([11, 22, 33, 44]);
      y.dispose();
    }
    expect(f.mode).toBe('eager');
    expect(f.reason).toMatch(/share one storage/);
    x.dispose();
  });

  it('a model whose two parameters are built on one value trains eagerly under compile, as an eager step does', async () => {
    class Twin extends Module {
      readonly a: ReturnType<Module['parameter']>;
      readonly b: ReturnType<Module['parameter']>;
      constructor() {
        super();
        this.a = this.parameter('a', tensor([[0.5, -1]]));
        this.b = this.parameter('b', this.a.value); // a view: the two train independently
      }
      forward(t: Tensor): Tensor {
        return add(mul(t, this.a.value), mul(t, mul(this.b.value, 3)));
      }
    }
    const run = async (compiled: boolean) => {
      const model = new Twin();
      const step = trainStep(model, { loss: losses.mse, optimizer: new PlainSGD(0.05), compile: compiled });
      const losses_: number[] = [];
      for (let i = 0; i < 4; i++) losses_.push((await step(tensor([[1, 2]]), tensor([[1, 1]]))).loss);
      const weights = await Promise.all(model.parameters().map(async (p) => Array.from(await p.value.data())));
      const mode = step.mode;
      step.dispose();
      model.dispose();
      return { losses_, weights, mode };
    };
    const eager = await run(false);
    const compiled = await run(true);
    expect(compiled.mode).toBe('eager');
    expect(compiled.losses_).toEqual(eager.losses_);
    expect(compiled.weights).toEqual(eager.weights);
    expect(eager.weights[0]).not.toEqual(eager.weights[1]);
  });
});
