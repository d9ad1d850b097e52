/**
 * Training steps whose fused updates are written into the parameters and optimizer state
 * (backend-cpu's `updateInPlace`): bit for bit the results of out-of-place updates on the same
 * backend, step after step, for every fused optimizer; less memory (the step's peak within
 * 1.3× of `summary`'s estimate); and still all-or-nothing: a non-finite step, a throw inside
 * the optimizer, a view a user holds and a checkpoint being saved all see exactly the old values.
 */
import { type CpuBackend, cpu } from '@backprop/backend-cpu';
import {
  defaultGenerator,
  liveTensorCount,
  losses,
  measureTrainingStep,
  NonFiniteLossError,
  nn,
  type Optimizer,
  Parameter,
  setBackend,
  stopGradient,
  type Tensor,
  type TrainStep,
  tensor,
  trainStep,
  ValueError,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { Adam, adagrad, adam, adamW, rmsprop, sgd } from '../src/index.js';
import type { TransformState, UpdateContext } from '../src/transform.js';

const bits = (t: Tensor) => Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));

async function backend(inPlace: boolean): Promise<CpuBackend> {
  const b = cpu();
  await setBackend(inPlace ? b : { ...b, updateInPlace: undefined });
  return b;
}

function model(): nn.Sequential {
  defaultGenerator.manualSeed(11);
  return nn.sequential(nn.dense(20, 96), nn.relu(), nn.dense(96, 5));
}

const batch = (k: number, bad = false) => {
  const xs = Array.from({ length: 32 * 20 }, (_, i) => (bad && i === 7 ? Number.NaN : Math.sin(i * 0.37 + k)));
  return [
    tensor(xs, [32, 20]),
    tensor(
      Array.from({ length: 32 }, (_, i) => (i + k) % 5),
      [32],
      'int32',
    ),
  ] as const;
};

/** Everything a run leaves: losses, parameter and state bits. */
async function train(make: () => Optimizer, inPlace: boolean, batches: readonly number[]) {
  await backend(inPlace);
  const m = model();
  const step = trainStep(m, { loss: losses.softmaxCrossEntropy, optimizer: make() });
  const lossesSeen: (number | string)[] = [];
  const identity: boolean[] = [];
  for (const k of batches) {
    const before = m.parameters().map((p) => p.value);
    try {
      lossesSeen.push((await step(...batch(Math.abs(k), k < 0))).loss);
    } catch (e) {
      lossesSeen.push((e as Error).name);
    }
    identity.push(m.parameters().every((p, i) => p.value === before[i]));
  }
  return { losses: lossesSeen, identity, ...(await stateBits(m, step)) };
}

async function stateBits(m: nn.Sequential, step: TrainStep) {
  const params = m.parameters().map((p) => bits(p.value));
  const state = [...(step.state.optimizer?.getState().slots ?? [])].map(([name, s]) => [
    name,
    bits(s.step),
    Object.entries(s.tensors).map(([k, t]) => [k, bits(t)]),
  ]);
  return { params, state };
}

const optimizers: [string, () => Optimizer][] = [
  ['Adam', () => adam({ lr: 1e-2 })],
  ['AdamW', () => adamW({ lr: 1e-2, weightDecay: 0.1 })],
  ['Adam amsgrad', () => adam({ lr: 1e-2, amsgrad: true, weightDecay: 0.01 })],
  ['SGD', () => sgd({ lr: 0.1 })],
  ['SGD Nesterov momentum', () => sgd({ lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 })],
  ['RMSprop centered momentum', () => rmsprop({ lr: 1e-3, centered: true, momentum: 0.5 })],
  ['Adagrad', () => adagrad({ lr: 0.05 })],
];

describe.each(optimizers)('%s', (_, make) => {
  it('in place gives the out-of-place results bit for bit, a rejected non-finite step included', async () => {
    const batches = [1, 2, -3, 4, 5];
    const a = await train(make, true, batches);
    const b = await train(make, false, batches);
    expect(a.losses).toEqual(b.losses);
    expect(a.losses[2]).toBe('NonFiniteLossError');
    expect(a.params).toEqual(b.params);
    expect(a.state).toEqual(b.state);
    // After the first step (which creates the state), every update wrote into the parameters;
    // the rejected step puts back the snapshot's views of the same, unwritten storage.
    expect(a.identity.slice(1)).toEqual([true, false, true, true]);
    expect(b.identity).toEqual([false, false, false, false, false]); // out of place: new tensors every step
  });
});

describe('memory', () => {
  it("one Adam step's peak stays within 1.3× the summary estimate, out of place it does not", async () => {
    const ratios: number[] = [];
    for (const inPlace of [true, false]) {
      await backend(inPlace);
      defaultGenerator.manualSeed(1);
      const m = nn.sequential(nn.dense(784, 256), nn.relu(), nn.dense(256, 256), nn.relu(), nn.dense(256, 10));
      const optimizer = adam();
      const options = { batchSize: 64, loss: losses.softmaxCrossEntropy, optimizer, optimizerSlots: 2 };
      await measureTrainingStep(m, options); // creates the state
      const r = await measureTrainingStep(m, options);
      ratios.push((r.bytesBefore + (r.measuredStepBytes as number)) / r.estimate.bytes.total);
    }
    expect(ratios[0]).toBeLessThanOrEqual(1.3);
    expect(ratios[1]).toBeGreaterThan(1.3);
  });
});

describe('the old values stay exact for whoever still holds them', () => {
  it('a view of a parameter keeps the values it saw; that parameter is updated out of place', async () => {
    await backend(true);
    const m = model();
    const step = trainStep(m, { loss: losses.softmaxCrossEntropy, optimizer: adam({ lr: 1e-2 }) });
    await step(...batch(1));
    const [w, b] = m.parameters();
    const view = stopGradient(w.value);
    const saw = bits(view);
    const [wBefore, bBefore] = [w.value, b.value];
    await step(...batch(2));
    expect(bits(view)).toEqual(saw);
    expect(bits(w.value)).not.toEqual(saw);
    expect(w.value).not.toBe(wBefore); // the viewed parameter got a new tensor…
    expect(b.value).toBe(bBefore); // …the others were written in place
    view.dispose();
  });

  it('a checkpoint being saved while a step runs holds the values from before the step', async () => {
    await backend(true);
    const m = model();
    const step = trainStep(m, { loss: losses.softmaxCrossEntropy, optimizer: adam({ lr: 1e-2 }) });
    await step(...batch(1));
    const expected = m.parameters().map((p) => bits(p.value));
    const saving = step.state.save();
    await step(...batch(2));
    const bytes = await saving;
    expect(m.parameters().map((p) => bits(p.value))).not.toEqual(expected);
    const fresh = model();
    const restored = trainStep(fresh, { loss: losses.softmaxCrossEntropy, optimizer: adam({ lr: 1e-2 }) });
    restored.state.load(bytes);
    expect(fresh.parameters().map((p) => bits(p.value))).toEqual(expected);
  });

  it('a throw inside the optimizer after updates were queued writes none of them', async () => {
    await backend(true);
    let failOn: Tensor | undefined;
    class FailingAdam extends Adam {
      protected override fused(p: Tensor, g: Tensor, s: TransformState, ctx: UpdateContext, h: never) {
        if (p === failOn) throw new ValueError('FailingAdam: refused');
        return super.fused(p, g, s, ctx, h);
      }
    }
    const m = model();
    const optimizer = new FailingAdam({ lr: 1e-2 });
    const step = trainStep(m, { loss: losses.softmaxCrossEntropy, optimizer });
    await step(...batch(1));
    const params = m.parameters() as Parameter[];
    failOn = params[params.length - 1].value; // the last parameter: the others are queued by then
    const before = await stateBits(m, step);
    await expect(step(...batch(2))).rejects.toThrow(/refused/);
    expect(await stateBits(m, step)).toEqual(before);
    failOn = undefined;
    await step(...batch(2)); // and the next step runs normally
  });

  it('a non-finite step leaves everything bit-identical with fused and composed groups in one step', async () => {
    await backend(true);
    const m = model();
    // Biases take the lecture's δ-inside-the-root Adam (composed, out of place), weights the fused one (in place).
    const optimizer = adam({ lr: 1e-2, groups: [{ match: (p) => p.name.endsWith('bias'), epsPlacement: 'inside' }] });
    const step = trainStep(m, { loss: losses.softmaxCrossEntropy, optimizer });
    await step(...batch(1));
    const [weight, bias] = m.parameters().map((p) => p.value);
    await step(...batch(2));
    expect(m.parameters()[0].value).toBe(weight); // fused: written in place
    expect(m.parameters()[1].value).not.toBe(bias); // composed: a new tensor
    const before = await stateBits(m, step);
    await expect(step(...batch(3, true))).rejects.toThrow(NonFiniteLossError);
    expect(await stateBits(m, step)).toEqual(before);
  });
});

describe('tensors that are read and written by one step', () => {
  const makers = { sgd: () => sgd({ lr: 0.1 }), adam: () => adam({ lr: 0.1 }), rmsprop: () => rmsprop({ lr: 0.1 }) };
  for (const [name, make] of Object.entries(makers)) {
    it(`${name}: a gradient that is the parameter's own tensor is read before the write (it was read as it was written)`, async () => {
      const run = async (inPlace: boolean, releaseGradients: boolean) => {
        await backend(inPlace);
        const p = new Parameter('p', tensor([1, 2, -3]));
        const o = make();
        for (let i = 0; i < 3; i++) o.step([p], [p.value], { inPlace: true, releaseGradients });
        const out = bits(p.value);
        o.dispose();
        p.dispose();
        return out;
      };
      const reference = await run(false, false);
      for (const release of [false, true]) expect(await run(true, release)).toEqual(reference);
    });
  }

  it('two parameters built on one tensor train independently; a frozen one keeps its values', async () => {
    await backend(true);
    const a = new Parameter('a', tensor([1, 2]));
    const b = new Parameter('b', a.value);
    const frozen = new Parameter('frozen', a.value);
    frozen.trainable = false;
    sgd({ lr: 0.1 }).step([a, b, frozen], [tensor([1, 1]), tensor([2, 2]), tensor([5, 5])], { inPlace: true });
    expect(Array.from(a.value.dataSync())).toEqual([Math.fround(0.9), Math.fround(1.9)]);
    expect(Array.from(b.value.dataSync())).toEqual([Math.fround(0.8), Math.fround(1.8)]);
    expect(Array.from(frozen.value.dataSync())).toEqual([1, 2]);
    for (const p of [a, b, frozen]) p.dispose();
  });
});

describe('step options', () => {
  it('garbage options are a ValueError naming the optimizer and the option, with nothing changed', async () => {
    await backend(true);
    const m = model();
    const optimizer = adam({ lr: 1e-2 });
    const step = trainStep(m, { loss: losses.softmaxCrossEntropy, optimizer });
    await step(...batch(1));
    const params = m.parameters();
    const grads = params.map((p) => p.value.mul(0.1));
    const before = await stateBits(m, step);
    for (const [options, message] of [
      [{ inPlace: 'yes' }, /Adam\.step: options\.inPlace must be true or false, got/],
      [{ releaseGradients: 1 }, /Adam\.step: options\.releaseGradients must be true or false/],
      [{ guard: tensor(0) }, /Adam\.step: options\.guard applies to in-place updates only/],
      [null, /Adam\.step: options must be an object/],
    ] as const) {
      const live = liveTensorCount();
      expect(() => optimizer.step(params, grads, options as never)).toThrow(message);
      expect(liveTensorCount()).toBe(live);
      expect(await stateBits(m, step)).toEqual(before);
    }
    const badGuard = tensor([0, 0]);
    const live = liveTensorCount();
    expect(() => optimizer.step(params, grads, { inPlace: true, guard: badGuard })).toThrow(
      /InPlaceUpdates: guard must be a float32 scalar/,
    );
    expect(liveTensorCount()).toBe(live);
    expect(await stateBits(m, step)).toEqual(before);
    for (const g of [...grads, badGuard]) g.dispose();
  });
});
