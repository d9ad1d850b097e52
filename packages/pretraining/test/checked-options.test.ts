/** Options and arguments are checked before anything trains: nested greedy options, callbacks, flags, names, batch sizes. */
import { cpu } from '@backprop/backend-cpu';
import { fit, losses, nn, ShapeError, type Tensor, tensor, ValueError } from '@backprop/core';
import { sgd } from '@backprop/optimizers';
import { seededStream, useBackend } from '@backprop/testing';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  Autoencoder,
  cdStep,
  disposeRbmState,
  type Encoder,
  encodeFeatures,
  gradientMagnitudes,
  layerGradients,
  philoxSampler,
  pretrainAutoencoders,
  pretrainDbn,
  pretrainSupervised,
  RBM,
  type RbmTrainState,
  SupervisedLayer,
  toMlp,
  trainAutoencoder,
  trainRbm,
} from '../src/index.js';

beforeAll(useBackend(cpu));
afterEach(() => {
  vi.restoreAllMocks();
});

const r = seededStream(5);
const N = 12;
const x = Float32Array.from({ length: N * 4 }, () => (r() < 0.5 ? 1 : 0));
const data = { x, xShape: [N, 4] };
const labelled = { ...data, y: Int32Array.from({ length: N }, (_, i) => i % 2), yShape: [N] };

/** The values of every parameter, to compare before and after a call that must change nothing. */
const values = (m: { parameters(): { value: Tensor }[] }) => m.parameters().map((p) => Array.from(p.value.dataSync()));

describe('greedy functions: nested options are honoured or refused', () => {
  it('rbm.silent and train.silent silence the progress lines; rbm.log and train.log receive them', async () => {
    const print = vi.spyOn(console, 'log').mockImplementation(() => {});
    await pretrainDbn(data, { sizes: [4, 3, 2], rbm: { epochs: 2, silent: true } });
    await pretrainAutoencoders(data, { sizes: [4, 3], train: { epochs: 1, silent: true } });
    expect(print).not.toHaveBeenCalled();
    const lines: string[] = [];
    await pretrainDbn(data, { sizes: [4, 3], rbm: { epochs: 2, log: (l) => lines.push(l) } });
    await pretrainAutoencoders(data, { sizes: [4, 3], train: { epochs: 1, log: (l) => lines.push(l) } });
    expect(lines.map((l) => l.split(' recon')[0])).toEqual([
      'layer 1/1 epoch 1/2',
      'layer 1/1 epoch 2/2',
      'layer 1/1 epoch 1/1',
    ]);
    expect(print).not.toHaveBeenCalled();
  });

  it('silent or log given at the top level and nested with different values is a ValueError', async () => {
    await expect(pretrainDbn(data, { sizes: [4, 3], silent: false, rbm: { silent: true } })).rejects.toThrow(
      /^pretrainDbn: silent is given twice with different values, at the top level \(false\) and as rbm\.silent \(true\); give it once$/,
    );
    await expect(
      pretrainAutoencoders(data, { sizes: [4, 3], log: () => {}, train: { log: () => {} } }),
    ).rejects.toThrow(/^pretrainAutoencoders: log is given twice with different values/);
  });

  it('per-layer options set inside rbm, train or autoencoder are refused with a pointer, before any layer trains', async () => {
    const lines: string[] = [];
    const log = (l: string) => lines.push(l);
    const masking = { kind: 'masking', fraction: 0.5 } as const;
    await expect(pretrainDbn(data, { sizes: [4, 3], log, rbm: { seed: 3 } as object })).rejects.toThrow(
      /^pretrainDbn: rbm\.seed is set per layer from the seed option \(layer i \+ 1 uses seed \+ i\); give seed next to sizes instead; got rbm: \{ seed: 3 \}$/,
    );
    await expect(
      pretrainDbn(data, { sizes: [4, 3], log, rbm: { layer: { index: 1, count: 1 } } as object }),
    ).rejects.toThrow(/^pretrainDbn: rbm\.layer is set per layer by the greedy function/);
    await expect(
      pretrainAutoencoders(data, { sizes: [4, 3], log, train: { corruption: masking } as object }),
    ).rejects.toThrow(
      /^pretrainAutoencoders: train\.corruption is set per layer by the corruption option, a list with one entry per layer \(e\.g\. corruption: \[c, c, c\]\); give that next to sizes instead; got train: \{ corruption: \{"kind":"masking","fraction":0\.5\} \}$/,
    );
    await expect(
      pretrainAutoencoders(data, { sizes: [4, 3], log, train: { optimizer: sgd({ lr: 5 }) } as object }),
    ).rejects.toThrow(
      /^pretrainAutoencoders: train\.optimizer is made per layer by the optimizer option, a function such as \(\) => adam/,
    );
    await expect(pretrainAutoencoders(data, { sizes: [4, 3], log, train: { seed: 1 } as object })).rejects.toThrow(
      /^pretrainAutoencoders: train\.seed is set per layer from the seed option/,
    );
    await expect(
      pretrainAutoencoders(data, { sizes: [4, 3], log, autoencoder: { seed: 1 } as object }),
    ).rejects.toThrow(
      /^pretrainAutoencoders: autoencoder\.seed is set per layer from the seed option \(layer i \+ 1 uses seed \+ 100·i for its weights\)/,
    );
    expect(lines).toEqual([]);
  });

  it('misspelt nested option names are refused by the greedy function, naming the group', async () => {
    await expect(pretrainDbn(data, { sizes: [4, 3], rbm: { learningRate: 0.1 } as object })).rejects.toThrow(
      /^pretrainDbn: unknown rbm option 'learningRate' \(did you mean lr\?\); the rbm options are k, lr, momentum, weightCost, persistent, sampleVisible, sparsity, silent, log, epochs, batchSize, shuffle, sampler, onEpoch, onBatch$/,
    );
    await expect(pretrainAutoencoders(data, { sizes: [4, 3], train: { epoch: 2 } as object })).rejects.toThrow(
      /^pretrainAutoencoders: unknown train option 'epoch'; the train options are silent, log, epochs, batchSize, sampler, onEpoch, onBatch$/,
    );
    await expect(pretrainAutoencoders(data, { sizes: [4, 3], autoencoder: { tide: false } as object })).rejects.toThrow(
      /^pretrainAutoencoders: unknown autoencoder option 'tide'; the autoencoder options are tied, /,
    );
  });

  it('cross-entropy autoencoders on codes that are not sigmoid are refused before layer 1 trains', async () => {
    const lines: string[] = [];
    const run = pretrainAutoencoders(data, {
      sizes: [4, 3, 2],
      autoencoder: { activation: 'tanh' },
      train: { epochs: 1 },
      log: (l) => lines.push(l),
    });
    await expect(run).rejects.toThrow(
      /^pretrainAutoencoders: layers 2 to 2 reconstruct the tanh codes of the layer below, which cross-entropy needs in \[0, 1\]/,
    );
    expect(lines).toEqual([]);
    // One layer, or squared error, is fine.
    await pretrainAutoencoders(data, { sizes: [4, 3], autoencoder: { activation: 'tanh' }, silent: true });
    await pretrainAutoencoders(data, {
      sizes: [4, 3, 2],
      autoencoder: { activation: 'tanh', loss: 'squaredError' },
      train: { epochs: 1 },
      silent: true,
    });
  });

  it('a seed that is not a non-negative integer names the greedy function', async () => {
    await expect(pretrainDbn(data, { sizes: [4, 3], seed: -1 })).rejects.toThrow(
      /^pretrainDbn: seed must be a non-negative safe integer, got -1$/,
    );
    await expect(pretrainSupervised(labelled, { sizes: [4, 3], classes: 2, seed: 1.5 })).rejects.toThrow(
      /^pretrainSupervised: seed must be a non-negative safe integer, got 1.5$/,
    );
  });

  it('a seed too close to 2⁵³ for every layer is refused before the first layer trains (layer 2 failed after layer 1)', async () => {
    const max = Number.MAX_SAFE_INTEGER;
    const lines: string[] = [];
    const log = (line: string) => void lines.push(line);
    await expect(pretrainDbn(data, { sizes: [4, 3, 2], seed: max, log })).rejects.toThrow(
      /^pretrainDbn: seed must be at most 9007199254740989 for 2 layers \(the layers use seeds up to seed \+ 2\)/,
    );
    await expect(pretrainAutoencoders(data, { sizes: [4, 3, 2], seed: max - 50, log })).rejects.toThrow(
      /^pretrainAutoencoders: seed must be at most/,
    );
    await expect(pretrainSupervised(labelled, { sizes: [4, 3, 2], classes: 2, seed: max - 50, log })).rejects.toThrow(
      /^pretrainSupervised: seed must be at most/,
    );
    expect(lines).toEqual([]);
  });
});

describe('encodeFeatures', () => {
  let rbm: RBM;
  beforeAll(() => {
    rbm = new RBM(4, 3, { seed: 1 });
  });
  const encode = (v: Tensor) => rbm.encode(v);

  it('refuses a batch size that is not a positive integer (0 looped forever) and unknown options', async () => {
    // A bounded encoder, so the old endless loop fails this test instead of hanging it.
    let calls = 0;
    const bounded = (v: Tensor) => {
      if (++calls > 50) throw new Error('encodeFeatures looped');
      return encode(v);
    };
    await expect(encodeFeatures(bounded, data, { batchSize: 0 })).rejects.toThrow(
      /^encodeFeatures: batchSize must be a positive integer, got 0$/,
    );
    for (const bad of [-2, Number.NaN, 2.5])
      await expect(encodeFeatures(encode, data, { batchSize: bad })).rejects.toThrow(
        new RegExp(`^encodeFeatures: batchSize must be a positive integer, got ${bad}$`),
      );
    await expect(encodeFeatures(encode, data, { batch: 5 } as object)).rejects.toThrow(
      /^encodeFeatures: unknown option 'batch'; the options are batchSize$/,
    );
    const out = await encodeFeatures(encode, data, { batchSize: 5 });
    expect(out.xShape).toEqual([N, 3]);
  });

  it('an encoder whose output is not [rows, features] is a ShapeError', async () => {
    const run = encodeFeatures((v) => v.sum(1), data, { batchSize: 5 });
    await expect(run).rejects.toThrow(ShapeError);
    await expect(run).rejects.toThrow(
      /^encodeFeatures: encode must return \[rows, units\], one row of features per input row; for a batch \[5,4\] it returned \[5\]$/,
    );
    await expect(encodeFeatures((v) => v.reshape([-1, 2]), data, { batchSize: 5 })).rejects.toThrow(
      /^encodeFeatures: encode must return \[rows, units\].*for a batch \[5,4\] it returned \[10,2\]$/,
    );
    // A width that changes from batch to batch (here the last batch, of 2 rows).
    await expect(encodeFeatures((v) => (v.shape[0] === 5 ? rbm.encode(v) : v), data, { batchSize: 5 })).rejects.toThrow(
      /^encodeFeatures: encode must return as many features for every batch; it returned 3 for the batches before, then \[2,4\] for a batch \[2,4\]$/,
    );
    await expect(encodeFeatures('rbm' as never, data)).rejects.toThrow(/^encodeFeatures: encode must be a function/);
  });
});

describe('untyped crashes are typed errors, raised before any update', () => {
  it('pretrainAutoencoders and pretrainSupervised given an Optimizer instead of a factory', async () => {
    await expect(pretrainAutoencoders(data, { sizes: [4, 3], optimizer: sgd({ lr: 0.1 }) as never })).rejects.toThrow(
      /^pretrainAutoencoders: optimizer must be a function that makes a fresh optimizer for each layer, e\.g\. \(\) => adam\(\{ lr: 1e-3 \}\), got an Optimizer instance \(\w+\)$/,
    );
    await expect(
      pretrainSupervised(labelled, { sizes: [4, 3], classes: 2, optimizer: sgd({ lr: 0.1 }) as never }),
    ).rejects.toThrow(/^pretrainSupervised: optimizer must be a function that makes a fresh optimizer for each layer/);
    await expect(
      pretrainSupervised(labelled, { sizes: [4, 3], classes: 2, optimizer: (() => 0.1) as never }),
    ).rejects.toThrow(/^pretrainSupervised: the optimizer function must return an Optimizer .*got 0\.1 for layer 1$/);
  });

  it('trainAutoencoder given an optimizer factory instead of an Optimizer', async () => {
    await expect(
      trainAutoencoder(new Autoencoder(4, 3), data, { optimizer: (() => sgd()) as never, silent: true }),
    ).rejects.toThrow(
      /^trainAutoencoder: optimizer must be an Optimizer instance such as adam\(\{ lr: 1e-3 \}\), got a function/,
    );
  });

  it('toMlp without options, or without outputs', () => {
    const layers = [new RBM(4, 3)];
    expect(() => toMlp(layers, undefined as never)).toThrow(ValueError);
    expect(() => toMlp(layers, undefined as never)).toThrow(
      /^toMlp: outputs is required: the units of the fresh output layer \(e\.g\. \{ outputs: 10 \} for 10 classes\), or \{ outputs: 0 \} for none$/,
    );
    expect(() => toMlp(layers, {} as never)).toThrow(/^toMlp: outputs is required/);
    expect(() => toMlp(layers, { outputs: -1 })).toThrow(
      /^toMlp: outputs must be 0 \(no output layer\) or a positive integer, got -1$/,
    );
    expect(toMlp(layers, { outputs: 0 }).layers).toHaveLength(2);
  });

  it('trainRbm and trainAutoencoder refuse callbacks that are not functions, and leave the weights alone', async () => {
    const rbm = new RBM(4, 3, { seed: 2 });
    const ae = new Autoencoder(4, 3, { seed: 2 });
    const [rbmBefore, aeBefore] = [values(rbm), values(ae)];
    const bad = [
      [{ onBatch: 'print' }, /^trainRbm: onBatch must be a function \(error: number\) => void, got "print"$/],
      [{ onEpoch: 5 }, /^trainRbm: onEpoch must be a function \(record: EpochRecord\) => void, got 5$/],
      [{ log: 'console' }, /^trainRbm: log must be a function \(line: string\) => void, got "console"$/],
      [
        { sampler: 3 },
        /^trainRbm: sampler must be a Sampler \{ uniform\(shape\), normal\(shape\) \} such as philoxSampler\(0\), got 3$/,
      ],
      [
        { layer: { index: 2, count: 1 } },
        /^trainRbm: layer must be \{ index, count \} with integers 1 ≤ index ≤ count/,
      ],
    ] as const;
    for (const [options, message] of bad) {
      await expect(trainRbm(rbm, data, { epochs: 1, ...(options as object) })).rejects.toThrow(message);
      const aeMessage = new RegExp(
        message.source.replace('trainRbm', 'trainAutoencoder').replace('error: number', 'loss: number'),
      );
      await expect(trainAutoencoder(ae, data, { epochs: 1, ...(options as object) })).rejects.toThrow(aeMessage);
    }
    expect(values(rbm)).toEqual(rbmBefore);
    expect(values(ae)).toEqual(aeBefore);
  });

  it("trainAutoencoder's cross-entropy data check speaks of autoencoders, not Bernoulli units", async () => {
    await expect(
      trainAutoencoder(new Autoencoder(2, 1), { x: Float32Array.from([0, 2]), xShape: [1, 2] }),
    ).rejects.toThrow(
      /^trainAutoencoder: cross-entropy reconstruction needs data in \[0, 1\], got 2 at index 1; rescale the inputs or use loss: 'squaredError'$/,
    );
  });
});

describe('activation names are the table’s own', () => {
  it("'constructor', 'valueOf' or 'toString' are unknown activations, not a linear encoder or a TypeError", async () => {
    const message =
      /^Autoencoder: unknown activation "constructor"; expected one of sigmoid, tanh, relu, softplus, linear$/;
    expect(() => new Autoencoder(3, 2, { activation: 'constructor' as never, loss: 'squaredError' })).toThrow(message);
    expect(() => new Autoencoder(3, 2, { activation: 'valueOf' as never, loss: 'squaredError' })).toThrow(
      /^Autoencoder: unknown activation "valueOf"/,
    );
    expect(() => new SupervisedLayer(3, 2, 'toString' as never)).toThrow(
      /^SupervisedLayer: unknown activation "toString"/,
    );
    await expect(
      pretrainSupervised(labelled, { sizes: [4, 3], classes: 2, activation: 'hasOwnProperty' as never }),
    ).rejects.toThrow(/^SupervisedLayer: unknown activation "hasOwnProperty"/);
    // A hand-written Encoder with such an activation is refused by toMlp.
    const rbm = new RBM(4, 3);
    const custom: Encoder = {
      inputs: 4,
      units: 3,
      weight: rbm.weight,
      hiddenBias: rbm.hiddenBias,
      activation: 'constructor' as never,
      encode: (v) => v,
    };
    expect(() => toMlp([custom], { outputs: 2 })).toThrow(/^toMlp: unknown activation "constructor"/);
  });
});

describe('sparsity options', () => {
  it('a misspelt sparsity key (decayRate) is refused instead of training with the default decay', async () => {
    const rbm = new RBM(4, 3, { seed: 1 });
    const before = values(rbm);
    const sparsity = { target: 0.05, cost: 0.5, decayRate: 0.1 } as never;
    const state: RbmTrainState = {};
    expect(() => cdStep(rbm, tensor(x.slice(0, 8), [2, 4]), state, philoxSampler(0), { sparsity })).toThrow(
      /^cdStep: unknown sparsity option 'decayRate' \(did you mean decay\?\); the sparsity options are target, cost, decay$/,
    );
    disposeRbmState(state);
    await expect(trainRbm(rbm, data, { sparsity, silent: true })).rejects.toThrow(
      /^trainRbm: unknown sparsity option 'decayRate' \(did you mean decay\?\)/,
    );
    await expect(
      trainRbm(rbm, data, { sparsity: { target: '0.05', cost: 0.5 } as never, silent: true }),
    ).rejects.toThrow(/^trainRbm: sparsity needs target in \(0, 1\), a finite cost ≥ 0 and decay in \[0, 1\), got /);
    expect(values(rbm)).toEqual(before);
  });

  it('trainRbm checks its CD options before the first batch, even with zero epochs', async () => {
    await expect(trainRbm(new RBM(4, 3), data, { epochs: 0, k: 0 })).rejects.toThrow(
      /^trainRbm: k must be a positive integer, got 0$/,
    );
    await expect(trainRbm(new RBM(4, 3), data, { momentum: 'high' as never, silent: true })).rejects.toThrow(
      /^trainRbm: momentum must be a finite number ≥ 0 or a function of the 0-based epoch, got "high"$/,
    );
    // A schedule is read for every epoch before the first: a bad late value used to stop training half-way.
    const rbm = new RBM(4, 3, { seed: 1 });
    const before = values(rbm);
    await expect(
      trainRbm(rbm, data, { epochs: 3, momentum: (e) => (e < 2 ? 0.5 : Number.NaN), silent: true }),
    ).rejects.toThrow(/^trainRbm: momentum\(2\) must be a finite number ≥ 0, got NaN$/);
    expect(values(rbm)).toEqual(before);
  });
});

describe('gradientMagnitudes and layerGradients options', () => {
  it('every must be a positive integer (every: 0 recorded only the initial entry); names are checked', async () => {
    expect(() => gradientMagnitudes(labelled, { every: 0 })).toThrow(
      /^gradientMagnitudes: every must be a positive integer, got 0$/,
    );
    expect(() => gradientMagnitudes(labelled, { every: 1.5 })).toThrow(
      /^gradientMagnitudes: every must be a positive integer/,
    );
    expect(() => gradientMagnitudes(labelled, { batches: -1 })).toThrow(
      /^gradientMagnitudes: batches must be an integer ≥ 0, got -1$/,
    );
    expect(() => gradientMagnitudes(labelled, { batch: 3 } as object)).toThrow(
      /^gradientMagnitudes: unknown option 'batch'; the options are loss, batches, every$/,
    );
    const model = nn.sequential(nn.dense(4, 3, { seed: 1 }), nn.sigmoid(), nn.dense(3, 2, { seed: 2 }));
    await expect(layerGradients(model, labelled, { losses: losses.softmaxCrossEntropy } as object)).rejects.toThrow(
      /^layerGradients: unknown option 'losses'; the options are loss$/,
    );
    const probe = gradientMagnitudes(labelled, { batches: 2 });
    await fit(model, labelled, {
      loss: losses.softmaxCrossEntropy,
      optimizer: sgd(),
      batchSize: 4,
      epochs: 1,
      callbacks: [probe],
      verbose: false,
    });
    expect(probe.records.map((rec) => rec.step)).toEqual([0, 1, 2]);
  });
});

describe('boolean options must be booleans', () => {
  it("shuffle, persistent, sampleVisible, silent and tied refuse the string 'false' (which counted as true)", async () => {
    const rbm = new RBM(4, 3, { seed: 1 });
    const before = values(rbm);
    for (const name of ['shuffle', 'persistent', 'sampleVisible', 'silent'])
      await expect(trainRbm(rbm, data, { epochs: 1, [name]: 'false' })).rejects.toThrow(
        new RegExp(`^trainRbm: ${name} must be true or false, got "false"$`),
      );
    expect(values(rbm)).toEqual(before);
    expect(() =>
      cdStep(rbm, tensor(x.slice(0, 4), [1, 4]), {}, philoxSampler(0), { persistent: 'false' as never }),
    ).toThrow(/^cdStep: persistent must be true or false, got "false"$/);
    await expect(trainAutoencoder(new Autoencoder(4, 3), data, { silent: 'false' as never })).rejects.toThrow(
      /^trainAutoencoder: silent must be true or false, got "false"$/,
    );
    await expect(pretrainDbn(data, { sizes: [4, 3], silent: 'false' as never })).rejects.toThrow(
      /^pretrainDbn: silent must be true or false, got "false"$/,
    );
    await expect(pretrainDbn(data, { sizes: [4, 3], rbm: { silent: 1 as never } })).rejects.toThrow(
      /^pretrainDbn: rbm\.silent must be true or false, got 1$/,
    );
    expect(() => new Autoencoder(4, 3, { tied: 'false' as never })).toThrow(
      /^Autoencoder: tied must be true or false, got "false"$/,
    );
  });
});
