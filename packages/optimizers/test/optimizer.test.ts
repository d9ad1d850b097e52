// Validation, all-or-nothing steps, memory, groups, frozen parameters, state save/resume and the fused path.

import { cpu } from '@backprop/backend-cpu';
import {
  DisposedError,
  DTypeError,
  dispose,
  liveTensorCount,
  Parameter,
  ShapeError,
  scalar,
  setBackend,
  type Tensor,
  tensor,
  tidy,
  ValueError,
} from '@backprop/core';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  Adam,
  AdamW,
  cosineAnnealing,
  RMSprop,
  runFusedUpdate,
  SGD,
  scheduler,
  useFusedUpdates,
} from '../src/index.js';
import { cpuWithFused } from './fused-kernels.js';
import { lossOf, makeParams, readGolden, valueAndGrad } from './problems.js';
import { stateValues } from './state.js';

beforeEach(async () => {
  await setBackend(cpu());
});

const read = (p: Parameter) => Array.from(p.value.dataSync());
const snapshot = stateValues;

describe('validation', () => {
  it('names a Parameter of another copy of @backprop/core instead of "not a Parameter"', () => {
    const foreign = { [Symbol.for('@backprop/core:Parameter')]: true, name: 'w' };
    expect(() => new SGD({ lr: 0.1 }).step([foreign as never], [tensor([1])])).toThrow(
      /params\[0\] is not a Parameter; it is a Parameter of another copy of @backprop\/core/,
    );
  });

  it('rejects bad hyperparameters with ValueError', () => {
    expect(() => new SGD({ lr: -1 })).toThrow(ValueError);
    expect(() => new SGD({ lr: Number.NaN })).toThrow(ValueError);
    expect(() => new Adam({ betas: [1, 0.999] })).toThrow(ValueError);
    expect(() => new Adam({ betas: [0.9, -0.1] })).toThrow(ValueError);
    expect(() => new SGD({ nesterov: true })).toThrow(/nesterov needs momentum/);
    expect(() => new RMSprop({ eps: -1 })).toThrow(ValueError);
    expect(() => new Adam({ groups: [{ match: () => true, lr: Number.POSITIVE_INFINITY }] })).toThrow(ValueError);
    expect(() => {
      new SGD().lr = Number.NaN;
    }).toThrow(ValueError);
  });

  it('rejects params and grads that do not pair up, and changes nothing', () => {
    const a = new Parameter('a', tensor([1, 2]));
    const b = new Parameter('b', tensor([3]));
    const opt = new Adam({ lr: 0.1 });
    opt.step([a, b], [tensor([1, 1]), tensor([1])]);
    const before = [read(a), read(b), snapshot(opt)];
    expect(() => opt.step([a, b], [tensor([1, 1])])).toThrow(ValueError);
    expect(() => opt.step([a, b], [tensor([1, 1]), tensor([1, 2])])).toThrow(ShapeError);
    expect(() => opt.step([a, b], [tensor([1, 1]), tensor([1], [1], 'int32')])).toThrow(DTypeError);
    const gone = tensor([1]);
    gone.dispose();
    expect(() => opt.step([a, b], [tensor([1, 1]), gone])).toThrow(DisposedError);
    expect(() => opt.step([a, a], [tensor([1, 1]), tensor([1, 1])])).toThrow(/twice/);
    opt.paramGroups[0].lr = Number.NaN;
    expect(() => opt.step([a, b], [tensor([1, 1]), tensor([1])])).toThrow(ValueError);
    opt.paramGroups[0].lr = 0.1;
    expect([read(a), read(b), snapshot(opt)]).toEqual(before);
  });

  it('is all-or-nothing when the update itself throws midway', async () => {
    const backend = cpuWithFused({ failOn: 4 });
    await setBackend(backend);
    const a = new Parameter('a', tensor([1, 2]));
    const b = new Parameter('b', tensor([3]));
    const opt = new Adam({ lr: 0.1 });
    const grads = [tensor([1, 1]), tensor([1])];
    opt.step([a, b], grads); // calls 1, 2
    const before = [read(a), read(b), snapshot(opt)];
    const live = liveTensorCount();
    expect(() => opt.step([a, b], grads)).toThrow(/injected/); // call 3 succeeds for a, 4 throws for b
    expect([read(a), read(b), snapshot(opt)]).toEqual(before);
    expect(liveTensorCount()).toBe(live);
  });
});

describe('memory', () => {
  it('frees every tensor it replaces (also inside an outer tidy, as fit calls it)', () => {
    const p = new Parameter('w', tensor([1, 2, 3]));
    const opts: import('@backprop/core').Optimizer[] = [
      new Adam({ amsgrad: true }),
      new SGD({ momentum: 0.9 }),
      new SGD({ momentum: 0.5, nesterov: true, form: 'lecture' }),
    ];
    for (const opt of opts) {
      const g = tensor([0.1, -0.2, 0.3]);
      opt.beforeGradient?.([p]);
      tidy(() => opt.step([p], [g]));
      const live = liveTensorCount();
      for (let i = 0; i < 5; i++) {
        opt.beforeGradient?.([p]);
        tidy(() => opt.step([p], [g]));
      }
      expect(liveTensorCount()).toBe(live);
      g.dispose();
      opt.dispose();
    }
  });
});

describe('groups and frozen parameters', () => {
  it('gives groups their own lr and weight decay and skips frozen parameters', () => {
    const w = new Parameter('layer.weight', tensor([1]));
    const bias = new Parameter('layer.bias', tensor([1]));
    const frozen = new Parameter('frozen', tensor([1]));
    frozen.trainable = false;
    const opt = new SGD({
      lr: 0.1,
      weightDecay: 1,
      groups: [{ match: (p) => p.name.endsWith('bias'), weightDecay: 0, lr: 0.5 }],
    });
    opt.step([w, bias, frozen], [tensor([1]), tensor([1]), tensor([1])]);
    expect(read(w)[0]).toBeCloseTo(1 - 0.1 * (1 + 1), 6);
    expect(read(bias)[0]).toBeCloseTo(1 - 0.5, 6);
    expect(read(frozen)[0]).toBe(1);
    opt.lr = 0.01;
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.01, 0.01]);
  });
});

describe('state save and load', () => {
  for (const fused of [true, false]) {
    it(`a run interrupted, saved to bytes and resumed gives the same weights as one that was not (fused ${fused})`, async () => {
      const was = useFusedUpdates(fused);
      const golden = readGolden('mlp');
      const run = (params: Map<string, Parameter>, opt: AdamW, steps: number, sched: { step(): void }) => {
        const names = [...params.keys()];
        const list = [...params.values()];
        const f = lossOf('mlp', golden, names);
        for (let i = 0; i < steps; i++) {
          const { value, grads } = tidy(() => valueAndGrad(f)(...list.map((p) => p.value)));
          opt.step(list, grads);
          sched.step();
          dispose([value, grads]);
        }
      };
      const make = () =>
        new AdamW({ lr: 0.02, amsgrad: true, groups: [{ match: (p) => p.name.startsWith('b'), weightDecay: 0 }] });
      const straight = makeParams(golden);
      const o1 = make();
      run(straight, o1, 20, scheduler(o1, cosineAnnealing({ tMax: 7 }), { per: 'step' }));

      const first = makeParams(golden);
      const o2 = make();
      const s2 = scheduler(o2, cosineAnnealing({ tMax: 7 }), { per: 'step' });
      run(first, o2, 10, s2);
      // A copy of the typed state, as a checkpoint holds it (core's tests cover the file itself).
      const state = o2.getState();
      const copy = (t: Tensor) => tensor(t.dataSync(), t.shape, t.dtype);
      const saved = {
        groups: state.groups,
        slots: new Map(
          [...state.slots].map(([k, v]) => [
            k,
            {
              step: copy(v.step),
              tensors: Object.fromEntries(Object.entries(v.tensors).map(([n, t]) => [n, copy(t)])),
            },
          ]),
        ),
      };
      const savedSched = s2.getState();
      const resumed = new Map([...first].map(([n, p]) => [n, new Parameter(n, tensor(p.value.dataSync(), p.shape))]));
      o2.dispose();
      const o3 = make();
      const s3 = scheduler(o3, cosineAnnealing({ tMax: 7 }), { per: 'step' });
      o3.setState(saved);
      s3.setState(savedSched);
      dispose([...saved.slots.values()].flatMap((v) => [v.step, ...Object.values(v.tensors)]));
      run(resumed, o3, 10, s3);
      for (const [n, p] of straight) expect(read(resumed.get(n) as Parameter)).toEqual(read(p));
      useFusedUpdates(was);
    });
  }

  it('rejects malformed state with ValueError and keeps its own', () => {
    const p = new Parameter('w', tensor([1]));
    const opt = new Adam();
    opt.step([p], [tensor([1])]);
    const before = snapshot(opt);
    const { groups } = opt.getState();
    const slot = (step: Tensor, expAvg: Tensor) => ({
      groups,
      slots: new Map([['w', { step, tensors: { expAvg, expAvgSq: tensor([1]) } }]]),
    });
    expect(() => opt.setState({ groups: [], slots: new Map() })).toThrow(/expected 1 groups/);
    expect(() => opt.setState({ groups: [{ ...groups[0], lr: -1 }], slots: new Map() })).toThrow(ValueError);
    expect(() => opt.setState({ groups: [{ ...groups[0], betas: [0.9] }], slots: new Map() })).toThrow(/betas/);
    expect(() => opt.setState({ groups: [{ ...groups[0], typo: 1 }], slots: new Map() })).toThrow(
      /unknown hyperparameters/,
    );
    expect(() => opt.setState(slot(tensor([1]), tensor([1])))).toThrow(/step count of w must be an int32 scalar/);
    expect(() => opt.setState(slot(scalar(1, 'int32'), tensor([1], [1], 'int32')))).toThrow(
      /expAvg of w must be float32/,
    );
    expect(snapshot(opt)).toEqual(before);
  });
});

describe('fused update kernels', () => {
  it('are used when the backend has them and agree with the core-op fallback', async () => {
    const backend = cpuWithFused();
    await setBackend(backend);
    for (const make of [
      () => new Adam({ amsgrad: true, weightDecay: 0.1 }),
      () => new AdamW({ weightDecay: 0.1 }),
      // The lecture's δ inside the root is composed, never fused: it adds no adamUpdate call.
      () => new AdamW({ epsPlacement: 'inside' }),
      () => new SGD({ lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
    ]) {
      const results: number[][] = [];
      for (const fused of [true, false]) {
        useFusedUpdates(fused);
        const p = new Parameter('w', tensor([0.5, -1, 2]));
        const opt = make();
        for (let i = 0; i < 5; i++) opt.step([p], [tensor([0.3 - i, 0.2 * i, -0.1])]);
        results.push(read(p));
      }
      useFusedUpdates(true);
      results[0].forEach((v, i) => {
        expect(v).toBeCloseTo(results[1][i], 6);
      });
    }
    expect(backend.calls.adamUpdate).toBe(10);
    expect(backend.calls.sgdUpdate).toBe(5);
  });

  it('runFusedUpdate rejects a wrong input count, shape or dtype with a typed error naming the kernel', async () => {
    await setBackend(cpu());
    const a = tensor([1, 2]);
    const lr = scalar(0.1);
    const rms = { decay: 0.9, scale: 0.1, eps: 1e-8, weightDecay: 0, momentum: 0, centered: true };
    expect(() => runFusedUpdate('rmspropUpdate', [a, a, a, lr], rms)).toThrow(ValueError);
    expect(() => runFusedUpdate('rmspropUpdate', [a, a, a, lr], rms)).toThrow(
      'runFusedUpdate(rmspropUpdate): expected 5 input tensors for these attributes, got 4',
    );
    expect(() => runFusedUpdate('rmspropUpdate', [a, a, tensor([1, 2, 3]), a, lr], rms)).toThrow(ShapeError);
    expect(() => runFusedUpdate('rmspropUpdate', [a, a, tensor([1, 2], [2], 'int32'), a, lr], rms)).toThrow(DTypeError);
    expect(() => runFusedUpdate('rmspropUpdate', [a, a, a, a, a], rms)).toThrow(
      'rmspropUpdate: lr must have shape [], got [2]',
    );
    const adam = { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false };
    expect(() => runFusedUpdate('adamUpdate', [a, a, a, a, a, lr], adam)).toThrow(
      'adamUpdate: step must be int32, got float32',
    );
    const sgd = { momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0, firstStep: false };
    expect(() => runFusedUpdate('sgdUpdate', [a, a, lr], sgd)).toThrow(ValueError);
    expect(runFusedUpdate('sgdUpdate', [a, a, lr], { ...sgd, firstStep: true })?.length).toBe(2);
  });
});
