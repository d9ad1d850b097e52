/** The fused optimizer kernels against core's float64 references (`adamUpdateReference`, `sgdUpdateReference`). */
import {
  type AdamUpdateAttrs,
  adamUpdate,
  adamUpdateReference,
  dispose,
  InPlaceUpdates,
  ones,
  type SgdUpdateAttrs,
  scalar,
  setBackend,
  sgdUpdateReference,
  type TensorInfo,
  tensor,
  ValueError,
  zeros,
} from '@backprop/core';
import { expectClose } from '@backprop/testing';
import { describe, expect, it } from 'vitest';
import { backend, free, t } from './util.js';

const theta = [0.5, -1.25, 2, 0, 3.5];
const grad = [0.1, -0.2, 0.3, 1, -4];
const m0 = [0.01, 0.02, -0.03, 0, 0.5];
const v0 = [0.001, 0.004, 0.009, 0, 0.2];
const vMax0 = [0.002, 0.001, 0.01, 0.5, 0.1];

function runUpdate(name: 'adamUpdate' | 'sgdUpdate', inputs: TensorInfo[], attrs: object, outputs: number): number[][] {
  const outs = Array.from({ length: outputs }, () => ({ shape: [5], dtype: 'float32' as const }));
  const kernel = backend.kernels[name] as unknown as (i: TensorInfo[], a: object, o: object, c: object) => object[];
  const handles = kernel(inputs, attrs, outs, { backend, name });
  for (const h of handles) backend.registerOutput?.(h);
  expect(handles.length).toBe(outputs);
  const values = handles.map((h) => Array.from(backend.readSync!(h, [5], 'float32')));
  for (const h of handles) backend.dispose(h);
  return values;
}

/** Each output against its reference within 5e-7 absolute, the tolerance of `toBeCloseTo(x, 6)`. */
function expectOutputsClose(actual: number[][], expected: number[][]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, k) => expectClose(a, expected[k], { rtol: 0, atol: 5e-7 }));
}

describe('adamUpdate', () => {
  const cases: (Partial<AdamUpdateAttrs> & { step?: number })[] = [
    {},
    { step: 1 },
    { step: 40 },
    { weightDecay: 0.1 },
    { weightDecay: 0.1, decoupled: true },
    { amsgrad: true },
  ];
  for (const c of cases) {
    it(JSON.stringify(c), () => {
      const { step = 3, ...attrs } = c;
      const lr = Math.fround(0.01);
      const a: AdamUpdateAttrs = {
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        weightDecay: 0,
        decoupled: false,
        amsgrad: false,
        ...attrs,
      };
      const inputs = [
        t(theta),
        t(grad),
        t(m0),
        t(v0),
        t([step], [], 'int32'),
        ...(a.amsgrad ? [t(vMax0)] : []),
        t([lr], []),
      ];
      const out = runUpdate('adamUpdate', inputs, a, a.amsgrad ? 4 : 3);
      expectOutputsClose(out, adamUpdateReference([theta, grad, m0, v0, vMax0], step, lr, a));
      free(...inputs);
    });
  }

  it('a step count below 1 is a ValueError, on the scalar and the SIMD kernel, with nothing written', async () => {
    await setBackend(backend);
    for (const n of [5, 1000]) {
      const param = tensor(Array.from({ length: n }, () => 1));
      const inputs = {
        param,
        grad: ones([n]),
        expAvg: zeros([n]),
        expAvgSq: zeros([n]),
        step: scalar(0, 'int32'),
        lr: scalar(0.1),
      };
      const attrs = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false };
      expect(() => adamUpdate(inputs, attrs), `${n} elements`).toThrow(ValueError);
      // Written in place, the update runs when the batch commits.
      const batch = new InPlaceUpdates();
      adamUpdate(inputs, attrs, { inPlace: batch });
      expect(() => batch.commit()).toThrow(/^adamStepCoefficients: step must be a positive integer, got 0/);
      batch.discard();
      expect(Array.from(await param.data())).toEqual(Array.from({ length: n }, () => 1));
      dispose(Object.values(inputs));
    }
  });
});

describe('sgdUpdate', () => {
  const cases: Partial<SgdUpdateAttrs>[] = [
    {},
    { momentum: 0.9, firstStep: true },
    { momentum: 0.9, dampening: 0.1 },
    { momentum: 0.9, nesterov: true, weightDecay: 0.01 },
  ];
  for (const c of cases) {
    it(JSON.stringify(c), () => {
      const lr = Math.fround(0.1);
      const a: SgdUpdateAttrs = { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: false, ...c };
      const withBuffer = a.momentum > 0 && !a.firstStep;
      const inputs = [t(theta), t(grad), ...(withBuffer ? [t(m0)] : []), t([lr], [])];
      const out = runUpdate('sgdUpdate', inputs, a, a.momentum > 0 ? 2 : 1);
      expectOutputsClose(out, sgdUpdateReference(theta, grad, withBuffer ? m0 : undefined, lr, a));
      free(...inputs);
    });
  }
});
