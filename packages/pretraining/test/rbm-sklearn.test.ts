/** RBM updates, free energy and pseudo-likelihood against scikit-learn's BernoulliRBM (test/golden/rbm.json). */
import { readFileSync } from 'node:fs';
import { cpu } from '@backprop/backend-cpu';
import { tensor, tidy } from '@backprop/core';
import { useBackend } from '@backprop/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { cdStep, disposeRbmState, pseudoLikelihood, RBM, type RbmTrainState, replaySampler } from '../src/index.js';
import { maxDiff } from './setup.js';

const golden = JSON.parse(readFileSync(new URL('./golden/rbm.json', import.meta.url), 'utf8'));
const { features: d, hidden: h, batchSize, learningRate } = golden.config;
const flat = (rows: number[][]) => rows.flat();

function fromGolden(): { rbm: RBM; state: RbmTrainState } {
  const rbm = new RBM(d, h);
  rbm.weight.assign(tensor(flat(golden.initial.weight), [d, h]));
  rbm.hiddenBias.assign(tensor(golden.initial.hiddenBias, [h]));
  rbm.visibleBias.assign(tensor(golden.initial.visibleBias, [d]));
  return { rbm, state: { chain: tensor(flat(golden.initial.chain), [batchSize, h]) } };
}

beforeAll(useBackend(cpu));

describe('RBM vs scikit-learn BernoulliRBM', () => {
  it('persistent CD-1 updates match _fit step by step given the same uniforms (to 1e-5)', () => {
    const { rbm, state } = fromGolden();
    const sampler = replaySampler(golden.uniforms);
    const x: number[][] = golden.x;
    for (const step of golden.steps) {
      const v = tensor(flat(x.slice(step.rows[0], step.rows[1])), [batchSize, d]);
      tidy(() => cdStep(rbm, v, state, sampler, { persistent: true, lr: learningRate }));
      v.dispose();
      expect(maxDiff(rbm.weight.value.dataSync(), flat(step.weight))).toBeLessThan(1e-5);
      expect(maxDiff(rbm.hiddenBias.value.dataSync(), step.hiddenBias)).toBeLessThan(1e-5);
      expect(maxDiff(rbm.visibleBias.value.dataSync(), step.visibleBias)).toBeLessThan(1e-5);
      expect(Array.from(state.chain!.dataSync())).toEqual(flat(step.chain));
    }
    expect(sampler.remaining).toBe(0);
    disposeRbmState(state);
    rbm.dispose();
  });

  it('free energy, transform and score_samples agree given the same flipped bits', () => {
    const { rbm, state } = fromGolden();
    const last = golden.steps[golden.steps.length - 1];
    rbm.weight.assign(tensor(flat(last.weight), [d, h]));
    rbm.hiddenBias.assign(tensor(last.hiddenBias, [h]));
    rbm.visibleBias.assign(tensor(last.visibleBias, [d]));
    const v = tensor(flat(golden.x), [golden.config.n, d]);
    const fe = rbm.freeEnergy(v);
    expect(maxDiff(fe.dataSync(), golden.freeEnergy)).toBeLessThan(1e-4);
    const t = rbm.encode(v);
    expect(maxDiff(t.dataSync(), flat(golden.transform))).toBeLessThan(1e-5);
    const pl = pseudoLikelihood(rbm, v, { flip: golden.flip });
    expect(maxDiff(pl.dataSync(), golden.scoreSamples)).toBeLessThan(1e-3);
    for (const x of [v, fe, t, pl]) x.dispose();
    disposeRbmState(state);
    rbm.dispose();
  });
});
