/** Modules: parameters in declaration order, initializers, modes and state dicts. */
import {
  DTypeError,
  fit,
  Generator,
  losses,
  nn,
  type Parameter,
  randomUniform,
  ShapeError,
  type Tensor,
  tensor,
  tidy,
  ValueError,
  zeros,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { PlainSGD } from './optimizers.js';
import { useCpu } from './setup.js';

beforeAll(useCpu);

describe('nn', () => {
  it('names parameters by path in declaration order', () => {
    const m = nn.sequential(nn.dense(4, 3), nn.relu(), nn.dense(3, 2, { bias: false }));
    expect(m.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ['0.weight', [4, 3]],
      ['0.bias', [3]],
      ['2.weight', [3, 2]],
    ]);
  });

  it.each([
    ['torchDefault', 1 / Math.sqrt(100)],
    ['glorotUniform', Math.sqrt(6 / 150)],
    ['heUniform', Math.sqrt(6 / 100)],
  ] as const)('initializes %s within its bound', async (init, bound) => {
    const w = await nn.dense(100, 50, { weightInit: init, seed: 3 }).weight.value.data();
    const max = Math.max(...Array.from(w, Math.abs));
    expect(max).toBeLessThanOrEqual(bound);
    expect(max).toBeGreaterThan(0.9 * bound);
  });

  it('initializes He normal with std √(2/fan_in)', async () => {
    const w = await nn.dense(400, 100, { weightInit: 'heNormal', seed: 4 }).weight.value.data();
    const std = Math.sqrt(Array.from(w).reduce((s, v) => s + v * v, 0) / w.length);
    expect(std).toBeCloseTo(Math.sqrt(2 / 400), 2);
  });

  it('gives the same weights for the same seed', async () => {
    const a = await nn.dense(5, 5, { seed: 9 }).weight.value.data();
    const b = await nn.dense(5, 5, { seed: 9 }).weight.value.data();
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('switches train and eval mode recursively', () => {
    const inner = nn.dense(2, 2);
    const m = nn.sequential(inner, nn.tanh());
    m.eval();
    expect(inner.training).toBe(false);
    m.train();
    expect(inner.training).toBe(true);
  });

  it('round-trips a state dict and rejects mismatches', async () => {
    const a = nn.sequential(nn.dense(3, 2, { seed: 1 }));
    const b = nn.sequential(nn.dense(3, 2, { seed: 2 }));
    b.loadStateDict(a.stateDict());
    expect(Array.from(await b.parameters()[0].value.data())).toEqual(Array.from(await a.parameters()[0].value.data()));
    expect(() => b.loadStateDict(new Map([['0.weight', zeros([3, 2])]]))).toThrow(/missing \[0.bias\]/);
    expect(() =>
      b.loadStateDict(
        new Map([
          ['0.weight', zeros([2, 3])],
          ['0.bias', zeros([2])],
        ]),
      ),
    ).toThrow(ShapeError);
  });

  it('loads a plain object as a Map, and checks every value before copying any (it crashed, or stopped half loaded)', async () => {
    const a = nn.sequential(nn.dense(3, 2, { seed: 1 }));
    const b = nn.sequential(nn.dense(3, 2, { seed: 2 }));
    b.loadStateDict(Object.fromEntries(a.stateDict()));
    expect(Array.from(await b.parameters()[1].value.data())).toEqual(Array.from(await a.parameters()[1].value.data()));
    const c = nn.sequential(nn.dense(3, 2, { seed: 3 }));
    const before = await Promise.all(c.parameters().map((p) => p.value.data()));
    const gone = zeros([2]);
    gone.dispose();
    expect(() => c.loadStateDict({ '0.weight': zeros([3, 2]), '0.bias': gone })).toThrow(/loadStateDict \(0\.bias\)/);
    expect(() => c.loadStateDict({ '0.weight': zeros([3, 2]), '0.bias': new Float32Array(2) as never })).toThrow(
      /loadStateDict: 0\.bias must be a Tensor, got/,
    );
    expect(() => c.loadStateDict(zeros([2]) as never)).toThrow(/expected a Map or an object of tensors by name/);
    // Nothing was copied: the first value was fine, the second was not.
    expect(await Promise.all(c.parameters().map((p) => p.value.data()))).toEqual(before);
  });

  it('rejects bad layer sizes, wrong inputs and wrong assignments', () => {
    expect(() => nn.dense(0, 3)).toThrow(ValueError);
    expect(() => nn.dense(3, 2).forward(zeros([4, 5]))).toThrow(/dense: expected input \[\.\.\., 3\], got \[4,5\]/);
    const p = nn.dense(2, 2).weight;
    expect(() => p.assign(zeros([3]))).toThrow(ShapeError);
    expect(() => p.assign(tensor(new Int32Array(4), [2, 2]))).toThrow(DTypeError);
    expect(() => nn.dense(2, 2, { weightInit: 'nope' as 'zeros' })).toThrow(/unknown initializer "nope"/);
  });

  it('checks what a custom initializer returns, and what a parameter is given (it failed later, or untyped)', () => {
    // The wrong shape used to surface at the first forward pass, as a matmul's error.
    expect(() => nn.dense(2, 3, { weightInit: () => zeros([3, 2]) })).toThrow(
      new ShapeError('dense: the initializer returned shape [3,2], expected [2,3]'),
    );
    expect(() => nn.dense(2, 3, { weightInit: (s) => zeros(s, 'int32') })).toThrow(
      new DTypeError('dense: the initializer returned dtype int32, expected float32'),
    );
    expect(() => nn.dense(2, 3, { weightInit: () => [1, 2, 3, 4, 5, 6] as never })).toThrow(
      'dense: the initializer must return a Tensor of shape [2,3], got [1,2,3,4,5,6]',
    );
    const d = nn.dense(2, 1);
    expect(() => d.weight.assign([1, 2] as never)).toThrow(
      new ValueError('Parameter.assign: weight takes a Tensor, got [1,2]'),
    );
  });
});

describe('two copies of @backprop/core', () => {
  it('an object of another copy is named as such, not just "not a Module" or "not a Tensor"', async () => {
    const { coreCopies, exp, nn } = await import('@backprop/core');
    // What another copy's objects look like from here: the shared brand, another prototype.
    const foreignModule = { [Symbol.for('@backprop/core:Module')]: true, forward: (x: unknown) => x };
    const foreignTensor = { [Symbol.for('@backprop/core:Tensor')]: true };
    expect(() => nn.sequential(foreignModule as never)).toThrow(
      /layer 0 is not a Module, got object; it is a Module of another copy of @backprop\/core/,
    );
    expect(() => exp(foreignTensor as never)).toThrow(/another copy of @backprop\/core \(\d+ copies are loaded\)/);
    expect(() => nn.sequential({} as never)).toThrow(/is not a Module, got object$/);
    expect(coreCopies()).toBeGreaterThanOrEqual(1);
  });
});

describe('errors inside a sequential model', () => {
  it('name the layer (index and kind) and keep their class', () => {
    const model = nn.sequential(nn.dense(4, 3), nn.relu(), nn.dense(5, 2));
    const x = zeros([2, 4]);
    let caught: unknown;
    try {
      model.forward(x);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ShapeError);
    expect((caught as Error).message).toMatch(/^layer 2 \(Dense\): dense: /);
    expect((caught as Error).stack).toMatch(/^ShapeError: layer 2 \(Dense\): dense: /);
    x.dispose();
    model.dispose();
  });

  it('nested models give the path, outermost first; activations go by their name', () => {
    const inner = nn.sequential(nn.relu(), nn.dense(3, 2));
    const model = nn.sequential(nn.dense(2, 4), inner);
    expect(() => model.forward(zeros([1, 2]))).toThrow(/^layer 1 \(Sequential\): layer 1 \(Dense\): dense: /);
    model.dispose();
  });
});

describe('values in error messages', () => {
  it('print as JSON would: a string is quoted, NaN by name', () => {
    expect(() => nn.dense('4' as never, 2)).toThrow(/must be a positive integer, got "4"/);
    expect(() => nn.dense(2, Number.NaN)).toThrow(/units must be a positive integer, got NaN/);
  });
});

describe('a module used twice (shared weights)', () => {
  it('lists its parameters once, so they are counted, saved and trained once', async () => {
    const d = nn.dense(2, 2, { seed: 1 });
    const model = nn.sequential(d, nn.tanh(), d);
    // PyTorch's named_parameters() lists a shared module once too; counting it twice made fit
    // fail ("appears twice") and doubled summaries and weight penalties.
    expect(model.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias']);
    expect(model.parameters()).toEqual([d.weight, d.bias]);
    expect(model.summary().parameters).toBe(6);
    expect([...model.stateDict().keys()]).toEqual(['0.weight', '0.bias']);
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    const y = tensor([
      [0, 1],
      [1, 0],
    ]);
    // One SGD step moves each shared weight by −lr × dL/dw, the derivative through both uses
    // (central differences here, in float64 from the float32 weights).
    const params: Parameter[] = [d.weight, d.bias as Parameter];
    const lossWith = (p: Parameter, w: Float64Array): number => {
      const before = p.value.dataSync().slice();
      p.assign(tensor(Float32Array.from(w), p.shape));
      const l = tidy(() => losses.mse(model.forward(x), y).dataSync()[0]);
      p.assign(tensor(before, p.shape));
      return l;
    };
    const start = params.map((p) => Float64Array.from(p.value.dataSync()));
    const numeric = params.map((p, k) =>
      Array.from(start[k], (_, i) => {
        const [plus, minus] = [Float64Array.from(start[k]), Float64Array.from(start[k])];
        plus[i] += 1e-2;
        minus[i] -= 1e-2;
        return (lossWith(p, plus) - lossWith(p, minus)) / (Math.fround(plus[i]) - Math.fround(minus[i]));
      }),
    );
    await fit(model, x, y, { loss: losses.mse, optimizer: new PlainSGD(0.1), epochs: 1, verbose: false });
    params.forEach((p, k) => {
      p.value.dataSync().forEach((v, i) => expect(v).toBeCloseTo(start[k][i] - 0.1 * numeric[k][i], 3));
    });
    model.dispose();
  });
});

describe('initializer names', () => {
  it("are the library's own names only ('valueOf' or 'constructor' found Object's methods)", () => {
    for (const name of ['valueOf', 'constructor', 'hasOwnProperty', '__proto__'])
      expect(() => nn.dense(3, 2, { weightInit: name as 'heNormal' })).toThrow(
        new RegExp(`unknown initializer "${name}"; expected one of `),
      );
    expect(nn.dense(3, 2, { weightInit: 'heNormal' }).weight.shape).toEqual([3, 2]);
  });

  it("dense's bias flag must be true or false (the string 'false' added a bias)", () => {
    expect(() => nn.dense(3, 2, { bias: 'false' as never })).toThrow(
      /^dense: bias must be true or false, got "false"$/,
    );
    expect(nn.dense(3, 2, { bias: false }).bias).toBeUndefined();
  });
});

describe('a seeded dense layer', () => {
  it("draws its bias after its weight from its own stream, sharing no draws with the next seed's layer", () => {
    const a = nn.dense(4, 4, { seed: 0 });
    const b = nn.dense(4, 4, { seed: 1 });
    const bias = Array.from(a.bias?.value.dataSync() ?? []);
    // The bias used to start seed 1's stream: it equalled the first row of the next layer's weight.
    expect(bias).not.toEqual(Array.from(b.weight.value.dataSync().slice(0, 4)));
    // The weight, then the bias, of one stream: what randomUniform draws from a generator of that seed.
    const generator = new Generator(0);
    const limit = 1 / Math.sqrt(4);
    const w = randomUniform([4, 4], { low: -limit, high: limit, generator });
    const bb = randomUniform([4], { low: -limit, high: limit, generator });
    expect(Array.from(a.weight.value.dataSync())).toEqual(Array.from(w.dataSync()));
    expect(bias).toEqual(Array.from(bb.dataSync()));
    // Reproducible, and the weight is what seed 0 gave before.
    expect(Array.from(nn.dense(4, 4, { seed: 0 }).bias?.value.dataSync() ?? [])).toEqual(bias);
    expect(Array.from(a.weight.value.dataSync())).toEqual(
      Array.from(randomUniform([4, 4], { low: -limit, high: limit, seed: 0 }).dataSync()),
    );
  });
});

describe('names of parameters, buffers, sub-modules and generators', () => {
  class Leaf extends nn.Module {
    p: Parameter;
    constructor(name: string, v: number) {
      super();
      this.p = this.parameter(name, tensor([v]));
    }
    forward(x: Tensor): Tensor {
      return x;
    }
  }
  /** A module whose constructor runs `f` on public wrappers of the protected declarations. */
  class Open extends nn.Module {
    constructor(f: (m: Open) => void) {
      super();
      f(this);
    }
    p(name: unknown, v: Tensor) {
      return this.parameter(name as string, v);
    }
    b(name: string, v: Tensor) {
      return this.buffer(name, v);
    }
    c(name: string, m: nn.Module) {
      return this.child(name, m);
    }
    g(name: string, gen: Generator) {
      return this.generator(name, gen);
    }
    forward(x: Tensor): Tensor {
      return x;
    }
  }
  const declare = (f: (m: Open) => void) => () => new Open(f);

  it('refuses a "." or an empty name, which could make two paths the same and drop one from every checkpoint', () => {
    // Before: a.b + c and a + b.c both saved as a.b.c, and a checkpoint restored only one of them.
    const twoPaths = declare((m) => {
      m.c('a', new Leaf('b.c', 1));
    });
    expect(twoPaths).toThrow(ValueError);
    expect(twoPaths).toThrow(/^Module\.parameter: the name must be a non-empty string without "\.", got "b\.c"/);
    expect(declare((m) => m.c('a.b', new Leaf('c', 2)))).toThrow(/^Module\.child: the name must be/);
    expect(declare((m) => m.c('', new Leaf('c', 2)))).toThrow(/^Module\.child: the name must be/);
    expect(declare((m) => m.b('x.y', zeros([1])))).toThrow(/^Module\.buffer: the name must be/);
    expect(declare((m) => m.g('g.h', new Generator(1)))).toThrow(/^Module\.generator: the name must be/);
    expect(declare((m) => m.p(3, zeros([1])))).toThrow(/got 3/);
  });

  it('refuses a name another kind already holds (a buffer named as a parameter replaced its values in checkpoints)', () => {
    expect(
      declare((m) => {
        m.p('x', tensor([1, 2]));
        m.b('x', tensor([5, 6]));
      }),
    ).toThrow(/^Module\.buffer: "x" already names a parameter of this module$/);
    expect(
      declare((m) => {
        m.b('x', tensor([5, 6]));
        m.c('x', new Leaf('w', 1));
      }),
    ).toThrow(/^Module\.child: "x" already names a buffer of this module$/);
    expect(
      declare((m) => {
        m.c('x', new Leaf('w', 1));
        m.p('x', tensor([1]));
      }),
    ).toThrow(/^Module\.parameter: "x" already names a sub-module of this module$/);
    expect(declare((m) => m.c('x', {} as nn.Module))).toThrow(/^Module\.child: "x" must be a Module/);
  });

  it('still lets a module replace its own buffer or sub-module, and every path stays distinct', () => {
    const m = declare((o) => {
      o.b('running', zeros([2]));
      o.b('running', tensor([1, 2]));
      o.c('inner', new Leaf('w', 1));
      o.c('inner', new Leaf('w', 3));
      o.p('w', tensor([4]));
    })();
    expect([...m.stateDict().keys()].sort()).toEqual(['inner.w', 'running', 'w']);
    expect(Array.from(m.stateDict().get('inner.w')?.dataSync() ?? [])).toEqual([3]);
  });
});
