// The lecture's forms against steps computed by hand: momentum, look-ahead Nesterov, Adam with δ inside the root.

import { cpu } from '@backprop/backend-cpu';
import { Parameter, setBackend, tensor } from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, NAdam, SGD } from '../src/index.js';

beforeAll(async () => {
  await setBackend(cpu());
});

const value = (p: Parameter) => p.value.dataSync()[0];

describe("the lecture's forms, by hand", () => {
  it('momentum: v ← λv − (1−λ)g; θ ← θ + ηv (λ = 0.5, η = 0.1, θ₀ = 1)', () => {
    const p = new Parameter('w', tensor([1]));
    const opt = new SGD({ lr: 0.1, momentum: 0.5, form: 'lecture' });
    // g = 2:  v = 0.5·0 − 0.5·2 = −1;      θ = 1 + 0.1·(−1) = 0.9
    // g = 1:  v = 0.5·(−1) − 0.5·1 = −1;   θ = 0.9 − 0.1 = 0.8
    // g = −2: v = 0.5·(−1) + 0.5·2 = 0.5;  θ = 0.8 + 0.05 = 0.85
    for (const [g, theta] of [
      [2, 0.9],
      [1, 0.8],
      [-2, 0.85],
    ]) {
      opt.step([p], [tensor([g])]);
      expect(value(p)).toBeCloseTo(theta, 6);
    }
  });

  it('differs from PyTorch momentum from step 1 (b₁ = g there)', () => {
    const a = new Parameter('w', tensor([1]));
    const b = new Parameter('w', tensor([1]));
    new SGD({ lr: 0.1, momentum: 0.5, form: 'lecture' }).step([a], [tensor([2])]);
    new SGD({ lr: 0.1, momentum: 0.5 }).step([b], [tensor([2])]);
    expect(value(a)).toBeCloseTo(0.9, 6); // θ − η(1−λ)g
    expect(value(b)).toBeCloseTo(0.8, 6); // θ − γg
  });

  it('Nesterov look-ahead: the gradient of f(θ) = θ² is taken at θ + ηλv', () => {
    const p = new Parameter('w', tensor([1]));
    const opt = new SGD({ lr: 0.1, momentum: 0.5, nesterov: true, form: 'lecture' });
    // step 1: v₀ = 0, no shift; g = 2; v = −1; θ = 0.9
    // step 2: θ̃ = 0.9 + 0.05·(−1) = 0.85; g = 1.7; v = −0.5 − 0.85 = −1.35; θ = 0.9 − 0.135 = 0.765
    // step 3: θ̃ = 0.765 − 0.0675 = 0.6975; g = 1.395; v = −0.675 − 0.6975 = −1.3725; θ = 0.62775
    const expected = [
      [1, 0.9],
      [0.85, 0.765],
      [0.6975, 0.62775],
    ];
    for (const [lookAhead, theta] of expected) {
      opt.beforeGradient([p]);
      expect(value(p)).toBeCloseTo(lookAhead, 6);
      opt.step([p], [tensor([2 * value(p)])]);
      expect(value(p)).toBeCloseTo(theta, 6);
    }
  });

  it('Adam with δ inside the root: θ ← θ − ε·ŝ/√(r̂ + δ)', () => {
    const p = new Parameter('w', tensor([0]));
    const opt = new Adam({ lr: 0.1, eps: 0.01, epsPlacement: 'inside' });
    // g = 1:   s = 0.1, r = 0.001; ŝ = 1, r̂ = 1; θ = −0.1/√1.01 = −0.0995037
    // g = −2:  s = −0.11, r = 0.004999; ŝ = −0.578947, r̂ = 2.50075; θ = −0.0629663
    // g = 0.5: s = −0.049, r = 0.00524925; ŝ = −0.180702, r̂ = 1.75150; θ = −0.0493362
    for (const [g, theta] of [
      [1, -0.09950371902],
      [-2, -0.0629663462509],
      [0.5, -0.0493361733813],
    ]) {
      opt.step([p], [tensor([g])]);
      expect(value(p)).toBeCloseTo(theta, 6);
    }
  });

  it("NAdam: PyTorch ≥ 2.0's Πμ·μ_{t+1} by default, 1.13's Πμ·μ_t·μ_{t+1} with legacyMuProduct", () => {
    const mu = (t: number) => 0.9 * (1 - 0.5 * 0.96 ** (t * 0.004));
    const step1 = (prodNext: number) =>
      (-0.1 * (((1 - mu(1)) / (1 - mu(1))) * 1 + (mu(2) / (1 - prodNext)) * 0.1)) / (1 + 1e-8);
    for (const [legacy, prodNext] of [
      [false, mu(1) * mu(2)],
      [true, mu(1) * mu(1) * mu(2)],
    ] as const) {
      const p = new Parameter('w', tensor([0]));
      new NAdam({ lr: 0.1, legacyMuProduct: legacy }).step([p], [tensor([1])]);
      expect(value(p)).toBeCloseTo(step1(prodNext), 6);
    }
  });
});
