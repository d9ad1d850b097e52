/**
 * The fused updates are core's rules written out as WGSL (src/shaders/update-rule.ts), so this
 * backend computes backend-cpu's formulas operation for operation. On an adapter whose f32
 * arithmetic rounds as IEEE prescribes (Mesa's lavapipe, the one these tests run on here), SGD and
 * RMSprop / Adagrad write the same bits as backend-cpu for every option, and Adam its moments (its
 * θ′ reads a and e computed in the shader from the step count in f32, where backend-cpu uses
 * float64: within float32 rounding of those). On other adapters (division and square root may be
 * approximate there) every output is checked within tolerance.
 */
import type { MultiOutputKernelName } from '@backprop/core';
import { expectClose } from '@backprop/testing';
import { describe, expect, it } from 'vitest';
import { bothMulti, f32, gpuBackend, type Input, input, skipGpu } from './util.js';

const N = 1027;
const outs = (k: number) => Array.from({ length: k }, () => ({ shape: [N], dtype: 'float32' as const }));
const lr = input([0.01], []);
const bits = (x: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(x).buffer));

interface Case {
  name: MultiOutputKernelName;
  attrs: object;
  inputs: Input[];
  outputs: number;
  /** Outputs that are exact on IEEE f32 arithmetic (default all). */
  exact?: number[];
}

const theta = f32([N], 1, -1, 1);
const grad = f32([N], 2, -0.5, 0.5);
const buffer = f32([N], 3, -0.5, 0.5);
const square = f32([N], 4, 0.5, 1);
const gradAvg = f32([N], 5, -0.1, 0.1);
const sgd = (a: object, withBuffer: boolean): Case => ({
  name: 'sgdUpdate',
  attrs: { dampening: 0, nesterov: false, weightDecay: 0, firstStep: false, ...a },
  inputs: withBuffer ? [theta, grad, buffer, lr] : [theta, grad, lr],
  outputs: (a as { momentum: number }).momentum > 0 ? 2 : 1,
});
const rms = (a: { centered: boolean; momentum: number } & Record<string, number | boolean>): Case => ({
  name: 'rmspropUpdate',
  attrs: { decay: 0.99, scale: 0.01, eps: 1e-8, weightDecay: 0, ...a },
  inputs: [theta, grad, square, ...(a.centered ? [gradAvg] : []), ...(a.momentum > 0 ? [buffer] : []), lr],
  outputs: 2 + (a.centered ? 1 : 0) + (a.momentum > 0 ? 1 : 0),
});
const adam = (a: { amsgrad: boolean } & Record<string, number | boolean>): Case => ({
  name: 'adamUpdate',
  attrs: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, ...a },
  inputs: [theta, grad, buffer, square, input([3], [], 'int32'), ...(a.amsgrad ? [f32([N], 6, 0.5, 1)] : []), lr],
  outputs: a.amsgrad ? 4 : 3,
  exact: a.amsgrad ? [1, 2, 3] : [1, 2],
});

const cases: Record<string, Case> = {
  SGD: sgd({ momentum: 0 }, false),
  'SGD, weight decay': sgd({ momentum: 0, weightDecay: 0.01 }, false),
  'SGD momentum, first step': sgd({ momentum: 0.9, firstStep: true }, false),
  'SGD momentum, dampening': sgd({ momentum: 0.9, dampening: 0.1 }, true),
  'SGD Nesterov, weight decay': sgd({ momentum: 0.9, nesterov: true, weightDecay: 1e-3 }, true),
  RMSprop: rms({ centered: false, momentum: 0 }),
  'RMSprop centered, momentum, weight decay': rms({ centered: true, momentum: 0.5, weightDecay: 0.01 }),
  Adagrad: rms({ decay: 1, scale: 1, eps: 1e-10, centered: false, momentum: 0 }),
  'Adam, coupled decay': adam({ weightDecay: 0.01, amsgrad: false }),
  'AdamW, AMSGrad': adam({ weightDecay: 0.01, decoupled: true, amsgrad: true }),
};

describe.skipIf(skipGpu)("fused updates are core's rules", () => {
  for (const [label, c] of Object.entries(cases)) {
    it(`${label}: backend-cpu's bits on IEEE f32 arithmetic, its values within tolerance anywhere`, async () => {
      const ieee = /llvmpipe|lavapipe/i.test((await gpuBackend()).adapterDescription);
      const { expected, actual } = await bothMulti(c.name, c.inputs, c.attrs, outs(c.outputs));
      expected.forEach((e, k) => {
        if (ieee && (c.exact ?? expected.map((_, j) => j)).includes(k))
          expect(bits(actual[k]), `output ${k}`).toEqual(bits(e));
        else expectClose(actual[k], e, { rtol: 1e-5, atol: 1e-6 });
      });
    });
  }
});
