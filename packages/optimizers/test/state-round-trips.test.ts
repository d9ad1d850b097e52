// Round trips of an optimizer's state: slots stay with their parameter objects (a parameter's name changes with the
// module it is listed from, and neither a compiled step nor a rejected step may lose or restart a slot because of that),
// a compiled step follows the fused-updates switch, and a checkpoint loads only into the optimizer that wrote it.

import { cpu } from '@backprop/backend-cpu';
import {
  CheckpointError,
  loadCheckpoint,
  losses,
  type Module,
  mul,
  nn,
  type Optimizer,
  type Parameter,
  randomNormal,
  saveCheckpoint,
  setBackend,
  type Tensor,
  tensor,
  trainStep,
  ValueError,
} from '@backprop/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { adam, adamW, sgd, useFusedUpdates } from '../src/index.js';

beforeEach(async () => {
  await setBackend(cpu());
});

const loss = (logits: Tensor, y: Tensor) => losses.softmaxCrossEntropy(logits, y);
const data = (): [Tensor, Tensor] => [
  randomNormal([16, 4], { seed: 7 }),
  tensor(
    Int32Array.from({ length: 16 }, (_, i) => i % 3),
    [16],
    'int32',
  ),
];
const values = (m: Module) => m.parameters().map((p) => Array.from(p.value.dataSync()));
const steps = (o: Optimizer) =>
  [...(o.getStateByParameter?.().slots ?? [])].map(([k, s]) => [
    typeof k === 'string' ? k : (k as Parameter).name,
    s.step.dataSync()[0],
  ]);

describe('slots follow parameter objects', () => {
  it('a compiled step on part of a model keeps the other slots and continues its own (as eager)', async () => {
    const [x, y] = data();
    const runs = [];
    for (const compile of [false, true]) {
      const backbone = nn.sequential(nn.dense(4, 8, { seed: 1 }), nn.tanh());
      const head = nn.sequential(nn.dense(8, 3, { seed: 3 }));
      const full = nn.sequential(backbone, head);
      const optimizer = adam({ lr: 0.01 });
      const whole = trainStep(full, { loss, optimizer, compile });
      for (let i = 0; i < 6; i++) await whole(x, y);
      const headOnly = trainStep(head, { loss, optimizer, compile });
      const features = backbone.forward(x);
      for (let i = 0; i < 6; i++) await headOnly(features, y);
      if (compile) expect(headOnly.mode).toBe('graph');
      const slots = optimizer.getStateByParameter?.().slots;
      runs.push({ weights: values(full), steps: full.parameters().map((p) => slots?.get(p)?.step.dataSync()[0]) });
    }
    // The head's slots count 12 updates, the backbone's 6, in both modes; weights bit for bit.
    expect(runs[0].steps).toEqual([6, 6, 12, 12]);
    expect(runs[1].steps).toEqual(runs[0].steps);
    expect(runs[1].weights).toEqual(runs[0].weights);
  });

  it('a rejected step changes nothing, even when the parameters are renamed afterwards', async () => {
    const [x, y] = data();
    const bad = mul(x, Number.NaN);
    const runs = [];
    for (const reject of [false, true]) {
      const net = nn.sequential(nn.dense(4, 3, { seed: 1 }));
      const optimizer = adam({ lr: 0.01 });
      const first = trainStep(net, { loss, optimizer });
      for (let i = 0; i < 5; i++) await first(x, y);
      if (reject) await expect(first(bad, y)).rejects.toThrow();
      // The same Parameters, now listed as 0.0.weight and 0.0.bias.
      const wrapped = trainStep(nn.sequential(net), { loss, optimizer });
      for (let i = 0; i < 5; i++) await wrapped(x, y);
      runs.push({ weights: values(net), steps: steps(optimizer) });
    }
    expect(runs[1].steps).toEqual(runs[0].steps);
    expect(runs[1].steps.map(([, t]) => t)).toEqual([10, 10]);
    expect(runs[1].weights).toEqual(runs[0].weights);
  });

  it('setStateByParameter puts each slot back on its parameter and checks its keys', async () => {
    const [x, y] = data();
    const net = nn.sequential(nn.dense(4, 3, { seed: 1 }));
    const optimizer = sgd({ lr: 0.1, momentum: 0.9 });
    const step = trainStep(net, { loss, optimizer });
    await step(x, y);
    const saved = optimizer.getStateByParameter();
    expect([...saved.slots.keys()]).toEqual(net.parameters());
    nn.sequential(net).namedParameters(); // renames them 0.0.weight, 0.0.bias
    optimizer.setStateByParameter(saved);
    expect(steps(optimizer)).toEqual([
      ['0.0.weight', 1],
      ['0.0.bias', 1],
    ]);
    expect(() =>
      optimizer.setStateByParameter({
        groups: saved.groups,
        slots: new Map([[3 as never, [...saved.slots.values()][0]]]),
      }),
    ).toThrow(ValueError);
    expect(steps(optimizer).length).toBe(2);
  });

  it('switching fused updates off retraces a compiled step (compiled and eager stay identical)', async () => {
    const [x, y] = data();
    const runs = [];
    for (const compile of [false, true]) {
      const net = nn.sequential(nn.dense(4, 3, { seed: 1 }));
      const optimizer = adam({ lr: 0.01 });
      const step = trainStep(net, { loss, optimizer, compile });
      const was = useFusedUpdates(true);
      try {
        for (let i = 0; i < 5; i++) await step(x, y);
        useFusedUpdates(false);
        for (let i = 0; i < 5; i++) await step(x, y);
      } finally {
        useFusedUpdates(was);
      }
      if (compile) expect(step.mode).toBe('graph');
      runs.push(values(net));
    }
    expect(runs[1]).toEqual(runs[0]);
  });

  it('a checkpoint written with one optimizer does not load into another with the same names (Adam into AdamW)', async () => {
    const [x, y] = data();
    const net = nn.sequential(nn.dense(4, 3, { seed: 1 }));
    const optimizer = adam({ lr: 0.01, weightDecay: 0.1 });
    await trainStep(net, { loss, optimizer })(x, y);
    const bytes = await saveCheckpoint(net, optimizer);
    const other = nn.sequential(nn.dense(4, 3, { seed: 2 }));
    const before = values(other);
    const wrong = adamW({ lr: 0.01, weightDecay: 0.1 });
    expect(() => loadCheckpoint(bytes, other, wrong)).toThrow(CheckpointError);
    expect(() => loadCheckpoint(bytes, other, wrong)).toThrow(
      /expected the state of AdamW; the checkpoint holds Adam's/,
    );
    expect(values(other)).toEqual(before);
    expect(wrong.getState().slots.size).toBe(0);
    const right = adam({ lr: 0.01, weightDecay: 0.1 });
    loadCheckpoint(bytes, other, right);
    expect(values(other)).toEqual(values(net));
    expect(right.getState().slots.size).toBe(2);
  });
});
