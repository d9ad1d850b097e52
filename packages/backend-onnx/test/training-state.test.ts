/**
 * One training state, on backend-cpu and on ONNX Runtime: a run resumed from a checkpoint — at an
 * epoch boundary or mid-epoch, with a scheduler, seeded dropout, BatchNorm and early stopping —
 * ends bit-identical to the run that never stopped; a non-finite step changes nothing; a group's
 * learning rate changed by a callback takes effect in compiled steps; eager and compiled fit agree
 * for every optimizer and penalty.
 */
import { cpu } from '@backprop/backend-cpu';
import * as bp from '@backprop/core';
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  cosineAnnealing,
  NAdam,
  RMSprop,
  reduceOnPlateau,
  SGD,
  scheduler,
} from '@backprop/optimizers';
import { batchNorm1d, dropout, earlyStopping, elasticNet, l1, l2, maxNorm } from '@backprop/regularizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OnnxBackend, onnx } from '../src/index.js';
import { rand } from './compare.js';

let ort: OnnxBackend;
beforeAll(async () => {
  ort = await onnx({ provider: 'cpu', threads: 2 });
});
afterAll(async () => {
  await ort.destroy?.();
});

const backends = [
  ['backend-cpu', () => cpu()],
  ['backend-onnx', () => ort],
] as const;

/** 40 examples of 4 features, 3 classes. */
const data: bp.ArrayDataset = {
  x: rand(160, 7),
  xShape: [40, 4],
  y: Int32Array.from({ length: 40 }, (_, i) => (i * 7) % 3),
  yShape: [40],
};

/**
 * dense → BatchNorm → relu → seeded dropout → global-generator dropout → dense; `offset` changes
 * the initial weights. Without dropout a compiled step runs as a graph; with it, the random draws
 * make each trace differ and compiled steps run eagerly (both are resumed exactly).
 */
const build = (offset = 0, withDropout = true) =>
  bp.nn.sequential(
    bp.nn.dense(4, 8, { seed: 1 + offset }),
    batchNorm1d(8),
    bp.nn.relu(),
    ...(withDropout ? [dropout(0.3, { seed: 5 }), dropout(0.2)] : []),
    bp.nn.dense(8, 3, { seed: 2 + offset }),
  );

const read = async (t: bp.Tensor) => Array.from(await t.data());
/** Every parameter and buffer, as plain numbers. */
const stateOf = (m: bp.Module) => Promise.all([...m.stateDict()].map(async ([k, t]) => [k, await read(t)] as const));
const weightsOf = async (ps: bp.Parameter[]) => (await Promise.all(ps.map((p) => read(p.value)))).flat();

interface Saved {
  bytes: Uint8Array;
  info: bp.CheckpointInfo;
}

/** A run of 4 epochs (batches of 6, 30 training examples: 5 batches) with all the stateful pieces. */
async function run(
  compile: boolean,
  { resume, offset = 0, withDropout = true }: { resume?: Uint8Array; offset?: number; withDropout?: boolean } = {},
) {
  const model = build(offset, withDropout);
  const optimizer = new Adam({ lr: 0.02, groups: [{ match: (p) => p.name.startsWith('5.'), lr: 0.05 }] });
  const saved: Saved[] = [];
  const history = await bp.fit(model, data, {
    loss: bp.losses.softmaxCrossEntropy,
    optimizer,
    batchSize: 6,
    epochs: 4,
    validation: 0.25,
    metrics: ['accuracy'],
    verbose: false,
    compile,
    resume,
    callbacks: [
      bp.checkpoint({ save: (bytes, info) => void saved.push({ bytes, info }), everyBatches: 2 }),
      scheduler(optimizer, cosineAnnealing({ tMax: 3 }), { per: 'step' }),
      reduceOnPlateau(optimizer, { patience: 0, factor: 0.5 }),
      earlyStopping({ patience: 10, restoreBest: true }),
    ],
  });
  const out = {
    compiled: history.compiled,
    history: history.epochs,
    state: await stateOf(model),
    lrs: optimizer.paramGroups.map((g) => g.lr),
    saved,
  };
  model.dispose();
  optimizer.dispose();
  return out;
}

describe.each(backends)('training state on %s', (_name, make) => {
  beforeAll(async () => {
    await bp.setBackend(make());
  });

  for (const [compile, withDropout] of [
    [false, true],
    [true, true],
    [true, false],
  ] as const) {
    it(`resumes bit-identically at an epoch boundary and mid-epoch (compile: ${compile}, dropout: ${withDropout})`, async () => {
      bp.manualSeed(3);
      const straight = await run(compile, { withDropout });
      expect(straight.compiled).toBe(compile && !withDropout);
      const atEpoch = straight.saved.find((s) => s.info.epoch === 2 && s.info.batch === 0);
      const midEpoch = straight.saved.find((s) => s.info.epoch === 1 && s.info.batch === 2);
      expect(atEpoch && midEpoch).toBeTruthy();
      for (const point of [atEpoch, midEpoch] as Saved[]) {
        bp.manualSeed(999); // the checkpoint restores the global generator
        const resumed = await run(compile, { resume: point.bytes, offset: 10, withDropout });
        expect(resumed.state).toEqual(straight.state);
        expect(resumed.history).toEqual(straight.history);
        expect(resumed.lrs).toEqual(straight.lrs);
        // The resumed run saves the very checkpoints the straight run saved after that point.
        const later = straight.saved.slice(straight.saved.indexOf(point) + 1);
        expect(resumed.saved.map((s) => s.info)).toEqual(later.map((s) => s.info));
        expect(resumed.saved.at(-1)?.bytes).toEqual(later.at(-1)?.bytes);
      }
    });
  }

  it('rejects a checkpoint that does not fit the run, changing nothing', async () => {
    bp.manualSeed(3);
    const { saved } = await run(false);
    const model = build();
    const before = await stateOf(model);
    const other = new SGD({ lr: 0.1 });
    await expect(
      bp.fit(model, data, {
        loss: bp.losses.softmaxCrossEntropy,
        optimizer: other,
        // The saved run's data order and metrics, so that the file itself is what does not fit
        // (another order or other metrics are a ValueError, checked first).
        batchSize: 6,
        validation: 0.25,
        metrics: ['accuracy'],
        verbose: false,
        resume: saved[0].bytes,
      }),
    ).rejects.toThrow(bp.CheckpointError);
    expect(await stateOf(model)).toEqual(before);
    expect(other.getState().slots.size).toBe(0);
    model.dispose();
  });

  // The MLP 4-8-3 with Adam lr 1e30 (weights overflow on the next forward), and one with BatchNorm
  // (whose running statistics must not move either) at lr 1e38.
  const diverging = {
    'MLP 4-8-3, lr 1e30': () =>
      [bp.nn.sequential(bp.nn.dense(4, 8, { seed: 1 }), bp.nn.relu(), bp.nn.dense(8, 3, { seed: 2 })), 1e30] as const,
    'with BatchNorm, lr 1e38': () =>
      [
        bp.nn.sequential(bp.nn.dense(4, 8, { seed: 1 }), batchNorm1d(8), bp.nn.tanh(), bp.nn.dense(8, 3, { seed: 2 })),
        1e38,
      ] as const,
  };
  for (const [name, make] of Object.entries(diverging))
    for (const compile of [false, 'auto', true] as const) {
      it(`a non-finite step throws and leaves every weight, buffer and slot as it was (${name}, compile: ${compile})`, async () => {
        const [model, lr] = make();
        const optimizer = new Adam({ lr });
        let last: (readonly [string, number[]])[] = [];
        const err = await bp
          .fit(model, data, {
            loss: bp.losses.softmaxCrossEntropy,
            optimizer,
            batchSize: 8,
            epochs: 20,
            verbose: false,
            compile,
            callbacks: [
              {
                onBatchEnd: async () => {
                  last = await stateOf(model);
                },
              },
            ],
          })
          .catch((e) => e);
        expect(err).toBeInstanceOf(bp.NonFiniteLossError);
        expect(err.message).toMatch(/nothing was updated/);
        const now = await stateOf(model);
        expect(now).toEqual(last);
        expect(now.flatMap(([, v]) => v).every(Number.isFinite)).toBe(true);
        const slots = [...optimizer.getState().slots.values()].flatMap((s) => Object.values(s.tensors));
        expect((await Promise.all(slots.map(read))).flat().every(Number.isFinite)).toBe(true);
        model.dispose();
        optimizer.dispose();
      });
    }

  it("a callback's change to one group's learning rate takes effect in compiled steps", async () => {
    const model = bp.nn.sequential(bp.nn.dense(4, 8, { seed: 1 }), bp.nn.tanh(), bp.nn.dense(8, 3, { seed: 2 }));
    const optimizer = new Adam({ lr: 0.05, groups: [{ match: (p) => p.name.startsWith('2.'), lr: 0.05 }] });
    let frozen: number[] = [];
    const h = await bp.fit(model, data, {
      loss: bp.losses.softmaxCrossEntropy,
      optimizer,
      batchSize: 10,
      epochs: 4,
      verbose: false,
      compile: true,
      callbacks: [
        bp.onEpochEnd(async (e) => {
          if (e !== 0) return;
          optimizer.paramGroups[0].lr = 0;
          frozen = await weightsOf(model.parameters().slice(2));
        }),
      ],
    });
    expect(h.compiled).toBe(true);
    expect(await weightsOf(model.parameters().slice(2))).toEqual(frozen);
    expect(await weightsOf(model.parameters().slice(0, 1))).not.toEqual(
      await weightsOf(build().parameters().slice(0, 1)),
    );
    model.dispose();
    optimizer.dispose();
  });
});

describe.each(backends)('eager and compiled fit agree on %s', (_name, make) => {
  beforeAll(async () => {
    await bp.setBackend(make());
  });
  const optimizers: Record<string, () => bp.Optimizer> = {
    SGD: () => new SGD({ lr: 0.1 }),
    'SGD momentum, Nesterov': () => new SGD({ lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }),
    'SGD, lecture form': () => new SGD({ lr: 0.1, momentum: 0.5, form: 'lecture' }),
    'SGD, lecture Nesterov look-ahead': () => new SGD({ lr: 0.1, momentum: 0.5, form: 'lecture', nesterov: true }),
    Adam: () => new Adam({ lr: 0.02 }),
    'Adam, AMSGrad, δ inside': () => new Adam({ lr: 0.02, amsgrad: true, epsPlacement: 'inside' }),
    AdamW: () => new AdamW({ lr: 0.02 }),
    Adamax: () => new Adamax({ lr: 0.02 }),
    NAdam: () => new NAdam({ lr: 0.02 }),
    RMSprop: () => new RMSprop({ lr: 0.01, centered: true, momentum: 0.5 }),
    Adagrad: () => new Adagrad({ lr: 0.05 }),
    Adadelta: () => new Adadelta({ lr: 1 }),
  };
  const penalties: Record<string, () => { penalties?: bp.Penalty[]; callbacks?: bp.Callback[] }> = {
    none: () => ({}),
    l2: () => ({ penalties: [l2(1e-2)] }),
    l1: () => ({ penalties: [l1(1e-3)] }),
    elasticNet: () => ({ penalties: [elasticNet({ l1: 1e-3, l2: 1e-2 })] }),
    maxNorm: () => ({ callbacks: [maxNorm(1)] }),
  };
  const cases = [
    ...Object.keys(optimizers).map((o) => [o, 'none'] as const),
    ...Object.keys(penalties)
      .filter((p) => p !== 'none')
      .map((p) => ['Adam', p] as const),
  ];
  it.each(cases)('%s with penalty %s', async (opt, penalty) => {
    const fitWith = async (compile: boolean) => {
      const model = bp.nn.sequential(bp.nn.dense(4, 6, { seed: 1 }), bp.nn.tanh(), bp.nn.dense(6, 3, { seed: 2 }));
      const optimizer = optimizers[opt]();
      const h = await bp.fit(model, data, {
        loss: bp.losses.softmaxCrossEntropy,
        optimizer,
        batchSize: 8,
        epochs: 3,
        verbose: false,
        compile,
        ...penalties[penalty](),
      });
      const weights = await weightsOf(model.parameters());
      model.dispose();
      optimizer.dispose();
      return { losses: h.epochs.map((e) => e.loss), weights };
    };
    const eager = await fitWith(false);
    const compiled = await fitWith(true);
    expect(compiled.weights.length).toBe(eager.weights.length);
    compiled.weights.forEach((w, i) => {
      expect(Math.abs(w - eager.weights[i])).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(eager.weights[i]));
    });
    compiled.losses.forEach((l, i) => {
      expect(Math.abs(l - eager.losses[i])).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(eager.losses[i]));
    });
  });
});
