/**
 * The SIMD optimizer steps (assembly/updates.ts: sgdStep, adamStep, rmspropStep, generated from core's fused update
 * rules) on the module instantiated directly, bit-exact against the scalar kernels themselves
 * (src/kernels/{sgd,adam,rmsprop}Update.ts, run on a scalar backend: the same rules compiled into a JavaScript loop), on
 * an odd length split into thread-like ranges, out of place and in place. The ranges run every loop of a kernel: SGD's
 * sixteen-wide one (four copies of the rule), the four-wide one and the one-element tail ([7, 998) is 61 × 16 + 3 × 4 +
 * 3 elements; [2, 7) has no sixteen).
 */
import { adamStepCoefficients, type TensorInfo } from '@backprop/core';
import { describe, it } from 'vitest';
import { cpu } from '../src/index.js';
import { expectSame, instantiate, mulberry32, ranges } from './wasm-direct.js';

const N = 1003;
const wasm = instantiate(64);
/** Thread splits of [0, N): whole, halves, thirds at unaligned points, tiny ranges at both ends. */
const SPLITS = [[], [501], [333, 702], [1, 2, 7, 998, 1001]];

/** Seeded values on [lo, hi), with ±0, tiny and huge values (and NaN / ±∞ unless `finite`) at a few places. */
function data(seed: number, lo: number, hi: number, finite = false): Float32Array {
  const r = mulberry32(seed);
  const out = new Float32Array(N);
  for (let i = 0; i < N; i++) out[i] = lo + r() * (hi - lo);
  out[5] = 0;
  out[6] = lo < 0 ? -0 : 0;
  out[11] = 1e-30;
  out[12] = hi * 1e6;
  out[N - 1] = lo < 0 ? -0 : 0;
  if (!finite) {
    out[20] = Number.NaN;
    out[21] = Number.POSITIVE_INFINITY;
    out[22] = lo < 0 ? Number.NEGATIVE_INFINITY : 0;
  }
  return out;
}

/** Copies `values` into the module's memory; 0 (absent) when undefined. */
function place(values: Float32Array | undefined): number {
  if (!values) return 0;
  const ptr = wasm.alloc(values.length);
  wasm.f32(ptr, values.length).set(values);
  return ptr;
}

/** A fresh output array filled with a sentinel (so unwritten elements show). */
function fresh(): number {
  const ptr = wasm.alloc(N);
  wasm.f32(ptr, N).fill(777);
  return ptr;
}

/** Writes the argument block (float64 slots). */
function argBlock(slots: number[]): number {
  const ptr = wasm.alloc(2 * slots.length);
  new Float64Array(wasm.memory.buffer, ptr, slots.length).set(slots);
  return ptr;
}

function call(name: string, args: number, cuts: number[]): void {
  for (const [i0, i1] of ranges(N, cuts)) wasm.exports[name](args, i0, i1);
}

const read = (ptr: number) => wasm.f32(ptr, N).slice();

/** The scalar reference backend the module's results must match bit for bit. */
const scalar = cpu({ simd: false, threads: 1 });

/**
 * Runs the scalar kernel `name` on `inputs` (float32 arrays of N values, an int32 step, and the
 * learning rate as a number: a float32 scalar tensor) and returns its `outputs` arrays.
 */
function scalarUpdate(name: string, inputs: (Float32Array | Int32Array | number)[], attrs: object, outputs: number) {
  const infos: TensorInfo[] = inputs.map((v) => {
    const [values, shape, dtype] =
      typeof v === 'number'
        ? [new Float32Array([v]), [], 'float32' as const]
        : v instanceof Int32Array
          ? [v, [], 'int32' as const]
          : [v, [N], 'float32' as const];
    return { handle: scalar.write(values, shape, dtype), shape, dtype };
  });
  const outs = Array.from({ length: outputs }, () => ({ shape: [N], dtype: 'float32' as const }));
  const kernel = scalar.kernels[name as 'sgdUpdate'] as unknown as (...a: unknown[]) => object[];
  const handles = kernel(infos, attrs, outs, { backend: scalar, name });
  const values = handles.map((h) => {
    scalar.registerOutput?.(h);
    const v = scalar.readSync!(h, [N], 'float32') as Float32Array;
    scalar.dispose(h);
    return v;
  });
  for (const info of infos) scalar.dispose(info.handle);
  return values;
}

// --- SGD ---------------------------------------------------------------------------------------------------------

interface Sgd {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  firstStep: boolean;
}

/** The scalar kernel (src/kernels/sgdUpdate.ts); an absent buffer is a first step, as the module reads slot 2 = 0. */
function sgdRef(p: Float32Array, g: Float32Array, buf: Float32Array | undefined, a: Sgd) {
  const { lr, ...attrs } = a;
  const firstStep = attrs.firstStep || !buf;
  const withBuf = attrs.momentum > 0 && !firstStep;
  const [p2, b2] = scalarUpdate(
    'sgdUpdate',
    [p, g, ...(withBuf && buf ? [buf] : []), lr],
    { ...attrs, firstStep },
    attrs.momentum > 0 ? 2 : 1,
  );
  return attrs.momentum > 0 ? { p2, b2 } : { p2 };
}

function sgdWasm(
  p: Float32Array,
  g: Float32Array,
  buf: Float32Array | undefined,
  a: Sgd,
  inPlace: boolean,
  cuts: number[],
) {
  wasm.reset();
  const pp = place(p);
  const gp = place(g);
  const bp = place(buf);
  const p2 = inPlace ? pp : fresh();
  const b2 = inPlace && bp ? bp : fresh();
  const args = argBlock([
    pp,
    gp,
    bp,
    p2,
    b2,
    a.lr,
    a.momentum,
    a.dampening,
    a.weightDecay,
    a.nesterov ? 1 : 0,
    a.firstStep ? 1 : 0,
  ]);
  call('sgdStep', args, cuts);
  return { p2: read(p2), b2: a.momentum === 0 ? undefined : read(b2) };
}

// --- Adam --------------------------------------------------------------------------------------------------------

interface Adam {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  decoupled: boolean;
  amsgrad: boolean;
}

interface AdamState {
  p: Float32Array;
  m: Float32Array;
  v: Float32Array;
  vMax?: Float32Array;
}

/** The scalar kernel (src/kernels/adamUpdate.ts). */
function adamRef(s: AdamState, g: Float32Array, a: Adam, step: number): AdamState {
  const { lr, ...attrs } = a;
  const inputs = [s.p, g, s.m, s.v, new Int32Array([step]), ...(a.amsgrad && s.vMax ? [s.vMax] : []), lr];
  const [p, m, v, vMax] = scalarUpdate('adamUpdate', inputs, attrs, a.amsgrad ? 4 : 3);
  return { p, m, v, vMax };
}

function adamWasm(s: AdamState, g: Float32Array, a: Adam, step: number, inPlace: boolean, cuts: number[]): AdamState {
  wasm.reset();
  const [pp, gp, mp, vp, vmp] = [s.p, g, s.m, s.v, a.amsgrad ? s.vMax : undefined].map(place);
  const [p2, m2, v2, vm2] = inPlace ? [pp, mp, vp, vmp] : [fresh(), fresh(), fresh(), a.amsgrad ? fresh() : 0];
  const { lr, ...attrs } = a;
  const c = adamStepCoefficients(attrs, step, lr);
  const args = argBlock([
    pp,
    gp,
    mp,
    vp,
    vmp,
    p2,
    m2,
    v2,
    vm2,
    a.beta1,
    a.beta2,
    c.e,
    c.a,
    c.decay ?? 1,
    a.decoupled ? 0 : a.weightDecay,
    a.amsgrad ? 1 : 0,
  ]);
  call('adamStep', args, cuts);
  return { p: read(p2), m: read(m2), v: read(v2), vMax: a.amsgrad ? read(vm2) : undefined };
}

// --- RMSProp -----------------------------------------------------------------------------------------------------

interface Rms {
  lr: number;
  decay: number;
  scale: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
}

interface RmsState {
  p: Float32Array;
  v: Float32Array;
  gAvg?: Float32Array;
  buf?: Float32Array;
}

/** The scalar kernel (src/kernels/rmspropUpdate.ts). */
function rmsRef(s: RmsState, g: Float32Array, a: Rms): RmsState {
  const { lr, ...attrs } = a;
  const inputs = [
    s.p,
    g,
    s.v,
    ...(a.centered && s.gAvg ? [s.gAvg] : []),
    ...(a.momentum > 0 && s.buf ? [s.buf] : []),
    lr,
  ];
  const [p, v, ...rest] = scalarUpdate(
    'rmspropUpdate',
    inputs,
    attrs,
    2 + (a.centered ? 1 : 0) + (a.momentum > 0 ? 1 : 0),
  );
  return { p, v, gAvg: a.centered ? rest.shift() : undefined, buf: a.momentum > 0 ? rest.shift() : undefined };
}

function rmsWasm(s: RmsState, g: Float32Array, a: Rms, inPlace: boolean, cuts: number[]): RmsState {
  wasm.reset();
  const hasMom = a.momentum > 0;
  const [pp, gp, vp, gap, bp] = [s.p, g, s.v, a.centered ? s.gAvg : undefined, hasMom ? s.buf : undefined].map(place);
  const [p2, v2, ga2, b2] = inPlace
    ? [pp, vp, gap, bp]
    : [fresh(), fresh(), a.centered ? fresh() : 0, hasMom ? fresh() : 0];
  const args = argBlock([
    pp,
    gp,
    vp,
    gap,
    bp,
    p2,
    v2,
    ga2,
    b2,
    a.lr,
    a.decay,
    a.scale,
    a.eps,
    a.weightDecay,
    a.momentum,
    a.centered ? 1 : 0,
  ]);
  call('rmspropStep', args, cuts);
  return { p: read(p2), v: read(v2), gAvg: a.centered ? read(ga2) : undefined, buf: hasMom ? read(b2) : undefined };
}

function expectStates<S extends object>(actual: S, expected: S, label: string): void {
  for (const key of Object.keys(expected) as (keyof S)[]) {
    const e = expected[key] as Float32Array | undefined;
    const a = actual[key] as Float32Array | undefined;
    if (e === undefined) continue;
    expectSame(a!, e, `${label} ${String(key)}`);
  }
}

const grads = (step: number) => data(100 + step, -1, 1);

describe('wasm sgdStep', () => {
  const p = data(1, -2, 2);
  const g = data(2, -1, 1);
  const buf = data(3, -0.5, 0.5);
  for (const momentum of [0, 0.9]) {
    for (const nesterov of [false, true]) {
      for (const dampening of [0, 0.25]) {
        for (const weightDecay of [0, 0.01]) {
          for (const firstStep of [false, true]) {
            const a: Sgd = { lr: Math.fround(0.05), momentum, dampening, nesterov, weightDecay, firstStep };
            const label = JSON.stringify(a);
            it(`bit-exact: ${label}`, () => {
              for (const b of [buf, undefined]) {
                const want = sgdRef(p, g, b, a);
                SPLITS.forEach((cuts, k) => {
                  const got = sgdWasm(p, g, b, a, k % 2 === 1, cuts);
                  expectStates(got, want, `${label} buf=${!!b} cuts=${cuts} inPlace=${k % 2 === 1}`);
                });
              }
            });
          }
        }
      }
    }
  }
});

describe('wasm adamStep', () => {
  for (const decoupled of [false, true]) {
    for (const weightDecay of [0, 0.05]) {
      for (const amsgrad of [false, true]) {
        for (const [beta1, beta2, eps] of [
          [0.9, 0.999, 1e-8],
          [0.5, 0.9, 1e-3],
        ]) {
          const a: Adam = { lr: Math.fround(1e-3), beta1, beta2, eps, weightDecay, decoupled, amsgrad };
          const label = JSON.stringify(a);
          it(`bit-exact over 5 steps: ${label}`, () => {
            let state: AdamState = {
              p: data(11, -2, 2),
              m: data(12, -0.1, 0.1, true),
              v: data(13, 0, 0.01, true),
              vMax: amsgrad ? data(14, 0, 0.02, true) : undefined,
            };
            for (let step = 1; step <= 5; step++) {
              const g = grads(step);
              const want = adamRef(state, g, a, step);
              SPLITS.forEach((cuts, k) => {
                const got = adamWasm(state, g, a, step, (k + step) % 2 === 1, cuts);
                expectStates(got, want, `${label} step ${step} cuts=${cuts}`);
              });
              state = want;
            }
          });
        }
      }
    }
  }
});

describe('wasm rmspropStep', () => {
  for (const centered of [false, true]) {
    for (const momentum of [0, 0.9]) {
      for (const weightDecay of [0, 0.01]) {
        for (const [decay, scale, name] of [
          [0.99, 0.01, 'rmsprop'],
          [1, 1, 'adagrad'],
        ] as const) {
          const a: Rms = { lr: Math.fround(0.01), decay, scale, eps: 1e-8, weightDecay, momentum, centered };
          const label = `${name} ${JSON.stringify(a)}`;
          it(`bit-exact over 4 steps: ${label}`, () => {
            let state: RmsState = {
              p: data(21, -2, 2),
              v: data(22, 0, 0.05, true),
              gAvg: centered ? data(23, -0.01, 0.01, true) : undefined,
              buf: momentum > 0 ? data(24, -0.1, 0.1) : undefined,
            };
            for (let step = 1; step <= 4; step++) {
              const g = grads(step);
              const want = rmsRef(state, g, a);
              SPLITS.forEach((cuts, k) => {
                const got = rmsWasm(state, g, a, (k + step) % 2 === 1, cuts);
                expectStates(got, want, `${label} step ${step} cuts=${cuts}`);
              });
              state = want;
            }
          });
        }
      }
    }
  }
});

describe('wasm update ranges', () => {
  it('write exactly [i0, i1) and nothing for an empty range', () => {
    const a: Sgd = {
      lr: Math.fround(0.1),
      momentum: 0.9,
      dampening: 0,
      nesterov: true,
      weightDecay: 0,
      firstStep: false,
    };
    const p = data(31, -1, 1);
    const g = data(32, -1, 1);
    const buf = data(33, -1, 1);
    const want = sgdRef(p, g, buf, a);
    for (const [i0, i1] of [
      [0, 0],
      [500, 500],
      [3, 4],
      [1, 6],
      [2, 1001],
      [999, 1003],
    ]) {
      wasm.reset();
      const [pp, gp, bp] = [p, g, buf].map(place);
      const p2 = fresh();
      const b2 = fresh();
      const args = argBlock([pp, gp, bp, p2, b2, a.lr, a.momentum, a.dampening, a.weightDecay, 1, 0]);
      wasm.exports.sgdStep(args, i0, i1);
      const inRange = (i: number) => i >= i0 && i < i1;
      expectSame(
        read(p2),
        want.p2.map((x, i) => (inRange(i) ? x : 777)),
        `p2 [${i0}, ${i1})`,
      );
      expectSame(
        read(b2),
        want.b2!.map((x, i) => (inRange(i) ? x : 777)),
        `b2 [${i0}, ${i1})`,
      );
    }
  });
});
