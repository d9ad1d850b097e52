/** The fused optimizer kernels (adamUpdate, sgdUpdate) against the update rules written out in float64. */
import type { AdamUpdateAttrs, SgdUpdateAttrs, TensorInfo } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { backend, free, t } from './util.js';

const theta = [0.5, -1.25, 2, 0, 3.5];
const grad = [0.1, -0.2, 0.3, 1, -4];
const m0 = [0.01, 0.02, -0.03, 0, 0.5];
const v0 = [0.001, 0.004, 0.009, 0, 0.2];

function runUpdate(name: 'adamUpdate' | 'sgdUpdate', inputs: TensorInfo[], attrs: object, outputs: number): number[][] {
  const outs = Array.from({ length: outputs }, () => ({ shape: [5], dtype: 'float32' as const }));
  const kernel = backend.kernels[name] as unknown as (i: TensorInfo[], a: object, o: object) => object[];
  const handles = kernel(inputs, attrs, outs);
  expect(handles.length).toBe(outputs);
  const values = handles.map((h) => Array.from(backend.readSync!(h, [5], 'float32')));
  for (const h of handles) backend.dispose(h);
  return values;
}

function expectClose(actual: number[], expected: number[]): void {
  for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i], 6);
}

describe('adamUpdate', () => {
  const cases: (Partial<AdamUpdateAttrs> & { step?: number })[] = [
    {},
    { step: 1 },
    { step: 40 },
    { weightDecay: 0.1 },
    { weightDecay: 0.1, decoupled: true },
    { amsgrad: true },
    { epsPlacement: 'inside' },
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
        epsPlacement: 'outside',
        ...attrs,
      };
      const vMax0 = [0.002, 0.001, 0.01, 0.5, 0.1];
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
      const bc1 = 1 - a.beta1 ** step;
      const bc2 = 1 - a.beta2 ** step;
      theta.forEach((th, i) => {
        const g = a.decoupled ? grad[i] : grad[i] + a.weightDecay * th;
        const m = a.beta1 * m0[i] + (1 - a.beta1) * g;
        const v = a.beta2 * v0[i] + (1 - a.beta2) * g * g;
        const vBar = a.amsgrad ? Math.max(vMax0[i], v) : v;
        const denom =
          a.epsPlacement === 'outside' ? Math.sqrt(vBar) / Math.sqrt(bc2) + a.eps : Math.sqrt(vBar / bc2 + a.eps);
        const decayed = a.decoupled ? th * (1 - lr * a.weightDecay) : th;
        expectClose([out[0][i], out[1][i], out[2][i]], [decayed - (lr * m) / bc1 / denom, m, v]);
        if (a.amsgrad) expectClose([out[3][i]], [vBar]);
      });
      free(...inputs);
    });
  }
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
      const a: SgdUpdateAttrs = {
        momentum: 0,
        dampening: 0,
        nesterov: false,
        weightDecay: 0,
        firstStep: false,
        ...c,
      };
      const withBuffer = a.momentum > 0 && !a.firstStep;
      const inputs = [t(theta), t(grad), ...(withBuffer ? [t(m0)] : []), t([lr], [])];
      const out = runUpdate('sgdUpdate', inputs, a, a.momentum > 0 ? 2 : 1);
      theta.forEach((th, i) => {
        const g = grad[i] + a.weightDecay * th;
        if (a.momentum === 0) return expectClose([out[0][i]], [th - lr * g]);
        const b = withBuffer ? a.momentum * m0[i] + (1 - a.dampening) * g : g;
        expectClose([out[0][i], out[1][i]], [th - lr * (a.nesterov ? g + a.momentum * b : b), b]);
      });
      free(...inputs);
    });
  }
});
