/**
 * Tests of earlyStopping: a decision table of (monitored values → epoch at which training stops), each row derived by
 * hand from Keras 3's EarlyStopping.on_epoch_end (and scikit-learn's _update_no_improvement_count for rule 'sklearn'),
 * then best-weight restoration inside a real `fit`.
 */
import { cpu } from '@backprop/backend-cpu';
import {
  type EpochLogs,
  fit,
  liveTensorCount,
  losses,
  type Module,
  nn,
  type Optimizer,
  type TrainingContext,
  tensor,
  ValueError,
} from '@backprop/core';
import { useBackend } from '@backprop/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNorm1d, type EarlyStoppingOptions, earlyStopping } from '../src/index.js';
import { values } from './util.js';

beforeAll(useBackend(cpu));

/** Feeds `seq` as the monitored metric epoch by epoch; returns the 0-based epoch whose end stopped training, or −1. */
function stopEpoch(options: EarlyStoppingOptions, seq: number[], key = options.monitor ?? 'valLoss'): number {
  const cb = earlyStopping(options);
  let stopped = false;
  const ctx = { model: nn.sequential(), stop: () => (stopped = true) } as unknown as TrainingContext;
  cb.onTrainBegin();
  for (let e = 0; e < seq.length; e++) {
    cb.onEpochEnd(e, { loss: 0, [key]: seq[e] } as EpochLogs, ctx);
    if (stopped) return e;
  }
  return -1;
}

// [description, options, monitored values, expected stop epoch (0-based; −1 = runs to the end)]
const keras: [string, EarlyStoppingOptions, number[], number][] = [
  ['patience 0 stops at the first non-improvement', {}, [1, 0.9, 0.95, 0.8], 2],
  ['patience 2 waits two epochs', { patience: 2 }, [1, 0.9, 0.95, 0.96, 0.97, 0.5], 3],
  ['an improvement resets the wait', { patience: 2 }, [1, 0.9, 0.95, 0.85, 0.96, 0.97], 5],
  ['an equal value is no improvement', {}, [1, 1], 1],
  ['minDelta: 0.95 is not 0.1 better than 1', { minDelta: 0.1, patience: 1 }, [1, 0.95, 0.85, 0.84], 1],
  ['minDelta: improvements beyond 0.1 keep it going', { minDelta: 0.1, patience: 2 }, [1, 0.95, 0.89, 0.88, 0.5], -1],
  ['a negative minDelta is its absolute value (Keras abs)', { minDelta: -0.1, patience: 1 }, [1, 0.95, 0.85, 0.84], 1],
  ['mode auto maximizes accuracy', { monitor: 'valAccuracy', patience: 1 }, [0.5, 0.6, 0.6, 0.7], 2],
  ['mode auto maximizes R²', { monitor: 'valR2', patience: 1 }, [0.5, 0.6, 0.6, 0.7], 2],
  ['mode auto maximizes F1', { monitor: 'f1', patience: 1 }, [0.5, 0.6, 0.6, 0.7], 2],
  ['mode auto minimizes the MAE', { monitor: 'valMae', patience: 1 }, [0.5, 0.4, 0.4, 0.3], 2],
  ['explicit mode max', { monitor: 'loss', mode: 'max' }, [1, 2, 1.5], 2],
  ['startEpoch ignores the warm-up epochs', { startEpoch: 2 }, [1, 2, 3, 2.5, 2.6], 4],
  ['NaN never improves; no stop at epoch 0', {}, [Number.NaN, 1, 1.5], 2],
  ['epoch 0 never stops', {}, [Number.NaN, Number.NaN], 1],
  [
    'baseline unmet: improvements do not reset the wait, a non-improvement stops',
    { baseline: 0.5, patience: 2 },
    [1, 0.9, 0.8, 0.85],
    3,
  ],
  ['baseline met resets the wait', { baseline: 0.95, patience: 1 }, [1, 0.9, 0.91], 2],
];

const sklearn: [string, EarlyStoppingOptions, number[], number][] = [
  ['stops once the count exceeds patience', { rule: 'sklearn', patience: 2 }, [1, 0.9, 0.95, 0.96, 0.97], 4],
  [
    'small improvements move the best but count',
    { rule: 'sklearn', patience: 1, minDelta: 0.1 },
    [1, 0.95, 0.9, 0.85, 0.8],
    2,
  ],
  [
    'an equal score with tol 0 is an improvement',
    { rule: 'sklearn', monitor: 'valAccuracy', patience: 0 },
    [0.5, 0.6, 0.6],
    -1,
  ],
];

describe('earlyStopping decision table (Keras semantics)', () => {
  for (const [name, options, seq, expected] of keras) {
    it(`${name}: [${seq.join(', ')}] → ${expected}`, () => expect(stopEpoch(options, seq)).toBe(expected));
  }
});

describe("earlyStopping rule 'sklearn'", () => {
  for (const [name, options, seq, expected] of sklearn) {
    it(`${name}: [${seq.join(', ')}] → ${expected}`, () => expect(stopEpoch(options, seq)).toBe(expected));
  }
});

/** An optimizer that sets the one weight to the next scheduled value at each step. */
function scheduled(weights: number[]): Optimizer {
  let i = 0;
  return {
    lr: 0,
    step: (params) => params[0].assign(tensor([[weights[i++]]])),
    getState: () => ({ groups: [], slots: new Map() }),
    setState: () => {},
    dispose: () => {},
  };
}

describe('earlyStopping in fit', () => {
  const data = {
    x: Float32Array.from([1, 2, 3, 4]),
    xShape: [4, 1],
    y: Float32Array.from([2, 4, 6, 8]),
    yShape: [4, 1],
  };
  const run = async (model: Module, options: EarlyStoppingOptions, weights: number[]) => {
    const cb = earlyStopping(options);
    const history = await fit(model, data, {
      loss: losses.mse,
      optimizer: scheduled(weights),
      batchSize: 'full',
      epochs: weights.length,
      validation: data,
      callbacks: [cb],
      verbose: false,
    });
    return { cb, history };
  };

  it('stops and restores the best epoch’s weights, freeing its snapshot', async () => {
    const model = nn.sequential(nn.dense(1, 1, { bias: false, seed: 0 }));
    const before = liveTensorCount();
    const { cb, history } = await run(model, { patience: 2, restoreBest: true }, [1.5, 1.9, 2.5, 3, 4, 5]);
    expect(history.epochs).toHaveLength(4);
    expect(history.stopReason).toMatch(/valLoss did not improve/);
    expect(cb.bestEpoch).toBe(1);
    expect(cb.stoppedEpoch).toBe(3);
    expect(values(model.parameters()[0].value)).toEqual([Math.fround(1.9)]);
    expect(liveTensorCount()).toBe(before);
  });

  it('without restoreBest keeps the last weights; restoreBest also restores when it never stopped (Keras 3)', async () => {
    const a = nn.sequential(nn.dense(1, 1, { bias: false, seed: 0 }));
    await run(a, { patience: 2 }, [1.5, 1.9, 2.5, 3]);
    expect(values(a.parameters()[0].value)).toEqual([3]);
    const b = nn.sequential(nn.dense(1, 1, { bias: false, seed: 0 }));
    const { history } = await run(b, { patience: 5, restoreBest: true }, [1.5, 1.9, 2.5]);
    expect(history.stopReason).toBeUndefined();
    expect(values(b.parameters()[0].value)).toEqual([Math.fround(1.9)]);
  });

  it('restores buffers too (batch-norm running statistics of the best epoch)', async () => {
    const bn = batchNorm1d(1);
    const model = nn.sequential(nn.dense(1, 1, { bias: false, seed: 0 }), bn);
    const seen: number[][] = [];
    const record = {
      onEpochEnd: () => void seen.push([...values(model.parameters()[0].value), ...values(bn.runningMean)]),
    };
    const cb = earlyStopping({ monitor: 'loss', mode: 'max', patience: 1, restoreBest: true });
    await fit(model, data, {
      loss: losses.mse,
      optimizer: scheduled([1, 3, 2, 1.5, 1]),
      batchSize: 'full',
      epochs: 5,
      callbacks: [record, cb],
      verbose: false,
    });
    expect(cb.bestEpoch).toBeGreaterThanOrEqual(0);
    expect(seen.length).toBeGreaterThan(cb.bestEpoch + 1);
    expect([...values(model.parameters()[0].value), ...values(bn.runningMean)]).toEqual(seen[cb.bestEpoch]);
    expect(values(bn.runningMean)).not.toEqual(seen.at(-1)!.slice(1));
  });

  it('a monitor key the epoch logs will not have is a ValueError naming the keys there will be, before anything trains', async () => {
    const model = nn.sequential(nn.dense(1, 1, { seed: 0 }));
    const weights = Array.from(model.parameters()[0].value.dataSync());
    const fitted = fit(model, data, {
      loss: losses.mse,
      optimizer: scheduled([1]),
      callbacks: [earlyStopping()],
      verbose: false,
    });
    await expect(fitted).rejects.toThrow(
      /^fit: earlyStopping monitors "valLoss", which this run's epoch logs will not have \(they will have loss, lr\); pass fit a validation set/,
    );
    expect(Array.from(model.parameters()[0].value.dataSync())).toEqual(weights);
  });

  it("refuses a baseline with rule 'sklearn', which has none (it was ignored)", () => {
    expect(() => earlyStopping({ rule: 'sklearn', baseline: 0.5 })).toThrow(
      /^earlyStopping: baseline is Keras' option; rule 'sklearn' has none/,
    );
    expect(earlyStopping({ rule: 'keras', baseline: 0.5 }).baseline).toBe(0.5);
  });

  it('rejects bad options', () => {
    expect(() => earlyStopping({ patience: -1 })).toThrow(ValueError);
    expect(() => earlyStopping({ patience: 1.5 })).toThrow(ValueError);
    expect(() => earlyStopping({ startEpoch: -2 })).toThrow(ValueError);
    expect(() => earlyStopping({ minDelta: Number.NaN })).toThrow(ValueError);
    expect(() => earlyStopping({ mode: 'up' as never })).toThrow(ValueError);
    expect(() => earlyStopping({ monitor: '' })).toThrow(ValueError);
    expect(() => earlyStopping({ rule: 'tf' as never })).toThrow(ValueError);
  });
});

describe("mode 'auto' reads the direction of the metric", () => {
  const higher = [
    'accuracy',
    'binaryAccuracy',
    'logitAccuracy',
    'top5Accuracy',
    'r2',
    'precision',
    'recall',
    'f1',
    'auc',
  ];
  const lower = ['loss', 'mse', 'mae'];
  const valPrefixed = (n: string) => `val${n[0].toUpperCase()}${n.slice(1)}`;

  it('maximizes every higher-is-better metric fit reports (R², precision, recall, F1, …) and minimizes the errors', () => {
    for (const name of higher) {
      expect(earlyStopping({ monitor: name }).mode, name).toBe('max');
      expect(earlyStopping({ monitor: valPrefixed(name) }).mode, valPrefixed(name)).toBe('max');
    }
    for (const name of lower) {
      expect(earlyStopping({ monitor: name }).mode, name).toBe('min');
      expect(earlyStopping({ monitor: valPrefixed(name) }).mode, valPrefixed(name)).toBe('min');
    }
    // Keras 2's rule stays for metrics of your own: a name containing "acc" is maximized.
    expect(earlyStopping({ monitor: 'valAcc@0.7' }).mode).toBe('max');
    expect(earlyStopping({ monitor: 'valLoss' }).best).toBe(Number.POSITIVE_INFINITY);
    expect(earlyStopping({ monitor: 'valR2' }).best).toBe(Number.NEGATIVE_INFINITY);
  });

  it('refuses a name whose direction it does not know, asking for mode', () => {
    expect(() => earlyStopping({ monitor: 'valRmse' })).toThrow(
      /^earlyStopping: mode 'auto' cannot tell whether "valRmse" is better lower or higher; pass mode: 'min' \(lower is better, like a loss\) or mode: 'max' \(higher is better, like an accuracy\)\. 'auto' knows loss, mse, mae \(min\) and accuracy, binaryAccuracy, logitAccuracy, r2, precision, recall, f1, auc, topKAccuracy and names containing "acc" \(max\), each also val-prefixed \(valLoss\)$/,
    );
    for (const monitor of ['lr', 'val_loss', 'myScore']) {
      expect(() => earlyStopping({ monitor })).toThrow(ValueError);
      expect(() => earlyStopping({ monitor })).toThrow(`cannot tell whether "${monitor}" is better lower or higher`);
    }
    expect(earlyStopping({ monitor: 'valRmse', mode: 'min' }).mode).toBe('min');
    expect(earlyStopping({ monitor: 'valRmse', mode: 'max' }).mode).toBe('max');
  });

  it('with restoreBest puts back the epoch of the best validation R², not the worst', async () => {
    const data = {
      x: Float32Array.from([1, 2, 3, 4]),
      xShape: [4, 1],
      y: Float32Array.from([2, 4, 6, 8]),
      yShape: [4, 1],
    };
    const model = nn.sequential(nn.dense(1, 1, { bias: false, seed: 0 }));
    const cb = earlyStopping({ monitor: 'valR2', patience: 5, restoreBest: true });
    await fit(model, data, {
      loss: losses.mse,
      optimizer: scheduled([1.5, 1.9, 2.5, 3]),
      batchSize: 'full',
      epochs: 4,
      validation: data,
      metrics: ['r2'],
      callbacks: [cb],
      verbose: false,
    });
    expect(cb.bestEpoch).toBe(1);
    expect(values(model.parameters()[0].value)).toEqual([Math.fround(1.9)]);
  });
});

describe('boolean options', () => {
  it('restoreBest must be true or false (the string "false" used to turn it on)', () => {
    expect(() => earlyStopping({ restoreBest: 'false' as never })).toThrow(
      /^earlyStopping: restoreBest must be true or false, got "false"$/,
    );
    expect(() => earlyStopping({ restoreBest: 1 as never })).toThrow(ValueError);
    expect(() => earlyStopping({ restoreBest: null as never })).toThrow(ValueError);
    expect(earlyStopping({ restoreBest: false }).restoreBest).toBe(false);
    expect(earlyStopping({ restoreBest: true }).restoreBest).toBe(true);
  });
});

describe('unknown options', () => {
  it("refuse Keras' names instead of ignoring them (restoreBestWeights would have kept the last weights, not the best)", () => {
    expect(() => earlyStopping({ restoreBestWeights: true } as EarlyStoppingOptions)).toThrow(
      /^earlyStopping: unknown option 'restoreBestWeights' \(did you mean restoreBest\?\); the options are monitor, mode, minDelta, patience, restoreBest, startEpoch, baseline, rule$/,
    );
    expect(() => earlyStopping({ patients: 3 } as EarlyStoppingOptions)).toThrow(
      /^earlyStopping: unknown option 'patients'/,
    );
    expect(() => batchNorm1d(4, { epsilon: 1e-3 } as object)).toThrow(
      /^batchNorm1d: unknown option 'epsilon' \(did you mean eps\?\)/,
    );
    expect(earlyStopping({ restoreBest: true, patience: 2 })).toBeDefined();
  });
});
