/**
 * The fused updates' rules run on host arrays — compiled into one JavaScript loop
 * (`runUpdateLoop`, backend-cpu's scalar kernels and backend-onnx's host fallback) and block by
 * block (`runUpdateBlocks`, where compiling code is forbidden): bit for bit what the same rules
 * give one element at a time in scalar float32 arithmetic (`Math.fround` after each operation),
 * over several blocks and a ragged tail, in place as out of place; within float32 rounding of the
 * float64 references every backend is checked against; and the loop falls back to the blocks when
 * the engine refuses `new Function`.
 */
import {
  type AdamUpdateAttrs,
  adamStepCoefficients,
  adamUpdateReference,
  type RmspropUpdateAttrs,
  rmspropUpdateReference,
  runUpdateBlocks,
  runUpdateLoop,
  type SgdUpdateAttrs,
  sgdUpdateReference,
  type UpdateArrays,
  type UpdateKernelName,
  type UpdateMath,
  updateArraysOf,
  updateKernelRule,
  ValueError,
} from '@backprop/core';
import { afterEach, describe, expect, it, vi } from 'vitest';

/** Three blocks of 2048 and a ragged tail. */
const N = 2 * 2048 + 1031;

/** Seeded values on [lo, hi) (mulberry32). */
function data(seed: number, lo: number, hi: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * (hi - lo);
  }
  return out;
}

/** Scalar float32 arithmetic: one element at a time, each result rounded. */
const scalarMath: UpdateMath<number> = {
  add: (a, b) => Math.fround(a + b),
  sub: (a, b) => Math.fround(a - b),
  mul: (a, b) => Math.fround(a * b),
  div: (a, b) => Math.fround(a / b),
  sqrt: (a) => Math.fround(Math.sqrt(a)),
  max: (a, b) => Math.max(a, b),
  constant: (c) => Math.fround(c),
  identity: (a) => a,
};

/** The rule one element at a time: the independent evaluation the blocks must equal. */
function elementwise(u: UpdateArrays): Float32Array[] {
  const outs = u.targets.map(() => new Float32Array(N));
  for (let i = 0; i < N; i++) {
    const xs = u.arrays.map((x) => (x === undefined ? 0 : x[i]));
    const rule = updateKernelRule(scalarMath, u.name, u.attrs, xs, u.lr, u.coefficients);
    outs.forEach((o, k) => {
      o[i] = rule(k);
    });
  }
  return outs;
}

interface Case {
  name: UpdateKernelName;
  attrs: object;
  /** The elementwise inputs (undefined for Adam's t). */
  arrays: (Float32Array | undefined)[];
  outputs: number;
  lr: number;
  coefficients: number[];
  /** The float64 reference's outputs. */
  reference: () => number[][];
}

const theta = data(1, -1, 1);
const grad = data(2, -0.1, 0.1);
const state = data(3, -0.05, 0.05);
const square = data(4, 0.001, 0.01);
const lr = Math.fround(0.01);

function sgd(attrs: SgdUpdateAttrs): Case {
  const hasBuffer = attrs.momentum > 0 && !attrs.firstStep;
  return {
    name: 'sgdUpdate',
    attrs,
    arrays: hasBuffer ? [theta, grad, state] : [theta, grad],
    outputs: attrs.momentum > 0 ? 2 : 1,
    lr,
    coefficients: [],
    reference: () => sgdUpdateReference(theta, grad, hasBuffer ? state : undefined, lr, attrs),
  };
}

function adam(attrs: AdamUpdateAttrs, step: number): Case {
  const { a, e, decay } = adamStepCoefficients(attrs, step, lr);
  const vMax = attrs.amsgrad ? data(5, 0, 0.01) : undefined;
  return {
    name: 'adamUpdate',
    attrs,
    arrays: [theta, grad, state, square, undefined, ...(vMax ? [vMax] : [])],
    outputs: attrs.amsgrad ? 4 : 3,
    lr,
    coefficients: (decay === undefined ? [a, e] : [a, e, decay]).map(Math.fround),
    reference: () => adamUpdateReference([theta, grad, state, square, vMax], step, lr, attrs),
  };
}

function rmsprop(attrs: RmspropUpdateAttrs): Case {
  const gradAvg = attrs.centered ? data(6, -0.01, 0.01) : undefined;
  const buffer = attrs.momentum > 0 ? data(7, -0.05, 0.05) : undefined;
  return {
    name: 'rmspropUpdate',
    attrs,
    arrays: [theta, grad, square, ...(gradAvg ? [gradAvg] : []), ...(buffer ? [buffer] : [])],
    outputs: 2 + (gradAvg ? 1 : 0) + (buffer ? 1 : 0),
    lr,
    coefficients: [],
    reference: () =>
      rmspropUpdateReference(theta, grad, { squareAvg: square, gradAvg, momentumBuffer: buffer }, lr, attrs),
  };
}

const noDecay = { weightDecay: 0 };
const cases: Record<string, Case> = {
  SGD: sgd({ momentum: 0, dampening: 0, nesterov: false, firstStep: false, ...noDecay }),
  'SGD, weight decay': sgd({ momentum: 0, dampening: 0, nesterov: false, firstStep: false, weightDecay: 0.01 }),
  'SGD momentum, first step': sgd({ momentum: 0.9, dampening: 0, nesterov: false, firstStep: true, ...noDecay }),
  'SGD momentum, dampening': sgd({ momentum: 0.9, dampening: 0.1, nesterov: false, firstStep: false, ...noDecay }),
  'SGD Nesterov, weight decay': sgd({
    momentum: 0.9,
    dampening: 0,
    nesterov: true,
    firstStep: false,
    weightDecay: 1e-3,
  }),
  Adam: adam({ beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false }, 1),
  'Adam, coupled decay, step 7': adam(
    { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: false, amsgrad: false },
    7,
  ),
  'AdamW, AMSGrad, step 3': adam(
    { beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.01, decoupled: true, amsgrad: true },
    3,
  ),
  RMSprop: rmsprop({ decay: 0.99, scale: 0.01, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false }),
  'RMSprop centered, momentum, decay': rmsprop({
    decay: 0.9,
    scale: 0.1,
    eps: 1e-8,
    weightDecay: 0.01,
    momentum: 0.9,
    centered: true,
  }),
  Adagrad: rmsprop({ decay: 1, scale: 1, eps: 1e-10, weightDecay: 0, momentum: 0, centered: false }),
};

const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

describe.each([
  ['runUpdateLoop', runUpdateLoop],
  ['runUpdateBlocks', runUpdateBlocks],
])('%s', (_, run) => {
  for (const [label, c] of Object.entries(cases)) {
    const update = (targets: Float32Array[], arrays = c.arrays): UpdateArrays => ({
      name: c.name,
      attrs: c.attrs,
      arrays,
      targets,
      lr: c.lr,
      coefficients: c.coefficients,
    });

    it(`${label}: the same bits as the rule one element at a time, and near the float64 reference`, () => {
      const targets = Array.from({ length: c.outputs }, () => new Float32Array(N));
      run(update(targets));
      const expected = elementwise(update(targets));
      targets.forEach((t, k) => {
        expect(bits(t), `output ${k}`).toEqual(bits(expected[k]));
      });
      const reference = c.reference();
      targets.forEach((t, k) => {
        for (let i = 0; i < N; i++) {
          const r = reference[k][i];
          expect(Math.abs(t[i] - r), `output ${k}, element ${i}`).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(r)));
        }
      });
    });

    it(`${label}: in place (outputs written over their inputs) equals out of place`, () => {
      const fresh = Array.from({ length: c.outputs }, () => new Float32Array(N));
      run(update(fresh));
      const arrays = c.arrays.map((x) => x?.slice());
      // Each output goes over the input it replaces: θ, then the state inputs in order.
      const written = arrays.filter((x, i) => x !== undefined && i !== 1) as Float32Array[];
      const targets = written.slice(0, c.outputs);
      while (targets.length < c.outputs) targets.push(new Float32Array(N)); // a first step's new buffer
      run(update(targets, arrays));
      targets.forEach((t, k) => {
        expect(bits(t), `output ${k}`).toEqual(bits(fresh[k]));
      });
    });
  }
});

describe('runUpdateLoop where compiling code is forbidden', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('runs the rule block by block instead, with the same bits', () => {
    // A Content Security Policy without 'unsafe-eval' makes `new Function` throw an EvalError.
    vi.stubGlobal(
      'Function',
      class {
        constructor() {
          throw new EvalError("Refused to evaluate a string as JavaScript because 'unsafe-eval' is not allowed");
        }
      },
    );
    // Attributes no other test compiled, so the loop is not cached yet.
    const c = sgd({ momentum: 0.7, dampening: 0, nesterov: true, firstStep: false, weightDecay: 0 });
    const targets = [new Float32Array(N), new Float32Array(N)];
    const u = { name: c.name, attrs: c.attrs, arrays: c.arrays, targets, lr: c.lr, coefficients: [] };
    runUpdateLoop(u);
    vi.unstubAllGlobals();
    const expected = elementwise(u);
    targets.forEach((t, k) => {
      expect(bits(t), `output ${k}`).toEqual(bits(expected[k]));
    });
  });
});

describe('runUpdateLoop caches a loop per exact attribute values', () => {
  it('β₁ = 0 and β₁ = −0 get loops of their own (m′ = m·β₁ + g·(1 − β₁) keeps the sign of zero)', () => {
    const moment = (beta1: number) => {
      const attrs = { beta1, beta2: 0.5, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false };
      const [theta, m, v] = [Float32Array.of(1), Float32Array.of(1), Float32Array.of(1)];
      runUpdateLoop({
        name: 'adamUpdate',
        attrs,
        arrays: [theta, Float32Array.of(-0), m, v, undefined],
        targets: [theta, m, v],
        lr: 0.5,
        coefficients: [0.5, 1e-8],
      });
      return m[0];
    };
    // 1·0 + (−0)·1 = +0; 1·(−0) + (−0)·1 = −0.
    expect(Object.is(moment(0), 0)).toBe(true);
    expect(Object.is(moment(-0), -0)).toBe(true);
    expect(Object.is(moment(0), 0)).toBe(true);
  });
});

describe.each([
  ['runUpdateLoop', runUpdateLoop],
  ['runUpdateBlocks', runUpdateBlocks],
])('%s on arrays that do not fit the update', (op, run) => {
  const sgdAttrs = { momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0, firstStep: false };
  const adamAttrs = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true, amsgrad: false };
  const f = (n = 4) => new Float32Array(n).fill(1);
  const bad: [string, () => UpdateArrays, RegExp, string][] = [
    [
      'a missing momentum buffer',
      () => ({
        name: 'sgdUpdate',
        attrs: sgdAttrs,
        arrays: [f(), f()],
        targets: [f(), f()],
        lr: 0.1,
        coefficients: [],
      }),
      /takes 3 arrays and 2 targets, got 2 and 2/,
      'ValueError',
    ],
    [
      'a gradient shorter than θ',
      () => ({
        name: 'sgdUpdate',
        attrs: sgdAttrs,
        arrays: [f(), f(3), f()],
        targets: [f(), f()],
        lr: 0.1,
        coefficients: [],
      }),
      /array 1 has 3 elements, the targets 4/,
      'ShapeError',
    ],
    [
      'a Float64Array',
      () => ({
        name: 'sgdUpdate',
        attrs: sgdAttrs,
        arrays: [f(), new Float64Array(4) as unknown as Float32Array, f()],
        targets: [f(), f()],
        lr: 0.1,
        coefficients: [],
      }),
      /array 1 must be a Float32Array/,
      'DTypeError',
    ],
    [
      'AdamW without its decay coefficient',
      () => ({
        name: 'adamUpdate',
        attrs: adamAttrs,
        arrays: [f(), f(), f(), f(), undefined],
        targets: [f(), f(), f()],
        lr: 0.1,
        coefficients: [1, 1],
      }),
      /takes 3 coefficients with these attributes, got 2/,
      'ValueError',
    ],
    [
      "Adam's step count given as an array",
      () => ({
        name: 'adamUpdate',
        attrs: adamAttrs,
        arrays: [f(), f(), f(), f(), f()],
        targets: [f(), f(), f()],
        lr: 0.1,
        coefficients: [1, 1, 1],
      }),
      /array 4 \(the step count\) must be undefined/,
      'ValueError',
    ],
    [
      'an unknown update',
      () => ({
        name: 'lionUpdate' as UpdateKernelName,
        attrs: {},
        arrays: [f(), f()],
        targets: [f()],
        lr: 0.1,
        coefficients: [],
      }),
      /name must be sgdUpdate, adamUpdate or rmspropUpdate, got lionUpdate/,
      'ValueError',
    ],
  ];
  for (const [label, make, message, type] of bad) {
    it(`${label}: a ${type} naming ${op}, and nothing written`, () => {
      const u = make();
      const before = u.targets.map((t) => t.slice());
      let error: unknown;
      try {
        run(u);
      } catch (e) {
        error = e;
      }
      expect((error as Error)?.constructor.name).toBe(type);
      expect((error as Error).message).toMatch(new RegExp(`^${op}: `));
      expect((error as Error).message).toMatch(message);
      u.targets.forEach((t, k) => {
        expect(t).toEqual(before[k]);
      });
    });
  }
});

describe('updateArraysOf and adamStepCoefficients on bad input', () => {
  const sgdAttrs = { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: true };
  const adamAttrs = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false };

  it('updateArraysOf: fewer than θ, g and γ, or a γ of two elements, is a ValueError naming it', () => {
    const theta = new Float32Array(2);
    expect(() => updateArraysOf('sgdUpdate', sgdAttrs, [], [theta])).toThrow(
      /^updateArraysOf: inputs must be a fused kernel's inputs \(at least θ, g and γ\), got "0 arrays"/,
    );
    expect(() => updateArraysOf('sgdUpdate', sgdAttrs, [theta, theta, new Float32Array(2)], [theta])).toThrow(
      /^updateArraysOf: γ \(the last input\) must be a one-element array, got "2 elements"/,
    );
    expect(theta).toEqual(new Float32Array(2));
  });

  it('adamStepCoefficients: a step below 1 or fractional, or a learning rate that is not finite, is a ValueError', () => {
    for (const step of [0, -1, 1.5, Number.NaN])
      expect(() => adamStepCoefficients(adamAttrs, step, 0.1), `step ${step}`).toThrow(
        /^adamStepCoefficients: step must be a positive integer/,
      );
    for (const lr of [Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => adamStepCoefficients(adamAttrs, 1, lr), `lr ${lr}`).toThrow(
        /^adamStepCoefficients: lr must be a finite number/,
      );
    expect(() => adamStepCoefficients(adamAttrs, 0, 0.1)).toThrow(ValueError);
  });
});
