/**
 * Updates written in place on the CPU provider: eager and compiled steps write the fused updates
 * into the parameters' and state's own arrays after the run, bit for bit what the graph's ONNX
 * nodes compute out of place, in one run per step, holding no second copy of the state; reads
 * wait for the write; a rejected or failed step writes nothing; a tensor something else views is
 * updated out of place; an array another handle shares is copied first.
 */
import * as bp from '@backprop/core';
import { Adagrad, Adam, AdamW, RMSprop, SGD, useFusedUpdates } from '@backprop/optimizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { inPlaceCandidates, inPlaceVariant } from '../src/compiled-updates.js';
import type { OnnxHandle } from '../src/handle.js';
import { runHostUpdate, runHostUpdates } from '../src/host-update.js';
import { type OnnxBackend, onnx } from '../src/index.js';
import { makeResident, residentArrays, runResidentUpdate } from '../src/resident-update.js';
import { writableTargets } from '../src/update-in-place.js';
import { BLOCK } from '../src/wasm-update.js';
import { rand } from './compare.js';

let ort: OnnxBackend;
let fused: boolean;
beforeAll(async () => {
  ort = await onnx({ provider: 'cpu', threads: 2 });
  await bp.setBackend(ort);
  fused = useFusedUpdates(true);
});
afterAll(async () => {
  useFusedUpdates(fused);
  await ort.destroy?.();
});

const model = () => bp.nn.sequential(bp.nn.dense(6, 8, { seed: 1 }), bp.nn.relu(), bp.nn.dense(8, 3, { seed: 3 }));
const batch = (k: number) => [
  bp.tensor(rand(24, 10 + k), [4, 6]),
  bp.tensor(Int32Array.from([0, 2, 1, k % 3]), [4], 'int32'),
];

const optimizers: Record<string, () => bp.Optimizer> = {
  Adam: () => new Adam({ lr: 0.05 }),
  'Adam, AMSGrad, coupled decay': () => new Adam({ lr: 0.05, amsgrad: true, weightDecay: 0.01 }),
  AdamW: () => new AdamW({ lr: 0.05, weightDecay: 0.1 }),
  SGD: () => new SGD({ lr: 0.1 }),
  'SGD momentum, Nesterov, decay': () => new SGD({ lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }),
  'SGD momentum, dampening': () => new SGD({ lr: 0.1, momentum: 0.5, dampening: 0.3 }),
  'RMSprop centered, momentum, decay': () =>
    new RMSprop({ lr: 0.01, centered: true, momentum: 0.5, weightDecay: 0.01 }),
  Adagrad: () => new Adagrad({ lr: 0.1, initialAccumulatorValue: 0.1 }),
};

/**
 * Trains 6 steps; the losses, final weights, eager in-place updates made, runs per step, and
 * whether every parameter kept its tensor (written in place). With `viewed`, a view of every
 * parameter is held through each step, so no update may write into them (out of place).
 */
async function train(compile: boolean, optimizer: () => bp.Optimizer, { viewed = false } = {}) {
  const m = model();
  const opt = optimizer();
  const step = bp.trainStep(m, { loss: bp.losses.softmaxCrossEntropy, optimizer: opt, compile });
  let third: bp.Tensor[] = [];
  let kept = true;
  let arrays: Float32Array[] = [];
  let resident = true;
  const hostArray = (t: bp.Tensor) => ort.own('test', t.ref.handle).value?.data as Float32Array;
  let inPlace = 0;
  const original = ort.updateInPlace!;
  ort.updateInPlace = (...args) => {
    inPlace++;
    original(...args);
  };
  const losses: number[] = [];
  const runs = ort.stats.runs;
  try {
    for (let k = 0; k < 6; k++) {
      const [x, y] = batch(k);
      const views = viewed ? m.parameters().map((p) => bp.keep(p.value.reshape(p.value.shape))) : [];
      losses.push((await step(x, y)).loss);
      bp.dispose([x, y, ...views]);
      // From the third step on (a compiled step traces its first two, out of place; SGD's first
      // momentum step makes its buffers), a parameter written in place keeps its tensor.
      if (k === 2) third = m.parameters().map((p) => p.value);
      if (k > 2) kept &&= m.parameters().every((p, i) => p.value === third[i]);
      // Written in place, each parameter's array moves into WebAssembly memory with its state
      // (θ, m, v for Adam) and stays there: the same array every step after (a compiled step's
      // first graph run makes new arrays, the next moves them).
      if (k === 3) arrays = m.parameters().map((p) => hostArray(p.value));
      if (k > 3)
        resident &&= m
          .parameters()
          .every((p, i) => hostArray(p.value) === arrays[i] && (residentArrays(arrays[i])?.length ?? 0) >= 1);
    }
  } finally {
    ort.updateInPlace = original;
  }
  const runsPerStep = (ort.stats.runs - runs) / 6;
  const weights = await Promise.all(m.parameters().map(async (p) => Array.from(await p.value.data())));
  const mode = step.mode;
  step.dispose();
  m.dispose();
  opt.dispose();
  return { losses, weights, inPlace, runsPerStep, mode, kept, resident };
}

describe('eager and compiled steps write the fused updates in place', () => {
  it.each(Object.keys(optimizers))('%s: bit for bit the ONNX nodes out of place, one run per step', async (name) => {
    const outOfPlace = await train(true, optimizers[name], { viewed: true });
    const compiled = await train(true, optimizers[name]);
    const eager = await train(false, optimizers[name]);
    for (const r of [outOfPlace, compiled]) {
      expect(r.mode).toBe('graph');
      expect(r.inPlace).toBe(0); // a compiled step writes in its own run, not through updateInPlace
      expect(r.runsPerStep).toBe(1);
    }
    // Four parameters, six steps (SGD's first momentum step makes its buffers out of place).
    expect(eager.inPlace).toBe(name.startsWith('SGD momentum') ? 5 * 4 : 6 * 4);
    expect(eager.runsPerStep).toBe(1);
    expect([compiled.kept, eager.kept, outOfPlace.kept]).toEqual([true, true, false]);
    expect([compiled.resident, eager.resident, outOfPlace.resident]).toEqual([true, true, false]);
    expect(compiled.losses).toEqual(outOfPlace.losses);
    expect(compiled.weights).toEqual(outOfPlace.weights);
    expect(eager.losses).toEqual(outOfPlace.losses);
    expect(eager.weights).toEqual(outOfPlace.weights);
  });

  it('Adam with a different step count per parameter (a resumed checkpoint): in place bit for bit out of place', async () => {
    // Steps written in place (compiled or eager) compute the Adam coefficients of all parameters in
    // one chain over a vector of their step counts; out of place, each update has its own scalar chain.
    // Step counts 2 and 3 are where a power might be taken by multiplying, the large ones where
    // float64 powers differ in the last bit between implementations.
    const counts = [2, 3, 997, 200_001];
    const run = async (viewed: boolean, compile = true) => {
      const m = model();
      const opt = new Adam({ lr: 0.05 });
      const first = bp.trainStep(m, { loss: bp.losses.softmaxCrossEntropy, optimizer: opt });
      const [x0, y0] = batch(0);
      await first(x0, y0); // makes the slots
      bp.dispose([x0, y0]);
      first.dispose();
      const state = opt.getState();
      const steps = counts.map((c) => bp.keep(bp.scalar(c, 'int32')));
      const slots = new Map([...state.slots].map(([name, slot], i) => [name, { ...slot, step: steps[i] }]));
      expect(slots.size).toBe(counts.length);
      opt.setState({ ...state, slots });
      bp.dispose(steps);
      const step = bp.trainStep(m, { loss: bp.losses.softmaxCrossEntropy, optimizer: opt, compile });
      let kept = true;
      let third: bp.Tensor[] = [];
      for (let k = 1; k <= 6; k++) {
        const [x, y] = batch(k);
        const views = viewed ? m.parameters().map((p) => bp.keep(p.value.reshape(p.value.shape))) : [];
        await step(x, y);
        bp.dispose([x, y, ...views]);
        if (k === 3) third = m.parameters().map((p) => p.value);
        if (k > 3) kept &&= m.parameters().every((p, i) => p.value === third[i]);
      }
      const weights = await Promise.all(m.parameters().map(async (p) => Array.from(await p.value.data())));
      const after = await Promise.all([...opt.getState().slots.values()].map(async (s) => (await s.step.data())[0]));
      const mode = step.mode;
      step.dispose();
      m.dispose();
      opt.dispose();
      return { weights, after, kept, mode };
    };
    const inPlace = await run(false);
    const outOfPlace = await run(true);
    const eager = await run(false, false);
    expect([inPlace.mode, outOfPlace.mode]).toEqual(['graph', 'graph']);
    expect([inPlace.kept, outOfPlace.kept, eager.kept]).toEqual([true, false, true]);
    expect(inPlace.after).toEqual(counts.map((c) => c + 6));
    expect(eager.after).toEqual(counts.map((c) => c + 6));
    expect(inPlace.weights).toEqual(outOfPlace.weights);
    expect(eager.weights).toEqual(outOfPlace.weights);
  });

  it('hold no second copy of the parameters and state (measureTrainingStep)', async () => {
    const m = bp.nn.sequential(bp.nn.dense(64, 256, { seed: 1 }), bp.nn.relu(), bp.nn.dense(256, 10, { seed: 2 }));
    const opt = new Adam({ lr: 1e-3 });
    const measure = () =>
      bp.measureTrainingStep(m, {
        batchSize: 32,
        loss: bp.losses.softmaxCrossEntropy,
        optimizer: opt,
        optimizerSlots: 2,
      });
    await measure(); // the first step makes Adam's moments
    const r = await measure();
    const { parameters, optimizerState, gradients, activations } = r.estimate.bytes;
    // Above what it held before, the step holds its gradients and activations, not new values of
    // the parameters and their two moments (here 158 kB above; out of place 273 kB, new values beside the old).
    expect(r.measuredStepBytes).toBeLessThan(gradients + activations + parameters);
    expect(r.bytesBefore).toBeGreaterThanOrEqual(parameters + optimizerState);
    m.dispose();
    opt.dispose();
  });
});

describe('compiled steps written in place', () => {
  /** A compiled Adam step on the small model, traced (three steps); the next runs as a graph. */
  async function graphStep() {
    const m = model();
    const opt = new Adam({ lr: 0.05 });
    const step = bp.trainStep(m, { loss: bp.losses.softmaxCrossEntropy, optimizer: opt, compile: true });
    for (let k = 0; k < 3; k++) {
      const [x, y] = batch(k);
      await step(x, y);
      bp.dispose([x, y]);
    }
    expect(step.mode).toBe('graph');
    return { m, opt, step };
  }
  /** Every parameter's and optimizer tensor's values, and the step counts. */
  const stateOf = async (m: bp.Module, opt: bp.Optimizer) => {
    const slots = [...opt.getState().slots.values()].flatMap((s) => [s.step, ...Object.values(s.tensors)]);
    return Promise.all([...m.parameters().map((p) => p.value), ...slots].map(async (t) => Array.from(await t.data())));
  };
  /** Trains batches `from`…5 and expects the weights of 6 eager Adam steps. */
  const endsAsEager = async ({ m, step }: Awaited<ReturnType<typeof graphStep>>, from: number) => {
    for (let k = from; k < 6; k++) {
      const [x, y] = batch(k);
      await step(x, y);
      bp.dispose([x, y]);
    }
    const plain = await train(false, optimizers.Adam);
    expect(await Promise.all(m.parameters().map(async (p) => Array.from(await p.value.data())))).toEqual(plain.weights);
  };
  const done = ({ m, opt, step }: Awaited<ReturnType<typeof graphStep>>) => {
    step.dispose();
    m.dispose();
    opt.dispose();
  };

  it('a rejected step (non-finite loss) writes nothing and keeps the storage', async () => {
    const run = await graphStep();
    const { m, opt, step } = run;
    // (Putting the state back hands each parameter a new tensor on the same storage.)
    const storage = () => m.parameters().map((p) => p.value.ref);
    const refs = storage();
    const before = await stateOf(m, opt);
    const x = bp.tensor(
      rand(24, 99).map((v, i) => (i === 5 ? Number.NaN : v)),
      [4, 6],
    );
    const y = bp.tensor(Int32Array.from([0, 1, 2, 0]), [4], 'int32');
    await expect(step(x, y)).rejects.toThrow(bp.NonFiniteLossError);
    expect(storage().every((r, i) => r === refs[i])).toBe(true);
    expect(await stateOf(m, opt)).toEqual(before);
    // The next step trains from the same state, as graph, in place.
    const [x2, y2] = batch(3);
    await step(x2, y2);
    expect(step.mode).toBe('graph');
    expect(storage().every((r, i) => r === refs[i])).toBe(true);
    expect(await stateOf(m, opt)).not.toEqual(before);
    bp.dispose([x, y, x2, y2]);
    done(run);
  });

  it('a failed run writes nothing: the step throws, the state is as before and trains on', async () => {
    const run = await graphStep();
    const { m, opt, step } = run;
    const before = await stateOf(m, opt);
    const proto = (ort.runtime.ort.InferenceSession as unknown as { prototype: { run: () => Promise<unknown> } })
      .prototype;
    const original = proto.run;
    proto.run = async () => {
      throw new Error('run failed (test)');
    };
    const [x, y] = batch(3);
    try {
      await expect(step(x, y)).rejects.toThrow('run failed (test)');
    } finally {
      proto.run = original;
    }
    expect(await stateOf(m, opt)).toEqual(before);
    expect(step.state.position.batch).toBe(3);
    // Trained on from there, it ends where steps without the failure end.
    await endsAsEager(run, 3);
    bp.dispose([x, y]);
    done(run);
  });

  it('a tensor someone else views is updated out of place, and the view keeps the old values', async () => {
    const run = await graphStep();
    const { m, step } = run;
    const [w, ...rest] = m.parameters().map((p) => p.value);
    const view = bp.keep(w.reshape(w.shape));
    const old = Array.from(await view.data());
    const [x, y] = batch(3);
    await step(x, y);
    expect(Array.from(await view.data())).toEqual(old);
    expect(m.parameters()[0].value).not.toBe(w); // a new tensor for the viewed parameter…
    expect(
      m
        .parameters()
        .slice(1)
        .map((p) => p.value),
    ).toEqual(rest); // …the others written in place
    await endsAsEager(run, 4);
    bp.dispose([x, y, view]);
    done(run);
  });

  it('at most four in-place sessions per graph: a fifth set of writable updates runs out of place, same bits', async () => {
    const run = await graphStep(); // traced three times (the optimizer's state appears at the first step)
    const { m, step } = run;
    const sessions = ort.stats.sessions;
    // Holding a view of parameter j makes its update out of place: each j (or none: 4) is a new set.
    const viewed = [3, 4, 0, 1, 2, 3];
    const moved: boolean[] = [];
    for (const [i, j] of viewed.entries()) {
      const k = 3 + i;
      const views = m.parameters().flatMap((p, n) => (n === j ? [bp.keep(p.value.reshape([p.value.size]))] : []));
      const other = m.parameters()[(j + 1) % 4]; // a parameter nobody views this step
      const first = other.value.ref;
      const [x, y] = batch(k);
      await step(x, y);
      moved.push(other.value.ref !== first);
      bp.dispose([x, y, ...views]);
    }
    // The first four sets made four sessions; the set without parameter 2 then ran out of place
    // (the graph's own session, made on first use), moving the unviewed parameter to new storage
    // in that step only; the set without 3 had its session again.
    expect(ort.stats.sessions - sessions).toBe(4 + 1);
    expect(moved).toEqual([false, false, false, false, true, false]);
    const eagerModel = model();
    const opt = new Adam({ lr: 0.05 });
    const eager = bp.trainStep(eagerModel, { loss: bp.losses.softmaxCrossEntropy, optimizer: opt, compile: false });
    for (let k = 0; k < 3 + viewed.length; k++) {
      const [x, y] = batch(k);
      await eager(x, y);
      bp.dispose([x, y]);
    }
    const weights = (mm: bp.Module) => Promise.all(mm.parameters().map(async (p) => Array.from(await p.value.data())));
    expect(await weights(m)).toEqual(await weights(eagerModel));
    eager.dispose();
    eagerModel.dispose();
    opt.dispose();
    done(run);
  });

  it('hold no second copy of the parameters and state', async () => {
    const m = bp.nn.sequential(bp.nn.dense(64, 256, { seed: 1 }), bp.nn.relu(), bp.nn.dense(256, 10, { seed: 2 }));
    const opt = new Adam({ lr: 1e-3 });
    const step = bp.trainStep(m, { loss: bp.losses.softmaxCrossEntropy, optimizer: opt, compile: true });
    const x = bp.tensor(rand(32 * 64, 5), [32, 64]);
    const y = bp.tensor(
      Int32Array.from({ length: 32 }, (_, i) => i % 10),
      [32],
      'int32',
    );
    for (let k = 0; k < 3; k++) await step(x, y);
    const held = ort.memory().bytes;
    ort.resetPeak?.();
    await step(x, y);
    const parameters = m.parameters().reduce((n, p) => n + 4 * p.value.size, 0);
    // The state (parameters and two moments, 3 × 68 kB) is written where it is; a step out of
    // place would hold its new values beside the old ones (3 × 68 kB above what it held).
    expect(ort.memory().peakBytes! - held).toBeLessThan(parameters);
    expect(ort.memory().bytes).toBe(held);
    bp.dispose([x, y]);
    step.dispose();
    m.dispose();
    opt.dispose();
  });
});

describe('the in-place records of a graph', () => {
  it('are checked before use: a malformed one is ignored (its update runs out of place)', () => {
    const attrs = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false };
    const lr = bp.keep(bp.scalar(0.1));
    const t = bp.keep(bp.tensor(1, [], 'int32'));
    let state = [bp.tensor([1, 2]), bp.tensor([0, 0]), bp.tensor([0, 0])].map(bp.keep);
    const held = { read: () => state, write: (v: readonly bp.Tensor[]) => (state = [...v]) };
    const step = (g: bp.Tensor) => {
      const guard = bp.sum(bp.mul(g, 0));
      const batch = new bp.InPlaceUpdates({ guard });
      const out = bp.adamUpdate(
        { param: state[0], grad: g, expAvg: state[1], expAvgSq: state[2], step: t, lr },
        attrs,
        { inPlace: batch },
      );
      batch.commit();
      state = out.map(bp.keep);
      return guard;
    };
    const { graph, held: constants } = bp.trace(step, [bp.tensor([0.5, -0.5])], [held]);
    const [u] = graph.inPlace ?? [];
    expect(inPlaceCandidates(graph)).toEqual([u]);
    const malformed = [
      { ...u, node: u.node + 1 }, // not the update's first output
      { ...u, node: 9999 }, // no such node
      { ...u, state: [0, 1] }, // fewer outputs than the update has
      { ...u, state: [1, 0, 2] }, // outputs paired with the wrong state
      { ...u, state: [0, 1, 7] }, // no such state value
      { ...u, state: [0, 0.5, 2] }, // not an index
      { ...u, state: [0, 1, 1] }, // one state value twice
    ];
    for (const bad of malformed) expect(inPlaceCandidates({ ...graph, inPlace: [bad] })).toEqual([]);
    // The same state claimed by two records: the first only.
    expect(inPlaceCandidates({ ...graph, inPlace: [u, u] })).toEqual([u]);
    bp.dispose([...state, ...constants, lr, t]);
  });

  it("read what the run is fed where it is, and never Adam's step count", () => {
    const attrs = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false };
    // θ, m, v, the step count and the learning rate are state; the gradient is the run's input.
    let state = [bp.tensor([1, 2]), bp.tensor([0, 0]), bp.tensor([0, 0]), bp.tensor(1, [], 'int32'), bp.scalar(0.1)];
    state = state.map(bp.keep);
    const held = { read: () => state, write: (v: readonly bp.Tensor[]) => (state = [...v]) };
    const step = (g: bp.Tensor) => {
      const guard = bp.sum(bp.mul(g, 0));
      const batch = new bp.InPlaceUpdates({ guard });
      const [theta, m, v] = state;
      const out = bp.adamUpdate(
        { param: theta, grad: g, expAvg: m, expAvgSq: v, step: state[3], lr: state[4] },
        attrs,
        {
          inPlace: batch,
        },
      );
      batch.commit();
      state = [...out, bp.add(state[3], 1), state[4]].map(bp.keep);
      return guard;
    };
    const { graph, held: constants } = bp.trace(step, [bp.tensor([0.5, -0.5])], [held]);
    const { updates } = inPlaceVariant(graph, inPlaceCandidates(graph));
    const kinds = updates[0].inputs.map((x) => Object.keys(x)[0]);
    // θ, g (fed), m, v, t (not read: the run computes Adam's coefficients from it), γ (fed state).
    expect(kinds).toEqual(['state', 'fed', 'state', 'state', 'unread', 'fed']);
    expect(updates[0].inputs[5]).toEqual({ fed: graph.inputs.length + 4 });
    bp.dispose([...state, ...constants]);
  });
});

describe('reads and guards around a write in place', () => {
  const attrs = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false };
  const inputs = () => [
    bp.tensor([1, 2, 3]),
    bp.add(bp.tensor([0.5, -0.5, 0.25]), 0), // a pending gradient
    bp.tensor([0, 0, 0]),
    bp.tensor([0, 0, 0]),
    bp.tensor(1, [], 'int32'),
    bp.tensor(0.1),
  ];
  const info = (t: bp.Tensor) => ({ handle: t.ref.handle, shape: t.shape, dtype: t.dtype });

  it('a read waits for the write; a synchronous read throws until then', async () => {
    const xs = inputs();
    ort.updateInPlace!('adamUpdate', xs.map(info), attrs);
    expect(() => xs[0].dataSync()).toThrow(/not on the host yet/);
    const theta = await xs[0].data();
    // Adam's first step moves each weight by γ against the sign of its gradient.
    expect(Array.from(theta)).toEqual([Math.fround(1 - 0.1), Math.fround(2 + 0.1), Math.fround(3 - 0.1)]);
    expect(Array.from(xs[0].dataSync())).toEqual(Array.from(theta));
    bp.dispose(xs);
  });

  it('a node made after the update reads the new values', async () => {
    const xs = inputs();
    ort.updateInPlace!('adamUpdate', xs.map(info), attrs);
    const doubled = bp.mul(xs[0], 2);
    expect(Array.from(await doubled.data())).toEqual([0.9, 2.1, 2.9].map((v) => Math.fround(Math.fround(v) * 2)));
    bp.dispose([...xs, doubled]);
  });

  it.each([1, Number.NaN])('a guard of %s writes nothing', async (g) => {
    const xs = inputs();
    const guard = bp.add(bp.tensor(g), 0);
    ort.updateInPlace!('adamUpdate', xs.map(info), attrs, info(guard));
    expect(Array.from(await xs[0].data())).toEqual([1, 2, 3]);
    expect(Array.from(await xs[2].data())).toEqual([0, 0, 0]);
    bp.dispose([...xs, guard]);
  });

  it('a failed run writes nothing, and what it was to compute fails when read', async () => {
    const xs = inputs();
    const run = ort.runtime.run;
    ort.runtime.run = async () => {
      throw new Error('run failed (test)');
    };
    try {
      ort.updateInPlace!('adamUpdate', xs.map(info), attrs);
      await ort.sync?.().catch(() => {});
    } finally {
      ort.runtime.run = run;
    }
    expect(Array.from(await xs[0].data())).toEqual([1, 2, 3]);
    expect(Array.from(await xs[2].data())).toEqual([0, 0, 0]);
    await expect(xs[1].data()).rejects.toThrow('run failed (test)');
    bp.dispose(xs);
  });

  it("rejects another backend's or a disposed handle with a BackendError, queuing nothing", async () => {
    const other = await onnx({ provider: 'cpu', threads: 1 });
    try {
      const xs = inputs();
      const foreign = { handle: other.write(Float32Array.of(0), [], 'float32'), shape: [], dtype: 'float32' as const };
      expect(() => ort.updateInPlace!('adamUpdate', xs.map(info), attrs, foreign)).toThrow(
        /updateInPlace\(adamUpdate\): the handle does not belong to this onnx backend/,
      );
      const gone = bp.tensor([0, 0, 0]);
      const stale = info(gone);
      gone.dispose();
      const withStale = xs.map(info);
      withStale[3] = stale;
      expect(() => ort.updateInPlace!('adamUpdate', withStale, attrs)).toThrow(bp.BackendError);
      expect(() => ort.updateInPlace!('adamUpdate', withStale, attrs)).toThrow(/was disposed/);
      // Nothing was queued: the parameter reads synchronously and holds its old values.
      await ort.sync?.();
      expect(Array.from(xs[0].dataSync())).toEqual([1, 2, 3]);
      expect(Array.from(await xs[2].data())).toEqual([0, 0, 0]);
      bp.dispose(xs);
    } finally {
      await other.destroy?.();
    }
  });

  it('copies an array another handle shares before writing into it', async () => {
    const xs = inputs();
    const twin = bp.tensor([0, 0, 0]);
    const [a, b] = [ort.own('test', xs[0].ref.handle), ort.own('test', twin.ref.handle)];
    b.value = new ort.runtime.ort.Tensor('float32', a.value!.data as Float32Array, [3]);
    a.sharesData = b.sharesData = true;
    ort.updateInPlace!('adamUpdate', xs.map(info), attrs);
    expect(Array.from(await xs[0].data())).toEqual([0.9, 2.1, 2.9].map(Math.fround));
    expect(Array.from(await twin.data())).toEqual([1, 2, 3]);
    // The written arrays now live in WebAssembly memory; one shared from there moves out again
    // before the next write, and the handle sharing it keeps the values it saw.
    const moved = a.value!.data as Float32Array;
    expect(residentArrays(moved)).toHaveLength(3);
    b.value = new ort.runtime.ort.Tensor('float32', moved, [3]);
    a.sharesData = b.sharesData = true;
    ort.updateInPlace!('adamUpdate', xs.map(info), attrs);
    const after = Array.from(await xs[0].data());
    expect(after).not.toEqual([0.9, 2.1, 2.9].map(Math.fround));
    expect(Array.from(await twin.data())).toEqual([0.9, 2.1, 2.9].map(Math.fround));
    expect(a.value!.data).not.toBe(moved);
    expect(residentArrays(a.value!.data as Float32Array)).toHaveLength(3);
    bp.dispose([...xs, twin]);
  });
});

describe('the arrays an update writes', () => {
  const tensor = (values: Float32Array, dims: readonly number[]) =>
    new ort.runtime.ort.Tensor('float32', values, dims as number[]);

  it('move into WebAssembly memory together, once', () => {
    const xs = [bp.tensor([1, 2, 3]), bp.tensor([4, 5, 6])];
    const handles = xs.map((t) => ort.own('test', t.ref.handle));
    const moved = writableTargets(handles, tensor, new Set());
    expect(residentArrays(moved[0])).toEqual(moved);
    expect(moved.map((a) => Array.from(a))).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(handles.map((h) => h.value?.data)).toEqual(moved);
    // The next update of the same arrays writes them where they are.
    const again = writableTargets(handles, tensor, new Set());
    expect(again[0]).toBe(moved[0]);
    expect(again[1]).toBe(moved[1]);
    bp.dispose(xs);
  });

  it('are copied out of WebAssembly memory once one of them is freed, and training goes on', async () => {
    const m = model();
    const hostArray = (t: bp.Tensor) => ort.own('test', t.ref.handle).value?.data as Float32Array;
    const train = async (opt: bp.Optimizer, steps: number) => {
      const step = bp.trainStep(m, { loss: bp.losses.softmaxCrossEntropy, optimizer: opt, compile: true });
      for (let k = 0; k < steps; k++) {
        const [x, y] = batch(k);
        await step(x, y);
        bp.dispose([x, y]);
      }
      step.dispose();
    };
    const first = new Adam({ lr: 0.05 });
    await train(first, 5);
    const arrays = m.parameters().map((p) => hostArray(p.value));
    expect(arrays.map((a) => residentArrays(a)?.length)).toEqual([3, 3, 3, 3]);
    const values = arrays.map((a) => Array.from(a));
    // Freeing the optimizer frees its moments: the parameters leave the memory they shared.
    first.dispose();
    await ort.sync!();
    const after = m.parameters().map((p) => hostArray(p.value));
    expect(after.map((a) => residentArrays(a))).toEqual([undefined, undefined, undefined, undefined]);
    expect(after.map((a) => Array.from(a))).toEqual(values);
    // A new optimizer's first writes in place move them (with its state) into memory again.
    const second = new SGD({ lr: 0.1, momentum: 0.9 });
    await train(second, 5);
    expect(m.parameters().map((p) => residentArrays(hostArray(p.value))?.length)).toEqual([2, 2, 2, 2]);
    second.dispose();
    m.dispose();
  });

  it('are never moved again by a later update of the same batch', () => {
    const xs = [bp.tensor([1, 2, 3]), bp.tensor([4, 5, 6]), bp.tensor([7, 8, 9])];
    const [a, b, c] = xs.map((t) => ort.own('test', t.ref.handle));
    const claimed = new Set<OnnxHandle>();
    const first = writableTargets([a, b], tensor, claimed);
    const second = writableTargets([a, c], tensor, claimed);
    // The first update holds a's array: the second writes the same one, not a copy it moved.
    expect(second[0]).toBe(first[0]);
    expect(a.value?.data).toBe(first[0]);
    expect(Array.from(second[1])).toEqual([7, 8, 9]);
    bp.dispose(xs);
  });
});

describe('the host update: one fused loop, or block by block', () => {
  // Two full blocks of the WebAssembly loop and a part that is not whole vectors (core's blocks: 2048 elements).
  const n = 2 * BLOCK + 905;
  const values = (seed: number, lo = -1, hi = 1) => {
    const v = Float32Array.from(rand(n, seed), (x) => lo + (hi - lo) * x);
    // Signed zeros, infinities, NaN and tiny values in the mix.
    v.set([0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 1e-40, -3e-39], 7);
    return v;
  };
  const cases: [string, bp.UpdateKernelName, object, number, number[] | undefined][] = [
    [
      'Adam',
      'adamUpdate',
      { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false },
      4,
      [1e-3, 1e-8],
    ],
    [
      'AMSGrad, coupled decay',
      'adamUpdate',
      { beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1, decoupled: false, amsgrad: true },
      5,
      [0.01, 1e-6],
    ],
    [
      'AdamW',
      'adamUpdate',
      { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, decoupled: true, amsgrad: false },
      4,
      [1e-3, 1e-8, 0.999],
    ],
    [
      'SGD momentum',
      'sgdUpdate',
      { momentum: 0.9, dampening: 0.1, nesterov: true, weightDecay: 0.01, firstStep: false },
      3,
      undefined,
    ],
    [
      'SGD first step',
      'sgdUpdate',
      { momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0, firstStep: true },
      3,
      undefined,
    ],
    [
      'RMSprop centered, momentum',
      'rmspropUpdate',
      { decay: 0.99, scale: 0.01, eps: 1e-8, weightDecay: 0.01, momentum: 0.5, centered: true },
      5,
      undefined,
    ],
  ];
  it.each(cases)(
    "%s: all four paths write the same bits as ONNX Runtime's nodes",
    async (_, name, attrs, arity, coefficients) => {
      const xs = Array.from({ length: arity }, (_, i) => values(50 + i, i >= 2 ? 0 : -1, 1));
      const t = Int32Array.of(3);
      const lr = Float32Array.of(0.01);
      const inputs = name === 'adamUpdate' ? [...xs.slice(0, 4), t, ...xs.slice(4), lr] : [...xs, lr];
      const written = bp.updateWrittenInputs(name, inputs.length);
      const run = (path: 'copy' | 'loop' | 'blocks') => {
        const copies = inputs.map((x) => x.slice());
        runHostUpdate(
          { name, attrs, inputs: copies, coefficients, targets: written.map((i) => copies[i] as Float32Array) },
          { path },
        );
        return written.map((i) => Array.from(copies[i]));
      };
      // In place where the targets live in WebAssembly memory, the gradient copied in.
      const resident = () => {
        const copies = inputs.map((x) => x.slice());
        const moved = makeResident(written.map((i) => copies[i] as Float32Array)) as Float32Array<ArrayBuffer>[];
        written.forEach((i, j) => (copies[i] = moved[j]));
        expect(runResidentUpdate(bp.updateArraysOf(name, attrs, copies, moved, coefficients))).toBe(true);
        return written.map((i) => Array.from(copies[i]));
      };
      const loop = run('loop');
      expect(run('copy')).toEqual(loop);
      expect(run('blocks')).toEqual(loop);
      expect(resident()).toEqual(loop);
      // Adam's coefficients come from a run (its bits against the nodes: the training tests above).
      if (name === 'adamUpdate') return;
      // The out-of-place kernel on ONNX Runtime.
      const ts = inputs.map((x, i) => bp.tensor(x, i === inputs.length - 1 ? [] : [n]));
      const outs = bp.runKernelMulti(
        name,
        ts,
        attrs as never,
        written.map(() => ({ shape: [n], dtype: 'float32' as const })),
      );
      const want = await Promise.all(outs.map(async (o) => Array.from(await o.data())));
      expect(loop).toEqual(want);
      bp.dispose([...ts, ...outs]);
    },
  );
  it('checks every update of a batch before writing any: a gradient of the wrong length writes nothing', () => {
    const attrs = { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: true };
    const theta = [Float32Array.of(1, 2, 3), Float32Array.of(4, 5, 6)];
    const lr = Float32Array.of(0.5);
    const update = (t: Float32Array, g: Float32Array) => ({
      name: 'sgdUpdate' as const,
      attrs,
      inputs: [t, g, lr],
      targets: [t],
    });
    expect(() =>
      runHostUpdates([update(theta[0], Float32Array.of(1, 1, 1)), update(theta[1], Float32Array.of(1, 1))]),
    ).toThrow(/onnx host update: array 1 has 2 elements, the targets 3/);
    expect(theta.map((t) => Array.from(t))).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });
});
