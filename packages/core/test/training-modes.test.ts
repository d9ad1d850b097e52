/**
 * Each module's own train/eval mode survives evaluate, predict, summary and fit: a BatchNorm
 * frozen with eval() inside a training model stays frozen, a dropout kept training inside an
 * evaluated model (Monte-Carlo dropout) stays on. They used to save only the root's flag and put
 * it back with model.train(flag), which sets every submodule to it.
 */
import {
  type ArrayDataset,
  add,
  evaluate,
  fit,
  losses,
  Module,
  mean,
  mul,
  nn,
  predict,
  ShapeError,
  scalar,
  sub,
  type Tensor,
  tensor,
  trainStep,
  withoutRecording,
  zeros,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { PlainSGD } from './optimizers.js';
import { useCpu } from './setup.js';

beforeAll(useCpu);

/**
 * A BatchNorm reduced to its mean: in training it centres the batch on its own mean and moves
 * the running mean and the batch count; in evaluation it subtracts the running mean.
 */
class RunningMean extends Module {
  constructor(features: number) {
    super();
    this.buffer('runningMean', zeros([features]));
    this.buffer('numBatchesTracked', scalar(0, 'int32'));
  }
  get runningMean(): Tensor {
    return this.getBuffer('runningMean');
  }
  get numBatchesTracked(): Tensor {
    return this.getBuffer('numBatchesTracked');
  }
  forward(x: Tensor): Tensor {
    if (!this.training) return sub(x, this.runningMean);
    const mu = mean(x, 0);
    withoutRecording(() => {
      this.buffer('runningMean', add(mul(this.runningMean, 0.9), mul(mu, 0.1)));
      this.buffer('numBatchesTracked', add(this.numBatchesTracked, scalar(1, 'int32')));
    });
    return sub(x, mu);
  }
}

/** Doubles its input in training mode and passes it through in evaluation mode, as dropout differs. */
class TrainOnlyDouble extends Module {
  forward(x: Tensor): Tensor {
    return this.training ? mul(x, 2) : add(x, 0);
  }
}

const data: ArrayDataset = {
  x: new Float32Array(Array.from({ length: 16 }, (_, i) => Math.sin(i + 1))),
  xShape: [8, 2],
  y: new Int32Array([0, 1, 1, 0, 1, 0, 0, 1]),
  yShape: [8],
};

/** dense → frozen running mean → relu → dense, in training mode with the running mean in eval. */
function frozenNorm(): { model: nn.Sequential; norm: RunningMean } {
  const norm = new RunningMean(4);
  const model = nn.sequential(nn.dense(2, 4, { seed: 1 }), norm, nn.relu(), nn.dense(4, 2, { seed: 2 }));
  norm.eval();
  return { model, norm };
}

/** An evaluated model whose noise layer is kept training (Monte-Carlo dropout). */
function mcDropout(): { model: nn.Sequential; noise: TrainOnlyDouble } {
  const noise = new TrainOnlyDouble();
  const model = nn.sequential(nn.dense(2, 4, { seed: 1 }), noise, nn.dense(4, 2, { seed: 2 }));
  model.eval();
  noise.train();
  return { model, noise };
}

const modes = (model: Module) => model.modules().map((m) => m.training);

/** The ways of evaluating a model for a while; each must leave every module's mode as it was. */
const evaluations: [string, (model: Module) => Promise<unknown>][] = [
  ['evaluate', (model) => evaluate(model, data, { loss: losses.softmaxCrossEntropy })],
  ['evaluate(x, y)', (model) => evaluate(model, tensor(data.x, [8, 2]), tensor(data.y, [8], 'int32'))],
  ['predict (a tensor)', async (model) => (await predict(model, tensor(data.x, [8, 2]))).dispose()],
  ['predict (a dataset)', async (model) => (await predict(model, data, { batchSize: 3 })).dispose()],
  ['summary', async (model) => model.summary({ batchSize: 2 })],
];

describe('evaluate, predict and summary put back each module’s own mode', () => {
  for (const [name, run] of evaluations) {
    it(`${name}: a frozen BatchNorm inside a training model stays frozen`, async () => {
      const { model, norm } = frozenNorm();
      const step = trainStep(model, { loss: losses.softmaxCrossEntropy, optimizer: new PlainSGD(0.1) });
      await step(tensor(data.x, [8, 2]), tensor(data.y, [8], 'int32'));
      step.dispose();
      const before = modes(model);
      await run(model);
      expect(norm.training).toBe(false);
      expect(model.training).toBe(true);
      expect(modes(model)).toEqual(before);
      model.dispose();
    });

    it(`${name}: a dropout kept training inside an evaluated model stays on`, async () => {
      const { model, noise } = mcDropout();
      const before = modes(model);
      await run(model);
      expect(noise.training).toBe(true);
      expect(model.training).toBe(false);
      expect(modes(model)).toEqual(before);
      model.dispose();
    });
  }

  it('runs the model in evaluation mode meanwhile, the kept-on dropout included', async () => {
    const { model, noise } = mcDropout();
    const seen: boolean[][] = [];
    const probe = new (class extends Module {
      forward(x: Tensor): Tensor {
        seen.push(modes(model));
        return x;
      }
    })();
    const outer = nn.sequential(model, probe);
    outer.eval();
    noise.train();
    await evaluate(outer, data);
    expect(seen.length).toBeGreaterThan(0);
    for (const s of seen) expect(s.every((on) => !on)).toBe(true);
    expect(noise.training).toBe(true);
    outer.dispose();
  });

  it('overlapping evaluations keep the model in evaluation mode until the last ends, then put each mode back', async () => {
    const { model, norm } = frozenNorm();
    const seen: boolean[][] = [];
    const probe = new (class extends Module {
      forward(x: Tensor): Tensor {
        seen.push(modes(outer));
        return x;
      }
    })();
    const outer = nn.sequential(model, probe);
    const before = modes(outer);
    expect(before.filter((on) => on).length).toBeGreaterThan(1); // a training model with its norm frozen
    // Started together, they interleave at each batch: the shortest ends first.
    await Promise.all([
      evaluate(outer, data, { batchSize: 4 }),
      evaluate(outer, data, { batchSize: 1 }),
      predict(outer, data, { batchSize: 2 }).then((y) => y.dispose()),
      evaluate(model, data, { batchSize: 1 }), // the inner model alone, held by both
    ]);
    expect(seen.length).toBe(8 / 4 + 8 + 8 / 2);
    for (const s of seen) expect(s.every((on) => !on)).toBe(true);
    expect(modes(outer)).toEqual(before);
    expect(norm.training).toBe(false);
    outer.dispose();
  });

  it('puts the modes back when the body throws a typed error', async () => {
    const wrongWidth: ArrayDataset = { ...data, x: new Float32Array(24), xShape: [8, 3] };
    const frozen = frozenNorm();
    const mc = mcDropout();
    const calls: [string, () => Promise<unknown>][] = [
      ['evaluate', async () => evaluate(frozen.model, wrongWidth, { loss: losses.softmaxCrossEntropy })],
      ['predict', async () => predict(frozen.model, zeros([2, 3]))],
      ['summary', async () => frozen.model.summary({ inputShape: [3] })],
    ];
    for (const [name, call] of calls) {
      await expect(call(), name).rejects.toThrow(ShapeError);
      expect(frozen.norm.training, name).toBe(false);
      expect(frozen.model.training, name).toBe(true);
    }
    await expect(predict(mc.model, zeros([2, 3]))).rejects.toThrow(ShapeError);
    expect(() => mc.model.summary({ inputShape: [3] })).toThrow(ShapeError);
    expect(mc.noise.training).toBe(true);
    expect(mc.model.training).toBe(false);
    frozen.model.dispose();
    mc.model.dispose();
  });
});

describe('fit trains each module in the mode it had when fit was called', () => {
  it('keeps a frozen BatchNorm frozen across epochs and validation passes while the rest trains', async () => {
    const { model, norm } = frozenNorm();
    const mean0 = Array.from(await norm.runningMean.data());
    const weight0 = Array.from(await model.parameters()[0].value.data());
    const seen: boolean[][] = [];
    const history = await fit(model, data, {
      loss: losses.softmaxCrossEntropy,
      optimizer: new PlainSGD(0.1),
      batchSize: 4,
      epochs: 3,
      validation: data,
      verbose: false,
      callbacks: [
        {
          onBatchEnd: () => void seen.push(modes(model)),
          // After the validation pass: the training modes, not all-true.
          onEpochEnd: (epoch) => {
            seen.push(modes(model));
            if (epoch < 2) model.eval(); // undone when the next epoch starts
          },
        },
      ],
    });
    expect(history.epochs).toHaveLength(3);
    expect(history.epochs[0].valLoss).toBeTypeOf('number');
    const trained = [true, true, false, true, true];
    expect(seen).toHaveLength(3 * 3);
    for (const s of seen) expect(s).toEqual(trained);
    expect(modes(model)).toEqual(trained);
    expect(Array.from(await norm.runningMean.data())).toEqual(mean0);
    expect(Array.from(await norm.numBatchesTracked.data())).toEqual([0]);
    expect(Array.from(await model.parameters()[0].value.data())).not.toEqual(weight0);
    model.dispose();
  });

  it('switches a model whose root is in evaluation mode to training, all of it', async () => {
    const { model, noise } = mcDropout();
    const norm = new RunningMean(2);
    const outer = nn.sequential(model, norm);
    outer.eval();
    noise.train();
    await fit(outer, data, {
      loss: losses.softmaxCrossEntropy,
      optimizer: new PlainSGD(0.1),
      batchSize: 4,
      epochs: 2,
      validation: 0.25,
      verbose: false,
    });
    expect(modes(outer).every((on) => on)).toBe(true);
    expect(Array.from(await norm.numBatchesTracked.data())).toEqual([2 * 2]);
    outer.dispose();
  });
});
