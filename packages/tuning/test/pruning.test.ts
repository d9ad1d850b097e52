/**
 * Pruning on synthetic learning curves, checked against hand-computed expectations (the rules of
 * Optuna's SuccessiveHalvingPruner, HyperbandPruner and MedianPruner), plus one real fitTrial run.
 */
import { cpu } from '@backprop/backend-cpu';
import { losses, setBackend, ValueError } from '@backprop/core';
import { moons } from '@backprop/datasets';
import { sgd } from '@backprop/optimizers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fitTrial,
  gridSearch,
  hyperband,
  medianStopping,
  type Pruner,
  type SearchResults,
  successiveHalving,
  type Trial,
} from '../dist/index.js';

beforeAll(async () => {
  await setBackend(cpu());
});

/** A trial following `curve(config, epoch)` for `epochs` epochs, reporting each; returns the last value. */
function curveTrial(curve: (i: number, epoch: number) => number, epochs: number, metric = 'valLoss'): Trial {
  return async (config, { report }) => {
    let value = Number.NaN;
    let epoch = 0;
    while (epoch < epochs) {
      epoch++;
      value = curve(Number(config.i), epoch);
      if (await report(epoch, value)) break;
    }
    return { [metric]: value, epochs: epoch };
  };
}

const outcome = (r: SearchResults) =>
  r.rows.map((row) => (row.status === 'pruned' ? `pruned@${row.stoppedEpoch}` : row.status));

async function search(n: number, trial: Trial, pruner: Pruner, metric = 'valLoss') {
  return gridSearch({ i: Array.from({ length: n }, (_, i) => i) }, trial, { metric, pruner, verbose: false });
}

describe('successive halving (ASHA)', () => {
  // valLoss = base + 1/epoch, so trials keep their order at every epoch.
  const bases = [5, 3, 4, 1, 6, 2];
  const trial = curveTrial((i, e) => bases[i] + 1 / e, 9);

  it('stops exactly the trials outside the top 1/η of each rung', async () => {
    // η = 3, rungs at epochs 1 and 3 (9 is the full budget, no rung there). A rung keeps the top
    // ⌊n/3⌋ of the n trials that reached it, and the best one while n < 3:
    //  t0 (5): alone at both rungs → ok.         t1 (3): best at both → ok.
    //  t2 (4): rung 1 has 5,3,4 → top 1 is 3 → pruned at 1.
    //  t3 (1): best at both → ok.                t4 (6): rung 1, n=5, top 1 is 1 → pruned at 1.
    //  t5 (2): rung 1, n=6, top 2 are 1,2 → on; rung 3 has 5,3,1,2, top 1 is 1 → pruned at 3.
    const r = await search(6, trial, successiveHalving({ minResource: 1, maxResource: 9, reductionFactor: 3 }));
    expect(outcome(r)).toEqual(['ok', 'ok', 'pruned@1', 'ok', 'pruned@1', 'pruned@3']);
    expect(r.rows.map((row) => row.metrics.epochs)).toEqual([9, 9, 1, 9, 1, 3]);
    expect(r.best.index).toBe(3);
    expect(r.rows[5].curve).toEqual([
      [1, 3],
      [2, 2.5],
      [3, 2 + 1 / 3],
    ]);
    expect(String(r)).toContain('pruned@3');
    expect(r.toCSV().split('\n')[0]).toBe('trial,i,valLoss,epochs,seconds,status,stoppedEpoch,error');
  });

  it('prunes the same way in a worker thread, and on resume', async () => {
    const trialModule = new URL('./fixtures/curves.mjs', import.meta.url).href;
    const pruner = successiveHalving({ minResource: 1, maxResource: 9, reductionFactor: 3 });
    const r = await gridSearch({ base: bases, epochs: 9 }, undefined, {
      metric: 'valLoss',
      pruner,
      trialModule,
      verbose: false,
    });
    expect(outcome(r)).toEqual(['ok', 'ok', 'pruned@1', 'ok', 'pruned@1', 'pruned@3']);
    // Resume from the first four: the pruner is replayed from their curves, so t4 and t5 meet
    // the same rungs as before.
    const resumed = await gridSearch({ base: bases, epochs: 9 }, undefined, {
      metric: 'valLoss',
      pruner,
      trialModule,
      verbose: false,
      resume: r.rows.slice(0, 4),
    });
    expect(outcome(resumed)).toEqual(outcome(r));
  }, 20_000);
});

describe('asynchronous pruning on two worker threads', () => {
  it('prunes from every worker, never the best trial', async () => {
    const trialModule = new URL('./fixtures/curves.mjs', import.meta.url).href;
    const r = await gridSearch({ base: [5, 3, 4, 1, 6, 2, 7, 8], epochs: 9 }, undefined, {
      metric: 'valLoss',
      pruner: successiveHalving({ minResource: 1, maxResource: 9, reductionFactor: 3 }),
      trialModule,
      parallel: 2,
      verbose: false,
    });
    // Which trials are pruned depends on the order reports arrive; the smallest curve is always
    // the best of every rung it reaches, so it always completes.
    expect(r.rows.every((row) => row.status === 'ok' || row.status === 'pruned')).toBe(true);
    expect(r.withStatus('pruned').length).toBeGreaterThan(0);
    expect(r.best.config.base).toBe(1);
  }, 20_000);
});

describe('hyperband', () => {
  it('splits trials round-robin over brackets that prune from different rungs', async () => {
    // R = 9, r = 1, η = 3 → 3 brackets: s=0 rungs at 1 and 3, s=1 a rung at 3, s=2 none.
    // bracket 0 = t0 (5), t3 (1), t6 (7): t6 is not the best at rung 1 → pruned at 1.
    // bracket 1 = t1 (3), t4 (6), t7 (8): t4 and t7 lose to t1 at rung 3 → pruned at 3.
    // bracket 2 = t2, t5, t8: never pruned.
    const bases = [5, 3, 4, 1, 6, 2, 7, 8, 0];
    const r = await search(
      9,
      curveTrial((i, e) => bases[i] + 1 / e, 9),
      hyperband({ minResource: 1, maxResource: 9, reductionFactor: 3 }),
    );
    expect(outcome(r)).toEqual(['ok', 'ok', 'ok', 'ok', 'pruned@3', 'ok', 'pruned@1', 'pruned@3', 'ok']);
    expect(r.best.index).toBe(8);
  });
});

describe('median stopping', () => {
  it("stops a trial whose best so far is below the median of completed trials' values at that epoch", async () => {
    // Maximizing accuracy, warm-up 1 epoch, 2 completed trials before any stopping.
    const curves = [
      [0.5, 0.6, 0.7, 0.8, 0.85], // t0: startup → ok
      [0.3, 0.4, 0.5, 0.6, 0.65], // t1: startup → ok
      [0.2, 0.3, 0.4, 0.5, 0.6], // t2: epoch 2, best 0.3 < median(0.6, 0.4) = 0.5 → pruned at 2
      [0.9, 0.45, 0.5, 0.55, 0.9], // t3: below the median at epochs 2–4, but its best (0.9) is not → ok
      [0.4, 0.55, 0.55, 0.6, 0.7], // t4: medians 0.45, 0.5, 0.6 (ties its best 0.6), then 0.85 > 0.7 → pruned at 5
    ];
    const r = await search(
      5,
      curveTrial((i, e) => curves[i][e - 1], 5, 'valAccuracy'),
      medianStopping({ warmupEpochs: 1, startupTrials: 2 }),
      'valAccuracy',
    );
    expect(outcome(r)).toEqual(['ok', 'ok', 'pruned@2', 'ok', 'pruned@5']);
    expect(r.best.index).toBe(3);
  });

  it('never stops a trial during the warm-up or before enough trials completed', async () => {
    const r = await search(
      4,
      curveTrial((i, e) => 10 - i + e, 3), // later trials are worse (minimizing)
      medianStopping({ warmupEpochs: 3, startupTrials: 1 }),
    );
    expect(outcome(r)).toEqual(['ok', 'ok', 'ok', 'ok']);
    const r2 = await search(
      4,
      curveTrial((i, e) => i + 1 / e, 3),
      medianStopping({ startupTrials: 1 }),
    );
    expect(outcome(r2)).toEqual(['ok', 'pruned@1', 'pruned@1', 'pruned@1']);
  });

  it('rejects bad options', () => {
    expect(() => successiveHalving({ reductionFactor: 1 })).toThrow(ValueError);
    expect(() => successiveHalving({ minResource: 4, maxResource: 2 })).toThrow(/maxResource/);
    expect(() => hyperband({ maxResource: 0 })).toThrow(ValueError);
    expect(() => medianStopping({ warmupEpochs: -1 })).toThrow(ValueError);
  });
});

describe('fitTrial with a pruner', () => {
  it('stops training when the trial times out, through signal', async () => {
    const train = moons({ n: 400, noise: 0.1, seed: 3 });
    let epochs = 0;
    const r = await gridSearch(
      { lr: 0.1, units: 16, layers: 1, epochs: 1_000, batchSize: 8 },
      (config, { seed, signal }) =>
        fitTrial(config, seed, {
          train,
          validation: 0.25,
          outputs: 2,
          loss: losses.softmaxCrossEntropy,
          optimizer: (c) => sgd({ lr: Number(c.lr) }),
          onEpoch: () => {
            epochs++;
          },
          signal,
        }),
      { metric: 'valLoss', trialTimeoutMs: 300, verbose: false },
    );
    expect(r.rows[0].seconds).toBeLessThan(5);
    expect(r.rows[0]).toMatchObject({ status: 'failed', error: { kind: 'timeout' } });
    const seen = epochs;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(epochs).toBe(seen); // training stopped, not just abandoned
  }, 30_000);

  it('stops training of a trial the pruner rejects, through onEpoch', async () => {
    const train = moons({ n: 160, noise: 0.1, seed: 3 });
    const r = await gridSearch(
      { lr: [0.5, 1e-4], units: 16, layers: 1, epochs: 6, batchSize: 16 },
      (config, { seed, report }) =>
        fitTrial(config, seed, {
          train,
          validation: 0.25,
          outputs: 2,
          loss: losses.softmaxCrossEntropy,
          optimizer: (c) => sgd({ lr: Number(c.lr) }),
          onEpoch: (epoch, logs) => report(epoch, logs.valLoss),
        }),
      {
        metric: 'valLoss',
        pruner: successiveHalving({ minResource: 1, maxResource: 6, reductionFactor: 2 }),
        verbose: false,
      },
    );
    // η = 2: at epoch 1 the tiny learning rate's loss is higher than the first trial's → stopped.
    expect(outcome(r)).toEqual(['ok', 'pruned@1']);
    expect(r.rows[0].metrics.epochs).toBe(6);
    expect(r.rows[1].metrics.epochs).toBe(1);
    expect(r.rows[1].curve).toHaveLength(1);
  }, 30_000);
});

describe('pruner options', () => {
  it("refuse options they do not have (Optuna's and Ray Tune's names named)", () => {
    expect(() => successiveHalving({ eta: 3 } as never)).toThrow(
      /^successiveHalving: unknown option 'eta' \(did you mean reductionFactor\?\)/,
    );
    expect(() => hyperband({ maxResource: 9, minEarlyStoppingRate: 1 } as never)).toThrow(
      /^hyperband: unknown option 'minEarlyStoppingRate'; the options are minResource, maxResource, reductionFactor$/,
    );
    expect(() => medianStopping({ n_warmup_steps: 2 } as never)).toThrow(
      /^medianStopping: unknown option 'n_warmup_steps' \(did you mean warmupEpochs\?\)/,
    );
  });
});
