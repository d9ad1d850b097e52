/**
 * The public gradient transformations check their hyperparameters as the optimizer classes do:
 * a negative decay, a NaN rate or a schedule that returns one would corrupt every parameter
 * without a word.
 */
import { cpu } from '@backprop/backend-cpu';
import { nn, setBackend, tensor, ValueError } from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addDecayedWeights,
  addWeightDecay,
  chain,
  lectureMomentum,
  scale,
  scaleByAdadelta,
  scaleByAdagrad,
  scaleByAdam,
  scaleByAdamax,
  scaleByLearningRate,
  scaleByNadam,
  scaleByRms,
  traceMomentum,
} from '../src/index.js';

beforeAll(async () => {
  await setBackend(cpu());
});

describe('transformations refuse hyperparameters their optimizers refuse', () => {
  const bad: [string, () => unknown, RegExp][] = [
    ['scale NaN', () => scale(Number.NaN), /^scale: factor must be a finite number, got NaN$/],
    ['scaleByLearningRate −1', () => scaleByLearningRate(-1), /^scaleByLearningRate: lr must be a finite number ≥ 0/],
    ['scaleByLearningRate NaN', () => scaleByLearningRate(Number.NaN), /lr must be a finite number ≥ 0, got NaN/],
    ['addWeightDecay −1', () => addWeightDecay(-1), /^addWeightDecay: weightDecay must be a finite number ≥ 0/],
    ['addDecayedWeights NaN', () => addDecayedWeights(Number.NaN), /^addDecayedWeights: weightDecay/],
    ['traceMomentum −0.9', () => traceMomentum({ momentum: -0.9 }), /^traceMomentum: momentum must be/],
    [
      'traceMomentum nesterov with dampening',
      () => traceMomentum({ momentum: 0.9, dampening: 0.1, nesterov: true }),
      /^traceMomentum: nesterov needs momentum > 0 and dampening 0/,
    ],
    ['lectureMomentum 1.5', () => lectureMomentum(1.5), /^lectureMomentum: lambda must be/],
    ['scaleByAdam β₁ 1', () => scaleByAdam({ beta1: 1, beta2: 0.999, eps: 1e-8 }), /^scaleByAdam: betas\[0\]/],
    ['scaleByAdam eps −1', () => scaleByAdam({ beta1: 0.9, beta2: 0.999, eps: -1 }), /^scaleByAdam: eps/],
    [
      'scaleByAdam placement',
      () => scaleByAdam({ beta1: 0.9, beta2: 0.999, eps: 1e-8, epsPlacement: 'root' as never }),
      /epsPlacement must be 'outside' or 'inside'/,
    ],
    ['scaleByAdagrad eps NaN', () => scaleByAdagrad({ eps: Number.NaN }), /^scaleByAdagrad: eps/],
    ['scaleByRms alpha −1', () => scaleByRms({ alpha: -1, eps: 1e-8 }), /^scaleByRms: alpha/],
    ['scaleByAdadelta rho 2', () => scaleByAdadelta({ rho: 2, eps: 1e-6 }), /^scaleByAdadelta: rho/],
    ['scaleByAdamax β₂ 1', () => scaleByAdamax({ beta1: 0.9, beta2: 1, eps: 1e-8 }), /^scaleByAdamax: betas\[1\]/],
    [
      'scaleByNadam ψ −1',
      () => scaleByNadam({ beta1: 0.9, beta2: 0.999, eps: 1e-8, momentumDecay: -1 }),
      /^scaleByNadam: momentumDecay/,
    ],
    ['chain of a number', () => chain(1 as never), /^chain: transformation 0 must be an \{ init, update \}/],
  ];
  for (const [what, make, message] of bad) {
    it(what, () => {
      expect(make).toThrow(ValueError);
      expect(make).toThrow(message);
    });
  }

  it('a schedule returning NaN or a negative rate is an error at the step, not NaN in the parameters', () => {
    const param = nn.dense(1, 1).weight;
    const g = tensor([[1]]);
    for (const lr of [() => Number.NaN, () => -0.1]) {
      const t = scaleByLearningRate(lr);
      expect(() => t.update(g, t.init(param.value), { step: 1, param: param.value } as never)).toThrow(
        /^scaleByLearningRate: lr\(1\) must be a finite number ≥ 0/,
      );
    }
    const ok = scaleByLearningRate((step) => 0.1 / step);
    expect(
      Array.from(ok.update(g, ok.init(param.value), { step: 2, param: param.value } as never).updates.dataSync()),
    ).toEqual([Math.fround(-0.05)]);
  });
});
