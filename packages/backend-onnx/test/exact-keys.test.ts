/**
 * This backend caches code built from attribute values — an ONNX Runtime session per structural
 * plan of the lazy graph, a WebAssembly loop per fused update — under `exactKey`, so values JSON
 * writes alike (NaN, ±∞ as `null`, −0 as `0`) never share an entry and reuse the wrong constants.
 */
import * as bp from '@backprop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHostUpdate } from '../src/host-update.js';
import { type OnnxBackend, onnx } from '../src/index.js';

let backend: OnnxBackend;
beforeAll(async () => {
  backend = await onnx({ threads: 1 });
  await bp.setBackend(backend);
});
afterAll(async () => {
  await backend.destroy?.();
});

const show = (xs: ArrayLike<number>) => Array.from(xs, bp.exactNumber);

describe('caches keyed by exact values', () => {
  it('eager pads of -∞, +∞, NaN, −0 and 0 each run with their own value (one session per value)', async () => {
    const x = bp.tensor([1, 2]);
    for (const v of [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, Number.NaN, -0, 0, Number.NEGATIVE_INFINITY]) {
      const y = bp.pad(x, [[1, 1]], v);
      expect(show(await y.data()), `pad value ${bp.exactNumber(v)}`).toEqual(show([v, 1, 2, v]));
      y.dispose();
    }
    x.dispose();
  });

  it('the WebAssembly Adam loop of β₁ = 0 is not reused for β₁ = −0', () => {
    const moment = (beta1: number) => {
      const attrs = { beta1, beta2: 0.5, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false };
      const [theta, m, v] = [Float32Array.of(1), Float32Array.of(1), Float32Array.of(1)];
      const inputs = [theta, Float32Array.of(-0), m, v, Int32Array.of(1), Float32Array.of(0.5)];
      runHostUpdate({ name: 'adamUpdate', attrs, inputs, coefficients: [0.5, 1e-8], targets: [theta, m, v] });
      return m[0];
    };
    // m′ = m·β₁ + g·(1 − β₁) with m = 1, g = −0: +0 for β₁ = 0, −0 for β₁ = −0.
    expect(Object.is(moment(0), 0)).toBe(true);
    expect(Object.is(moment(-0), -0)).toBe(true);
  });
});
