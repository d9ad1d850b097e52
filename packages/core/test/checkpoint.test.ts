/** Checkpoints during fit, and resuming a run exactly where it stopped. */
import {
  type ArrayDataset,
  bernoulli,
  CheckpointError,
  checkpoint,
  dispose,
  fit,
  inspectCheckpoint,
  loadCheckpoint,
  losses,
  manualSeed,
  mul,
  nn,
  parseSafetensors,
  type SafetensorsEntry,
  saveCheckpoint,
  saveSafetensors,
  scalar,
  type Tensor,
  type TrainingContext,
  TrainingState,
  tensor,
  ValueError,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Momentum } from './optimizers.js';
import { useCpu } from './setup.js';

beforeAll(useCpu);

/** A layer that multiplies by a random mask from the global generator, so resuming needs the random state. */
class Noise extends nn.Module {
  forward(x: Tensor): Tensor {
    return this.training ? mul(x, bernoulli(x.shape, 0.9).mul(1 / 0.9)) : x;
  }
}

function data(): ArrayDataset {
  const n = 24;
  const x = new Float32Array(n * 3).map((_, i) => Math.sin(i * 1.7));
  const y = new Int32Array(n).map((_, i) => i % 3);
  return { x, xShape: [n, 3], y, yShape: [n] };
}

/** A parsed entry as a tensor of its own (to write into another file). */
const tensorOf = (e: SafetensorsEntry): Tensor => {
  const bytes = e.data.slice();
  const values = e.dtype === 'int32' ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer);
  return tensor(values, [...e.shape], e.dtype);
};

const build = () => nn.sequential(nn.dense(3, 6, { seed: 1 }), new Noise(), nn.tanh(), nn.dense(6, 3, { seed: 2 }));
const options = { loss: losses.softmaxCrossEntropy, batchSize: 5, verbose: false } as const;

describe('checkpoint', () => {
  it('a run interrupted after 3 of 6 epochs and resumed ends with the same weights as one that was not', async () => {
    manualSeed(11);
    const straight = build();
    await fit(straight, data(), { ...options, optimizer: new Momentum(0.1), epochs: 6 });

    manualSeed(11);
    const saved: Uint8Array[] = [];
    const first = build();
    await fit(first, data(), {
      ...options,
      optimizer: new Momentum(0.1),
      epochs: 3,
      callbacks: [checkpoint({ save: (b) => void saved.push(b) })],
    });
    manualSeed(999);
    const resumed = build();
    const opt = new Momentum(0.1);
    await fit(resumed, data(), {
      ...options,
      optimizer: opt,
      epochs: 6,
      resume: saved[2],
      callbacks: [checkpoint({ save: () => {} })],
    });

    for (const [a, b] of resumed.parameters().map((p, i) => [p, straight.parameters()[i]] as const)) {
      expect(Array.from(await a.value.data())).toEqual(Array.from(await b.value.data()));
    }
  });

  it('a run a callback stopped trains no further when resumed from any of its checkpoints: same weights, history and stop reason', async () => {
    // Stops after its third epoch (index 2), as early stopping would.
    const stopAtThird = {
      onEpochEnd(epoch: number, _logs: unknown, ctx: TrainingContext) {
        if (epoch === 2) ctx.stop('enough');
      },
    };
    manualSeed(11);
    const saved: Uint8Array[] = [];
    const straight = build();
    const first = await fit(straight, data(), {
      ...options,
      optimizer: new Momentum(0.1),
      epochs: 6,
      callbacks: [stopAtThird, checkpoint({ save: (b) => void saved.push(b) })],
    });
    expect(first.epochs).toHaveLength(3);
    expect(first.stopReason).toBe('enough');
    expect(saved).toHaveLength(3);
    expect(inspectCheckpoint(saved[1]).stopReason).toBeUndefined();
    expect(inspectCheckpoint(saved[2]).stopReason).toBe('enough');
    const weights = await Promise.all(straight.parameters().map((p) => p.value.data()));
    for (const bytes of saved) {
      manualSeed(999);
      const resumed = build();
      const lines: string[] = [];
      const again = await fit(resumed, data(), {
        ...options,
        verbose: true,
        log: (line: string) => void lines.push(line),
        optimizer: new Momentum(0.1),
        epochs: 6,
        resume: bytes,
        callbacks: [stopAtThird, checkpoint({ save: () => {} })],
      });
      // Before, a run resumed from the last checkpoint trained epochs 4 to 6.
      expect(again.epochs).toEqual(first.epochs);
      expect(again.stopReason).toBe('enough');
      expect(await Promise.all(resumed.parameters().map((p) => p.value.data()))).toEqual(weights);
      if (bytes === saved[2])
        expect(lines.some((l) => l.includes('training stopped — enough (before the checkpoint was saved)'))).toBe(true);
    }
  });

  it('a stop asked for mid-epoch ends the run with that epoch, and a resume from a checkpoint after it finishes the epoch too', async () => {
    const stopMidEpoch = {
      onBatchEnd(batch: number, _logs: unknown, ctx: TrainingContext) {
        if (ctx.state.position.epoch === 1 && batch === 1) ctx.stop('mid-epoch');
      },
    };
    manualSeed(11);
    const saved: Uint8Array[] = [];
    const straight = build();
    const first = await fit(straight, data(), {
      ...options,
      optimizer: new Momentum(0.1),
      epochs: 4,
      callbacks: [stopMidEpoch, checkpoint({ everyBatches: 1, save: (b) => void saved.push(b) })],
    });
    expect(first.epochs).toHaveLength(2);
    expect(first.stopReason).toBe('mid-epoch');
    const weights = await Promise.all(straight.parameters().map((p) => p.value.data()));
    // Checkpoints saved after the stop, in the middle of epoch 2: each resumes and finishes that epoch.
    const after = saved.filter((b) => inspectCheckpoint(b).stopReason !== undefined);
    expect(after.some((b) => inspectCheckpoint(b).position.batch > 0)).toBe(true);
    for (const bytes of after) {
      manualSeed(999);
      const resumed = build();
      const again = await fit(resumed, data(), {
        ...options,
        optimizer: new Momentum(0.1),
        epochs: 4,
        resume: bytes,
        callbacks: [stopMidEpoch, checkpoint({ everyBatches: 1, save: () => {} })],
      });
      expect(again.epochs).toEqual(first.epochs);
      expect(await Promise.all(resumed.parameters().map((p) => p.value.data()))).toEqual(weights);
    }
  });

  it('a run resumed mid-epoch calls onEpochBegin for that epoch again, so what it sets outside the state (a frozen layer) holds', async () => {
    // Layer 0 trains in epoch 0 only: set when each epoch begins, and not saved in a checkpoint.
    const begins: [number, number][] = [];
    const freezeAfterFirst = {
      onEpochBegin(epoch: number, ctx: TrainingContext) {
        begins.push([epoch, ctx.state.position.batch]);
        ctx.model.parameters()[0].trainable = epoch < 1;
      },
    };
    const plain = () => nn.sequential(nn.dense(3, 6, { seed: 1 }), nn.tanh(), nn.dense(6, 3, { seed: 2 }));
    const run = { ...options, shuffle: false, epochs: 3 } as const;
    const saved: Uint8Array[] = [];
    const straight = plain();
    await fit(straight, data(), {
      ...run,
      optimizer: new Momentum(0.1),
      callbacks: [freezeAfterFirst, checkpoint({ everyBatches: 1, save: (b) => void saved.push(b) })],
    });
    const weights = await Promise.all(straight.parameters().map((p) => p.value.data()));
    const mid = saved.find(
      (b) => inspectCheckpoint(b).position.epoch === 1 && inspectCheckpoint(b).position.batch === 2,
    );
    expect(mid).toBeDefined();
    begins.length = 0;
    const resumed = plain(); // all trainable, as a fresh model is
    await fit(resumed, data(), {
      ...run,
      optimizer: new Momentum(0.1),
      resume: mid,
      callbacks: [freezeAfterFirst, checkpoint({ everyBatches: 1, save: () => {} })],
    });
    // Before, the resumed epoch 1 skipped the hook and trained layer 0 for its last batches.
    expect(begins).toEqual([
      [1, 2],
      [2, 0],
    ]);
    expect(await Promise.all(resumed.parameters().map((p) => p.value.data()))).toEqual(weights);
  });

  it('a resume whose data order differs from the saved run is a ValueError before anything is restored (it trained on other batches)', async () => {
    const saved: Uint8Array[] = [];
    await fit(build(), data(), {
      ...options,
      optimizer: new Momentum(0.1),
      epochs: 2,
      callbacks: [checkpoint({ everyBatches: 2, save: (b) => void saved.push(b) })],
    });
    const mid = saved[0];
    expect(inspectCheckpoint(mid)).toMatchObject({
      position: { epoch: 0, batch: 2 },
      progress: { seen: 10 },
      dataOrder: { examples: 24, batchSize: 5, shuffle: true, seed: 0 },
      metadata: {},
    });
    const resumeWith = async (changes: Record<string, unknown>, d = data()) => {
      const model = build();
      const before = await Promise.all(model.parameters().map((p) => p.value.data()));
      const run = fit(model, d, {
        ...options,
        optimizer: new Momentum(0.1),
        epochs: 2,
        callbacks: [checkpoint({ save: () => {} })],
        resume: mid,
        ...changes,
      });
      await expect(run).rejects.toThrow(ValueError);
      await run.catch(() => {});
      // Nothing was restored: the model keeps its own weights.
      expect(await Promise.all(model.parameters().map((p) => p.value.data()))).toEqual(before);
      return run.catch((e: Error) => e.message);
    };
    expect(await resumeWith({ batchSize: 4 })).toBe(
      'fit: the checkpoint was saved by a run reading 24 examples in batches of 5, shuffled with seed 0; this run reads 24 examples in batches of 4, shuffled with seed 0 (batchSize differs). Resume with the data and options of the saved run, or start a new run from the weights with loadCheckpoint',
    );
    expect(await resumeWith({ seed: 3 })).toMatch(/shuffled with seed 3 \(seed differs\)/);
    expect(await resumeWith({ shuffle: false })).toMatch(/not shuffled \(shuffle differs\)/);
    const fewer = data();
    expect(
      await resumeWith({}, { x: fewer.x.slice(0, 60), xShape: [20, 3], y: fewer.y.slice(0, 20), yShape: [20] }),
    ).toMatch(/this run reads 20 examples .*\(examples differs\)/);
  });

  it('inspectCheckpoint refuses garbage and a malformed data order with a CheckpointError, and reads nothing into anything', async () => {
    expect(() => inspectCheckpoint(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toThrow(CheckpointError);
    expect(() => inspectCheckpoint('run.safetensors' as never)).toThrow(/expected the file as a Uint8Array/);
    const saved: Uint8Array[] = [];
    await fit(build(), data(), {
      ...options,
      optimizer: new Momentum(0.1),
      epochs: 1,
      callbacks: [checkpoint({ save: (b) => void saved.push(b) })],
    });
    // The same file with its data order rewritten (checksums recomputed, so only the order is wrong).
    const { metadata } = parseSafetensors(saved[0]);
    const tensors = new Map(parseSafetensors(saved[0]).entries.map((e) => [e.name, tensorOf(e)]));
    for (const bad of ['{"examples":24}', '{"examples":-1,"batchSize":5,"shuffle":true,"seed":0}', 'not json']) {
      const raw = await saveSafetensors(tensors, { ...metadata, 'backprop.data': bad });
      expect(() => inspectCheckpoint(raw)).toThrow(CheckpointError);
      expect(() => inspectCheckpoint(raw)).toThrow(/^loadCheckpoint: backprop\.data: /);
    }
    dispose([...tensors.values()]);
  });

  it('a checkpoint of a loop of your own (no data order) is still checked against where it stopped, before anything is restored', async () => {
    const state = new TrainingState({ model: build(), optimizer: new Momentum(0.1) });
    state.position = { epoch: 0, batch: 3 };
    state.progress = { seen: 15, lossSum: 1, metricSums: [] };
    const bytes = await state.save();
    expect(inspectCheckpoint(bytes).dataOrder).toBeUndefined();
    const model = build();
    const before = await Promise.all(model.parameters().map((p) => p.value.data()));
    // 3 batches of 4 are 12 examples, not the 15 it saw.
    await expect(
      fit(model, data(), { ...options, batchSize: 4, optimizer: new Momentum(0.1), epochs: 1, resume: bytes }),
    ).rejects.toThrow(
      /stopped at epoch 1 after 3 batches and 15 examples, which does not fit 24 examples in batches of 4/,
    );
    expect(await Promise.all(model.parameters().map((p) => p.value.data()))).toEqual(before);
    // The same batches resume (no data order to compare).
    await fit(build(), data(), { ...options, optimizer: new Momentum(0.1), epochs: 1, resume: bytes });
  });

  it('saves every N epochs and on the best monitored metric', async () => {
    const reasons: string[] = [];
    await fit(build(), data(), {
      ...options,
      optimizer: new Momentum(0.05),
      epochs: 4,
      validation: 0.25,
      callbacks: [
        checkpoint({
          every: 2,
          monitor: 'valLoss',
          save: (_b, info) => void reasons.push(`${info.epoch}:${info.reason}`),
        }),
      ],
    });
    expect(reasons.filter((r) => r.endsWith('every'))).toEqual(['2:every', '4:every']);
    expect(reasons[0]).toBe('1:best');
  });

  it('rejects a metric that is not logged, before anything trains', async () => {
    const cb = checkpoint({ monitor: 'valAccuracy', save: () => {} });
    await expect(fit(build(), data(), { ...options, optimizer: new Momentum(0.1), callbacks: [cb] })).rejects.toThrow(
      /^fit: checkpoint monitors "valAccuracy", which this run's epoch logs will not have/,
    );
    scalar(0).dispose();
  });

  it('saves the best of a higher-is-better metric as the highest (an R² was kept at its lowest)', async () => {
    const epochs: number[] = [];
    const cb = checkpoint({
      monitor: 'r2',
      save: (_b, info) => void (info.reason === 'best' && epochs.push(info.epoch)),
      every: 0,
    });
    const r2s = [0.2, 0.5, 0.4, 0.7];
    const ctx = { state: { save: async () => new Uint8Array(0) } } as never;
    for (const [i, r2] of r2s.entries()) await cb.onEpochEnd?.(i, { loss: 1, r2 }, ctx);
    expect(epochs).toEqual([1, 2, 4]);
    expect(() => checkpoint({ monitor: 'valRmse', save: () => {} })).toThrow(
      /^checkpoint: mode 'auto' cannot tell whether "valRmse" is better lower or higher/,
    );
    expect(() => checkpoint({ mode: 'max', save: () => {} })).toThrow(
      /^checkpoint: mode "max" needs monitor, the metric whose best value it saves$/,
    );
  });

  it('a hyperparameter of −0 comes back as −0, not 0', async () => {
    const bytes = await saveCheckpoint(build(), new Momentum(-0));
    const opt = new Momentum(1);
    loadCheckpoint(bytes, build(), opt);
    expect(Object.is(opt.getState().groups[0].lr, -0)).toBe(true);
  });
});
