/** binaryCrossEntropy on probabilities: PyTorch's clamped loss and finite gradient, golden values, saturated training. */
import { readFileSync } from 'node:fs';
import { type ArrayDataset, fit, losses, nn, predict, type Tensor, tensor, vjp } from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { PlainSGD } from './optimizers.js';
import { useCpu } from './setup.js';

beforeAll(useCpu);

/** A float32 value written by test/golden/bce.py; infinities are strings (JSON has none). */
type Num = number | 'Infinity' | '-Infinity' | 'NaN';
interface GoldenCase {
  name: string;
  shape: number[];
  p: Num[];
  y: Num[];
  loss: Num;
  gradP: Num[];
  gradY: Num[];
}
const num = (v: Num): number => (typeof v === 'number' ? v : Number(v));
const golden: { torch: string; cases: GoldenCase[] } = JSON.parse(
  readFileSync(new URL('./golden/bce.json', import.meta.url), 'utf8'),
);

/** |a − e| / |e| (0 when both are 0); the golden values are float32, so ~1e-7 is one rounding. */
const relErr = (a: number, e: number): number => (a === e ? 0 : Math.abs(a - e) / Math.max(Math.abs(e), 1e-30));

function run(p: Tensor, y: Tensor): { loss: number; gradP: Float32Array; gradY: Float32Array } {
  const { value, grads } = vjp(losses.binaryCrossEntropy, [p, y]);
  const out = {
    loss: value.dataSync()[0],
    gradP: grads[0].dataSync() as Float32Array,
    gradY: grads[1].dataSync() as Float32Array,
  };
  for (const t of [value, ...grads]) t.dispose();
  return out;
}

describe('losses.binaryCrossEntropy', () => {
  it('gives a finite gradient at p = 0 and 1 (it was NaN), as PyTorch: [1, 0, 0.5] vs [1, 0, 1]', () => {
    const { loss, gradP } = run(tensor([1, 0, 0.5]), tensor([1, 0, 1]));
    expect(loss).toBeCloseTo(Math.LN2 / 3, 6);
    expect(gradP[0]).toBe(0);
    expect(gradP[1]).toBe(0);
    expect(gradP[2]).toBeCloseTo(-2 / 3, 6);
  });

  it(`matches PyTorch ${golden.torch} (test/golden/bce.json) to 1e-6 relative: loss and both gradients`, () => {
    expect(golden.cases.length).toBeGreaterThan(20);
    let worst = 0;
    for (const c of golden.cases) {
      const p = tensor(Float32Array.from(c.p.map(num)), c.shape);
      const y = tensor(Float32Array.from(c.y.map(num)), c.shape);
      const got = run(p, y);
      p.dispose();
      y.dispose();
      const n = c.p.length;
      const checks: [string, number, number][] = [['loss', got.loss, num(c.loss)]];
      for (let i = 0; i < n; i++) {
        checks.push([`gradP[${i}]`, got.gradP[i], num(c.gradP[i])]);
        const gy = num(c.gradY[i]);
        if (Number.isFinite(gy)) checks.push([`gradY[${i}]`, got.gradY[i], gy]);
        else {
          // PyTorch's ±∞ at p = 0 or 1 (unclamped logs): ours is the clamped loss's finite
          // derivative, −(max(log p, −100) − max(log(1 − p), −100))/N, of the same sign.
          const p0 = num(c.p[i]);
          const logP = Math.max(Math.log(p0), -100);
          const log1mP = Math.max(Math.log(Math.fround(1 - p0)), -100);
          const expected = (log1mP - logP) / n;
          expect(Number.isFinite(got.gradY[i]), `${c.name} gradY[${i}]`).toBe(true);
          expect(Math.sign(got.gradY[i])).toBe(Math.sign(gy));
          expect(relErr(got.gradY[i], expected), `${c.name} gradY[${i}]`).toBeLessThan(1e-6);
        }
      }
      for (const [what, a, e] of checks) {
        const r = relErr(a, e);
        worst = Math.max(worst, r);
        expect(r, `${c.name}: ${what} got ${a}, PyTorch ${e}`).toBeLessThan(1e-6);
      }
    }
    expect(worst).toBeLessThan(1e-6);
  });
});

const SGD = PlainSGD;

describe('training a sigmoid-output classifier with binaryCrossEntropy', () => {
  it('learns XOR through fit, then saturates σ to exactly 0 and 1 at a huge learning rate without a NaN', async () => {
    const xor: ArrayDataset = {
      x: new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]),
      xShape: [4, 2],
      y: new Float32Array([0, 1, 1, 0]),
      yShape: [4, 1],
    };
    const model = nn.sequential(nn.dense(2, 8, { seed: 1 }), nn.tanh(), nn.dense(8, 1, { seed: 3 }), nn.sigmoid());
    // Counts the training steps whose probabilities were exactly 0 or 1 in float32: there the
    // old composed gradient was 0/0 = NaN, and fit stopped with a NonFiniteLossError.
    let saturated = 0;
    const loss = (p: Tensor, y: Tensor): Tensor => {
      if (p.dataSync().some((v) => v === 0 || v === 1)) saturated++;
      return losses.binaryCrossEntropy(p, y);
    };
    const train = (lr: number, epochs: number) =>
      fit(model, xor, {
        loss,
        optimizer: new SGD(lr),
        batchSize: 'full',
        epochs,
        metrics: ['accuracy'],
        verbose: false,
      });
    // Batch gradient descent to 100% training accuracy (σ(z) stays inside (0, 1))...
    const learn = await train(2, 200);
    expect(learn.epochs.at(-1)!.accuracy).toBe(1);
    // ...then steps of 1e5 drive |z| far past float32's saturation (σ(z) rounds to 1 for
    // z ≳ 17.3 and to 0 for z ≲ −103): every later step sees exact 0s and 1s.
    const before = saturated;
    const push = await train(1e5, 30);
    expect(saturated - before).toBeGreaterThanOrEqual(25);
    for (const e of push.epochs) {
      expect(Number.isFinite(e.loss)).toBe(true);
      expect(e.accuracy).toBe(1);
    }
    const p = await predict(model, xor);
    const values = Array.from(await p.data());
    p.dispose();
    expect(values.some((v) => v === 0 || v === 1)).toBe(true);
    expect(values.map((v) => (v > 0.5 ? 1 : 0))).toEqual([0, 1, 1, 0]);
  });
});

describe('the losses take (prediction, target) only', () => {
  it("refuse a third argument (PyTorch's reduction: 'sum' was ignored, the mean returned)", () => {
    const p = tensor([
      [0.2, 0.8],
      [0.6, 0.4],
    ]);
    const t = tensor([
      [0, 1],
      [1, 0],
    ]);
    const labels = tensor(new Int32Array([1, 0]), [2]);
    const calls: [string, () => unknown][] = [
      ['mse', () => losses.mse(p, t, { reduction: 'sum' } as never)],
      ['squaredError', () => losses.squaredError(p, t, 'sum' as never)],
      ['binaryCrossEntropy', () => losses.binaryCrossEntropy(p, t, { reduction: 'sum' } as never)],
      ['binaryCrossEntropyWithLogits', () => losses.binaryCrossEntropyWithLogits(p, t, 1 as never)],
      ['softmaxCrossEntropy', () => losses.softmaxCrossEntropy(p, labels, { reduction: 'none' } as never)],
    ];
    for (const [name, call] of calls)
      expect(call).toThrow(
        new RegExp(`^${name}: takes \\(prediction, target\\) only and has no options, got a third argument `),
      );
    expect(losses.mse(p, t).dataSync()[0]).toBeCloseTo(0.1, 6);
  });
});
