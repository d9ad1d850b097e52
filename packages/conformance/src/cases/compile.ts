/**
 * Compiled mode: `compile(fn)` and `fit(…, { compile: true })` on the backend under test give
 * what eager execution gives there (within the float32 tolerance: a backend that compiles the
 * graph may fuse), reach mode 'graph' when the step's host numbers are stable, retrace for new
 * shapes, fall back to eager with a reason, hand the state back, and free what they hold.
 */
import type { Module, Optimizer, Tensor } from '@backprop/core';
import * as core from '@backprop/core';
import { type ConformanceCase, NotApplicable } from '../case.js';
import { assert, assertClose } from '../check/close.js';
import { evaluate, readAll } from '../check/evaluate.js';
import { SuiteAdam, SuiteSGD } from '../training/optimizers.js';

/** Compiled vs eager on the same backend: a few float32 roundings apart at most. */
const TOL = { rtol: 1e-5, atol: 1e-6 };
const MLP_KERNELS = ['matmul', 'add', 'tanh', 'logSoftmax', 'sum', 'mul', 'sub'] as const;
const ADAM_KERNELS = [...MLP_KERNELS, 'pow', 'sqrt', 'div', 'cast'] as const;

const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + seed));

function batch(k: number, rows = 6): [Tensor, Tensor] {
  return [
    core.tensor(values(rows * 4, k), [rows, 4]),
    core.tensor(
      Int32Array.from({ length: rows }, (_, i) => (i + k) % 3),
      [rows],
      'int32',
    ),
  ];
}

const mlp = (): Module =>
  core.tidy(() =>
    core.nn.sequential(core.nn.dense(4, 5, { seed: 11 }), core.nn.tanh(), core.nn.dense(5, 3, { seed: 12 })),
  );

async function weightsOf(model: Module): Promise<number[]> {
  return (await readAll(model.parameters().map((p) => core.stopGradient(p.value)))).flatMap((r) => r.values);
}

/** Trains `steps` steps with `trainStep`, compiled or not; returns losses, weights, the step's mode and the state. */
async function trainSteps(makeOptimizer: () => Optimizer, compiled: boolean, steps = 6, rows = (_k: number) => 6) {
  const model = mlp();
  const optimizer = makeOptimizer();
  const step = core.trainStep(model, { loss: core.losses.softmaxCrossEntropy, optimizer, compile: compiled });
  try {
    const losses: number[] = [];
    for (let k = 0; k < steps; k++) {
      const [x, y] = batch(k, rows(k));
      losses.push((await step(x, y).finally(() => core.dispose([x, y]))).loss);
    }
    const slots = [...optimizer.getState().slots.values()].flatMap((s) => [
      s.step,
      ...Object.keys(s.tensors)
        .sort()
        .map((k) => s.tensors[k]),
    ]);
    const state = (await readAll(slots.map((t) => core.stopGradient(t)))).flatMap((r) => r.values);
    return { losses, weights: await weightsOf(model), state, mode: step.mode, reason: step.reason };
  } finally {
    step.dispose();
    optimizer.dispose();
    model.dispose();
  }
}

/** Compiled steps reach 'graph' and match eager ones; fit with compile true matches fit with compile false. */
async function checkTraining(id: string, makeOptimizer: () => Optimizer): Promise<void> {
  const eager = await trainSteps(makeOptimizer, false);
  const compiled = await trainSteps(makeOptimizer, true);
  assert(compiled.mode === 'graph', `${id}: the compiled step ran as '${compiled.mode}' (${compiled.reason})`);
  assertClose(`${id}: losses, compiled vs eager`, compiled.losses, eager.losses, TOL);
  assertClose(`${id}: weights, compiled vs eager`, compiled.weights, eager.weights, TOL);
  const data: core.ArrayDataset = {
    x: values(24 * 4, 3),
    xShape: [24, 4],
    y: Int32Array.from({ length: 24 }, (_, i) => (i * 7) % 3),
    yShape: [24],
  };
  const fitWith = async (compile: boolean) => {
    const model = mlp();
    const optimizer = makeOptimizer();
    try {
      const h = await core.fit(model, data, {
        loss: core.losses.softmaxCrossEntropy,
        optimizer,
        batchSize: 8,
        epochs: 3,
        shuffle: false,
        verbose: false,
        compile,
      });
      return { losses: h.epochs.map((e) => e.loss), weights: await weightsOf(model) };
    } finally {
      optimizer.dispose();
      model.dispose();
    }
  };
  const [off, on] = [await fitWith(false), await fitWith(true)];
  assertClose(`${id}: fit losses, compile true vs false`, on.losses, off.losses, TOL);
  assertClose(`${id}: fit weights, compile true vs false`, on.weights, off.weights, TOL);
}

/**
 * A function of (gradient, guard) over state [θ, m, v, t] running one fused Adam update that asks
 * to write in place; `run(compiled, viewAt)` calls it 6 times (compiled or not), holding a view of θ
 * through call `viewAt`, and returns θ, m, v after, the view's values and θ's values before that call.
 */
async function fusedInPlaceRun(compiled: boolean, viewAt: number) {
  const attrs = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false };
  const lr = core.keep(core.scalar(0.1));
  let state: Tensor[] = [
    core.tensor([1, -2, 3, 0.5]),
    core.tensor([0, 0, 0, 0]),
    core.tensor([0, 0, 0, 0]),
    core.tensor(0, [], 'int32'),
  ].map(core.keep);
  const held: core.CompiledState = {
    read: () => state,
    write: (next) => {
      state.forEach((t, i) => {
        if (t !== next[i]) t.dispose();
      });
      state = next.map(core.keep);
    },
  };
  const step = (g: Tensor, guard: Tensor): Tensor =>
    core.tidy(() => {
      const [theta, m, v, t] = state;
      const t2 = core.add(t, 1);
      const batch = new core.InPlaceUpdates({ guard });
      const out = core.adamUpdate({ param: theta, grad: g, expAvg: m, expAvgSq: v, step: t2, lr }, attrs, {
        inPlace: batch,
      });
      batch.commit();
      held.write([...out, t2]);
      return core.sum(g);
    });
  const f = compiled ? core.compile(step, { state: [held] }) : step;
  let view: Tensor | undefined;
  let before: number[] = [];
  try {
    for (let k = 0; k < 6; k++) {
      const g = core.tensor(values(4, k));
      const guard = core.scalar(0);
      if (k === viewAt) {
        view = core.keep(state[0].reshape([4]));
        before = (await readAll([core.stopGradient(view)]))[0].values;
      }
      core.dispose([f(g, guard) as Tensor, g, guard]);
    }
    const after = (await readAll(state.slice(0, 3).map((t) => core.stopGradient(t)))).flatMap((r) => r.values);
    const viewed = view ? (await readAll([core.stopGradient(view)]))[0].values : [];
    return { after, viewed, before, mode: compiled ? (f as core.CompiledFunction<Tensor>).mode : 'eager' };
  } finally {
    if (compiled) (f as core.CompiledFunction<Tensor>).invalidate();
    core.dispose([...state, lr, ...(view ? [view] : [])]);
  }
}

/** The compiled-mode cases. */
export const compileCases: ConformanceCase[] = [
  {
    id: 'compile/pure-function',
    kernels: ['matmul', 'tanh', 'sum', 'exp'],
    run: async () => {
      const w = core.keep(core.tensor(values(6, 1), [3, 2]));
      const fn = (x: Tensor) => core.tidy(() => [core.sum(core.tanh(core.matmul(x, w))), core.exp(x)]);
      const f = core.compile(fn);
      try {
        const x = core.tensor(values(12, 2), [4, 3]);
        const want = await evaluate(() => fn(x));
        for (let i = 0; i < 4; i++) {
          const got = await readAll(f(x) as Tensor[]);
          got.forEach((r, k) =>
            assertClose(`compile/pure-function: call ${i} output ${k}`, r.values, want[k].values, TOL),
          );
        }
        assert(
          f.mode === 'graph',
          `compile/pure-function: expected mode 'graph' after 4 calls, got '${f.mode}' (${f.reason})`,
        );
        x.dispose();
      } finally {
        f.invalidate();
        w.dispose();
      }
    },
  },
  {
    id: 'compile/train-step-sgd',
    kernels: [...MLP_KERNELS],
    run: () => checkTraining('compile/train-step-sgd', () => new SuiteSGD(0.3)),
    timeout: 30_000,
  },
  {
    id: 'compile/train-step-adam',
    kernels: [...ADAM_KERNELS],
    run: () => checkTraining('compile/train-step-adam', () => new SuiteAdam(0.05)),
    timeout: 30_000,
  },
  {
    id: 'compile/state-roundtrip',
    kernels: [...ADAM_KERNELS],
    run: async () => {
      // The compiled step hands the optimizer's state back: its step count and moments equal eager ones.
      const eager = await trainSteps(() => new SuiteAdam(0.05), false, 7);
      const compiled = await trainSteps(() => new SuiteAdam(0.05), true, 7);
      assert(compiled.mode === 'graph', `compile/state-roundtrip: ran as '${compiled.mode}' (${compiled.reason})`);
      assertClose('compile/state-roundtrip: optimizer state (t, m, v)', compiled.state, eager.state, TOL);
      assert(compiled.state[0] === 7, `compile/state-roundtrip: step count t should be 7, got ${compiled.state[0]}`);
      assert(
        compiled.state.length === eager.state.length && eager.state.length > 0,
        'compile/state-roundtrip: no state',
      );
    },
    timeout: 30_000,
  },
  {
    id: 'compile/retrace-on-shape',
    kernels: [...MLP_KERNELS],
    run: async () => {
      const rows = (k: number) => (k < 4 ? 6 : 2);
      const eager = await trainSteps(() => new SuiteSGD(0.3), false, 8, rows);
      const compiled = await trainSteps(() => new SuiteSGD(0.3), true, 8, rows);
      assert(compiled.mode === 'graph', `compile/retrace-on-shape: the new shape ran as '${compiled.mode}'`);
      assertClose('compile/retrace-on-shape: losses', compiled.losses, eager.losses, TOL);
      assertClose('compile/retrace-on-shape: weights', compiled.weights, eager.weights, TOL);
    },
    timeout: 30_000,
  },
  {
    id: 'compile/eager-fallback-reason',
    kernels: ['mul'],
    run: async () => {
      let k = 0;
      const f = core.compile((x: Tensor) => core.tidy(() => core.mul(x, ++k)));
      const x = core.tensor([1, -2]);
      try {
        for (let i = 1; i <= 5; i++)
          assertClose(`compile/eager-fallback-reason: call ${i}`, (await readAll([f(x) as Tensor]))[0].values, [
            i,
            -2 * i,
          ]);
        assert(f.mode === 'eager', `compile/eager-fallback-reason: expected mode 'eager', got '${f.mode}'`);
        assert(typeof f.reason === 'string' && f.reason.length > 0, 'compile/eager-fallback-reason: no reason given');
      } finally {
        f.invalidate();
        x.dispose();
      }
    },
  },
  {
    id: 'compile/no-leaks',
    kernels: [...ADAM_KERNELS],
    run: async () => {
      // In graph mode every call frees what the previous one replaced: the counts stay flat.
      const model = mlp();
      const optimizer = new SuiteAdam(0.05);
      const step = core.trainStep(model, { loss: core.losses.softmaxCrossEntropy, optimizer, compile: true });
      const [x, y] = batch(0);
      const counts: number[][] = [];
      try {
        for (let i = 0; i < 8; i++) {
          await step(x, y);
          await core.getBackend().sync?.();
          counts.push([core.liveTensorCount(), core.memory().handles]);
        }
        assert(step.mode === 'graph', `compile/no-leaks: ran as '${step.mode}' (${step.reason})`);
        const [a, b] = [counts[4], counts[7]];
        assert(
          a[0] === b[0] && a[1] === b[1],
          `compile/no-leaks: tensors/handles grew in graph mode: ${counts.map((c) => c.join('/')).join(', ')}`,
        );
      } finally {
        step.dispose();
        optimizer.dispose();
        model.dispose();
        core.dispose([x, y]);
      }
    },
    timeout: 30_000,
  },
  {
    id: 'compile/fused-update-in-place',
    kernels: ['adamUpdate', 'add', 'sum'],
    run: async ({ backend }) => {
      if (typeof backend.kernels.adamUpdate !== 'function')
        throw new NotApplicable(`backend "${backend.name}" has no optional kernel "adamUpdate"`);
      // A compiled function whose fused update asks to write in place: graph calls equal eager
      // ones, and a view held of the parameter (storage someone else shares) keeps its old values.
      const id = 'compile/fused-update-in-place';
      const eager = await fusedInPlaceRun(false, -1);
      const compiled = await fusedInPlaceRun(true, 4);
      assert(compiled.mode === 'graph', `${id}: ran as '${compiled.mode}'`);
      assertClose(`${id}: θ, m, v after 6 calls, compiled vs eager`, compiled.after, eager.after, TOL);
      assertClose(
        `${id}: a view of θ held through a graph call keeps θ's old values`,
        compiled.viewed,
        compiled.before,
        {
          rtol: 0,
          atol: 0,
        },
      );
      const eagerViewed = await fusedInPlaceRun(false, 4);
      assertClose(
        `${id}: a view held through an eager call keeps the old values`,
        eagerViewed.viewed,
        eagerViewed.before,
        {
          rtol: 0,
          atol: 0,
        },
      );
      assertClose(`${id}: θ, m, v with a view held, eager`, eagerViewed.after, eager.after, TOL);
    },
    timeout: 30_000,
  },
];
