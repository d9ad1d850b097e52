/**
 * The SIMD optimizer steps (assembly/updates.ts: sgdStep, adamStep, rmspropStep) on the module instantiated directly,
 * bit-exact against float64 replicas of the scalar kernels' loops (src/kernels/{sgd,adam,rmsprop}Update.ts), on an odd
 * length split into thread-like ranges, out of place and in place.
 */
import { describe, it } from 'vitest';
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

// --- SGD ---------------------------------------------------------------------------------------------------------

interface Sgd {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  firstStep: boolean;
}

/** src/kernels/sgdUpdate.ts's loop. */
function sgdRef(p: Float32Array, g: Float32Array, buf: Float32Array | undefined, a: Sgd) {
  const { lr, momentum, dampening, nesterov, weightDecay, firstStep } = a;
  const p2 = new Float32Array(N);
  if (momentum === 0) {
    for (let i = 0; i < p.length; i++) p2[i] = p[i] - lr * (g[i] + weightDecay * p[i]);
    return { p2 };
  }
  const b2 = new Float32Array(N);
  for (let i = 0; i < p.length; i++) {
    const gi = g[i] + weightDecay * p[i];
    const bi = firstStep || !buf ? gi : momentum * buf[i] + (1 - dampening) * gi;
    b2[i] = bi;
    p2[i] = p[i] - lr * (nesterov ? gi + momentum * bi : bi);
  }
  return { p2, b2 };
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

/** The constants src/kernels/adamUpdate.ts computes in JS before its loop. */
function adamConstants(a: Adam, step: number) {
  const bc1 = 1 - a.beta1 ** step;
  const bc2 = 1 - a.beta2 ** step;
  return {
    bc1,
    rootBc2: Math.sqrt(bc2),
    shrink: a.decoupled ? 1 - a.lr * a.weightDecay : 1,
    coupled: a.decoupled ? 0 : a.weightDecay,
  };
}

/** src/kernels/adamUpdate.ts's loop. */
function adamRef(s: AdamState, g: Float32Array, a: Adam, step: number): AdamState {
  const { p, m, v, vMax } = s;
  const { beta1, beta2, eps, lr, amsgrad } = a;
  const { bc1, rootBc2, shrink, coupled } = adamConstants(a, step);
  const p2 = new Float32Array(N);
  const m2 = new Float32Array(N);
  const v2 = new Float32Array(N);
  const vMax2 = amsgrad ? new Float32Array(N) : v2;
  for (let i = 0; i < p.length; i++) {
    const theta = p[i];
    const gi = coupled === 0 ? g[i] : g[i] + coupled * theta;
    const mi = beta1 * m[i] + (1 - beta1) * gi;
    const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
    m2[i] = mi;
    v2[i] = vi;
    let vBar = vi;
    if (amsgrad && vMax) {
      vBar = Math.max(vMax[i], vi);
      vMax2[i] = vBar;
    }
    const denom = Math.sqrt(vBar) / rootBc2 + eps;
    p2[i] = theta * shrink - (lr * (mi / bc1)) / denom;
  }
  return { p: p2, m: m2, v: v2, vMax: amsgrad ? vMax2 : undefined };
}

function adamWasm(s: AdamState, g: Float32Array, a: Adam, step: number, inPlace: boolean, cuts: number[]): AdamState {
  wasm.reset();
  const [pp, gp, mp, vp, vmp] = [s.p, g, s.m, s.v, a.amsgrad ? s.vMax : undefined].map(place);
  const [p2, m2, v2, vm2] = inPlace ? [pp, mp, vp, vmp] : [fresh(), fresh(), fresh(), a.amsgrad ? fresh() : 0];
  const c = adamConstants(a, step);
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
    a.eps,
    a.lr,
    c.bc1,
    c.rootBc2,
    c.shrink,
    c.coupled,
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

/** src/kernels/rmspropUpdate.ts's loop. */
function rmsRef(s: RmsState, g: Float32Array, a: Rms): RmsState {
  const { decay, scale, eps, weightDecay, momentum, centered, lr } = a;
  const { p, v, gAvg, buf } = s;
  const p2 = new Float32Array(N);
  const v2 = new Float32Array(N);
  const gAvg2 = centered ? new Float32Array(N) : undefined;
  const buf2 = momentum > 0 ? new Float32Array(N) : undefined;
  for (let i = 0; i < p.length; i++) {
    const theta = p[i];
    const gi = weightDecay === 0 ? g[i] : g[i] + weightDecay * theta;
    const vi = decay * v[i] + scale * gi * gi;
    v2[i] = vi;
    let d: number;
    if (gAvg && gAvg2) {
      const ga = decay * gAvg[i] + scale * gi;
      gAvg2[i] = ga;
      d = Math.sqrt(vi - ga * ga) + eps;
    } else d = Math.sqrt(vi) + eps;
    if (buf && buf2) {
      const b = momentum * buf[i] + gi / d;
      buf2[i] = b;
      p2[i] = theta - lr * b;
    } else p2[i] = theta - (lr * gi) / d;
  }
  return { p: p2, v: v2, gAvg: gAvg2, buf: buf2 };
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
    const a: Sgd = { lr: 0.1, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 0, firstStep: false };
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
