/**
 * The optional fused optimizer-update kernels (`sgdUpdate`, `adamUpdate`, `rmspropUpdate`), called
 * directly through `backend.kernels` when the backend provides them, against float64 references of
 * PyTorch's SGD, Adam (and the lecture's δ-inside-the-root Adam), RMSprop and Adagrad. Multi-output kernels
 * receive one output description per output and return one handle each; Adam's step count t is
 * an int32 scalar input.
 */
import {
  adamUpdateReference,
  type Backend,
  type KernelName,
  rmspropUpdateReference,
  sgdUpdateReference,
  type TensorInfo,
  type UpdateKernelName,
  updateWrittenInputs,
} from '@backprop/core';
import { type ConformanceCase, NotApplicable } from '../case.js';
import { assertClose } from '../check/close.js';
import { recordDispatch } from '../check/dispatches.js';
import { uniformValues } from '../check/host.js';

type MultiKernel = (
  inputs: TensorInfo[],
  attrs: object,
  outs: { shape: number[]; dtype: 'float32' }[],
  call: { backend: Backend; name: KernelName },
) => object[];

/** Writes an update's inputs: a number is an int32 scalar (Adam's step), { lr } the float32 scalar γ, an array a tensor. */
function writeInputs(backend: Backend, inputs: readonly (number[] | number | { lr: number })[]): TensorInfo[] {
  const shape = [(inputs[0] as number[]).length];
  return inputs.map((v): TensorInfo => {
    if (typeof v === 'number')
      return { handle: backend.write(Int32Array.of(v), [], 'int32'), shape: [], dtype: 'int32' };
    if (!Array.isArray(v))
      return { handle: backend.write(Float32Array.of(v.lr), [], 'float32'), shape: [], dtype: 'float32' };
    return { handle: backend.write(Float32Array.from(v), shape, 'float32'), shape, dtype: 'float32' };
  });
}

/**
 * Runs a multi-output kernel on host arrays of one shape (a plain number is an int32 scalar
 * input); returns each output's values.
 */
async function directMulti(
  backend: Backend,
  name: string,
  inputs: (number[] | number | { lr: number })[],
  attrs: object,
  outputs: number,
): Promise<number[][]> {
  const kernel = (backend.kernels as unknown as Record<string, MultiKernel | undefined>)[name];
  if (typeof kernel !== 'function')
    throw new NotApplicable(`backend "${backend.name}" has no optional kernel "${name}"`);
  recordDispatch(name as KernelName);
  const shape = [(inputs[0] as number[]).length];
  const infos = writeInputs(backend, inputs);
  try {
    const handles = kernel(
      infos,
      attrs,
      Array.from({ length: outputs }, () => ({ shape, dtype: 'float32' as const })),
      { backend, name: name as KernelName },
    );
    for (const h of handles) backend.registerOutput?.(h);
    const out: number[][] = [];
    try {
      for (const h of handles) out.push(Array.from(await backend.read(h, shape, 'float32')));
    } finally {
      for (const h of handles) backend.dispose(h);
    }
    if (out.length !== outputs) throw new Error(`${name}: expected ${outputs} outputs, got ${out.length}`);
    return out;
  } finally {
    for (const i of infos) backend.dispose(i.handle);
  }
}

/**
 * Runs `backend.updateInPlace(name, …)` on host arrays (as `directMulti`), with a float32 scalar
 * guard when given; returns every input's values afterwards and the written ones in output order.
 */
async function directInPlace(
  backend: Backend,
  name: UpdateKernelName,
  inputs: (number[] | number | { lr: number })[],
  attrs: object,
  guard?: number,
): Promise<{ all: number[][]; written: number[][] }> {
  if (typeof backend.updateInPlace !== 'function')
    throw new NotApplicable(`backend "${backend.name}" has no updateInPlace`);
  recordDispatch(name as KernelName);
  const infos = writeInputs(backend, inputs);
  const g: TensorInfo | undefined =
    guard === undefined
      ? undefined
      : { handle: backend.write(Float32Array.of(guard), [], 'float32'), shape: [], dtype: 'float32' };
  try {
    backend.updateInPlace(name, infos, attrs as never, g);
    await backend.sync?.();
    const all: number[][] = [];
    for (const i of infos) all.push(Array.from(await backend.read(i.handle, i.shape, i.dtype)));
    return { all, written: updateWrittenInputs(name, infos.length).map((k) => all[k]) };
  } finally {
    for (const i of [...infos, ...(g ? [g] : [])]) backend.dispose(i.handle);
  }
}

/** Exact equality of two runs (the guard must leave every input exactly as it was). */
function assertSame(what: string, got: number[][], want: number[][]): void {
  got.forEach((xs, k) =>
    xs.forEach((x, i) => {
      if (!Object.is(x, want[k][i])) throw new Error(`${what}: input ${k}[${i}] is ${x}, expected ${want[k][i]}`);
    }),
  );
}

const N = 37;
const f32 = (xs: number[]) => xs.map(Math.fround);
const theta = uniformValues(900, N);
const grad = uniformValues(901, N);
const buf = uniformValues(902, N);
const m0 = uniformValues(903, N, -0.1, 0.1);
const v0 = uniformValues(904, N, 0, 0.01);
const vMax0 = v0.map((v, i) => (i % 2 ? v * 2 : v / 2));

const SGD: [
  string,
  { momentum: number; dampening: number; nesterov: boolean; weightDecay: number; firstStep: boolean },
][] = [
  ['plain', { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: false }],
  ['momentum', { momentum: 0.9, dampening: 0.1, nesterov: false, weightDecay: 0.01, firstStep: false }],
  ['momentum/first-step', { momentum: 0.9, dampening: 0.1, nesterov: false, weightDecay: 0, firstStep: true }],
  ['nesterov', { momentum: 0.8, dampening: 0, nesterov: true, weightDecay: 0.05, firstStep: false }],
];

const ADAM: [string, { weightDecay: number; decoupled: boolean; amsgrad: boolean; step: number }][] = [
  ['adam', { weightDecay: 0, decoupled: false, amsgrad: false, step: 1 }],
  ['adam/coupled-decay', { weightDecay: 0.1, decoupled: false, amsgrad: false, step: 5 }],
  ['adamw', { weightDecay: 0.1, decoupled: true, amsgrad: false, step: 3 }],
  ['amsgrad', { weightDecay: 0, decoupled: false, amsgrad: true, step: 7 }],
];

const RMSPROP: [
  string,
  { decay: number; scale: number; weightDecay: number; momentum: number; centered: boolean; eps: number },
][] = [
  ['rmsprop', { decay: 0.99, scale: 0.01, weightDecay: 0, momentum: 0, centered: false, eps: 1e-8 }],
  ['rmsprop/centered', { decay: 0.9, scale: 0.1, weightDecay: 0, momentum: 0, centered: true, eps: 1e-8 }],
  ['rmsprop/momentum', { decay: 0.99, scale: 0.01, weightDecay: 0.05, momentum: 0.9, centered: false, eps: 1e-8 }],
  ['rmsprop/centered-momentum', { decay: 0.9, scale: 0.1, weightDecay: 0, momentum: 0.5, centered: true, eps: 1e-6 }],
  ['adagrad', { decay: 1, scale: 1, weightDecay: 0.1, momentum: 0, centered: false, eps: 1e-10 }],
];
// Centered RMSprop needs v ≥ ḡ² (else the root is NaN, as in PyTorch): ḡ small against √v.
const gAvg0 = uniformValues(905, N, -0.01, 0.01);

const TOL = { rtol: 1e-5, atol: 1e-6 };
const ADAM_TOL = { rtol: 1e-5, atol: 1e-7 };

type AdamVariant = Omit<(typeof ADAM)[number][1], 'step'>;

/** Runs the backend's adamUpdate with lr 0.01, betas (0.9, 0.999), ε 1e-8 at step t. */
function runAdam(backend: Backend, a: AdamVariant, step: number): Promise<number[][]> {
  const attrs = { beta1: 0.9, beta2: 0.999, eps: 1e-8, ...a };
  const inputs = [theta, grad, m0, v0, step, ...(a.amsgrad ? [vMax0] : []), { lr: 0.01 }];
  return directMulti(backend, 'adamUpdate', inputs, attrs, a.amsgrad ? 4 : 3);
}

/** Core's float64 reference of Adam / AdamW / AMSGrad at step t: [θ′, m′, v′, v̄′?]. */
const adamReference = (a: AdamVariant, step: number): number[][] =>
  adamUpdateReference([theta, grad, m0, v0, vMax0], step, 0.01, { beta1: 0.9, beta2: 0.999, eps: 1e-8, ...a });

type RmspropVariant = (typeof RMSPROP)[number][1];

/** Core's float64 reference of RMSprop / Adagrad: [θ′, v′, ḡ′ (centered), b′ (momentum)]. */
const rmspropReference = (a: RmspropVariant, lr: number): number[][] =>
  rmspropUpdateReference(theta, grad, { squareAvg: v0, gradAvg: gAvg0, momentumBuffer: buf }, lr, a);

/** The fused-update cases. */
export const updateCases: ConformanceCase[] = [
  ...SGD.map(
    ([variant, a]): ConformanceCase => ({
      id: `optional/sgdUpdate/${variant}`,
      kernels: ['sgdUpdate' as KernelName],
      run: async ({ backend }) => {
        const lr = 0.1;
        const withBuffer = a.momentum > 0;
        const state = withBuffer && !a.firstStep ? [theta, grad, buf] : [theta, grad];
        const inputs = [...state, { lr }];
        const attrs = a;
        const got = await directMulti(backend, 'sgdUpdate', inputs, attrs, withBuffer ? 2 : 1);
        const [p2, b2] = sgdUpdateReference(theta, grad, withBuffer && !a.firstStep ? buf : undefined, lr, a);
        assertClose(`optional/sgdUpdate/${variant} (parameter)`, got[0], f32(p2), TOL);
        if (withBuffer) assertClose(`optional/sgdUpdate/${variant} (momentum buffer)`, got[1], f32(b2), TOL);
      },
    }),
  ),
  ...ADAM.map(
    ([variant, { step, ...a }]): ConformanceCase => ({
      id: `optional/adamUpdate/${variant}`,
      kernels: ['adamUpdate' as KernelName],
      run: async ({ backend }) => {
        const got = await runAdam(backend, a, step);
        const want = adamReference(a, step);
        ['parameter', 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'].slice(0, got.length).forEach((label, k) => {
          assertClose(`optional/adamUpdate/${variant} (${label})`, got[k], f32(want[k]), ADAM_TOL);
        });
      },
    }),
  ),
  ...RMSPROP.map(
    ([variant, a]): ConformanceCase => ({
      id: `optional/rmspropUpdate/${variant}`,
      kernels: ['rmspropUpdate' as KernelName],
      run: async ({ backend }) => {
        const lr = 0.01;
        const inputs = [theta, grad, v0, ...(a.centered ? [gAvg0] : []), ...(a.momentum > 0 ? [buf] : []), { lr }];
        // Outputs: θ′ and one new value per state input.
        const got = await directMulti(backend, 'rmspropUpdate', inputs, a, inputs.length - 2);
        const want = rmspropReference(a, lr);
        const labels = [
          'parameter',
          'square_avg',
          ...(a.centered ? ['grad_avg'] : []),
          ...(a.momentum > 0 ? ['momentum_buffer'] : []),
        ];
        labels.forEach((label, k) => {
          assertClose(`optional/rmspropUpdate/${variant} (${label})`, got[k], f32(want[k]), TOL);
        });
      },
    }),
  ),
  ...inPlaceCases(),
  {
    id: 'optional/adamUpdate/lr-input',
    kernels: ['adamUpdate' as KernelName],
    run: async ({ backend }) => {
      // γ is read from its input: a different rate gives a different step, with the same kernel attributes.
      const { step: _, ...variant } = ADAM[0][1];
      const a = { beta1: 0.9, beta2: 0.999, eps: 1e-8, ...variant };
      const run = (lr: number) => directMulti(backend, 'adamUpdate', [theta, grad, m0, v0, 3, { lr }], a, 3);
      const [slow, fast] = [await run(0.01), await run(0.05)];
      assertClose('optional/adamUpdate/lr-input (γ = 0.01)', slow[0], f32(adamReference(ADAM[0][1], 3)[0]), ADAM_TOL);
      const moved = (k: number, got: number[]) => got[k] - theta[k];
      slow[0].forEach((_, k) => {
        const ratio = moved(k, fast[0]) / moved(k, slow[0]);
        if (Math.abs(moved(k, slow[0])) > 1e-4 && Math.abs(ratio - 5) > 0.01)
          throw new Error(`optional/adamUpdate/lr-input: γ × 5 moved element ${k} by ×${ratio}, expected ×5`);
      });
    },
  },
  {
    id: 'optional/adamUpdate/step-input',
    kernels: ['adamUpdate' as KernelName],
    run: async ({ backend }) => {
      // The bias corrections follow the step input: t = 1 and t = 40 give different parameters.
      const a = ADAM[0][1];
      const [early, late] = [await runAdam(backend, a, 1), await runAdam(backend, a, 40)];
      assertClose('optional/adamUpdate/step-input (t = 1)', early[0], f32(adamReference(a, 1)[0]), ADAM_TOL);
      assertClose('optional/adamUpdate/step-input (t = 40)', late[0], f32(adamReference(a, 40)[0]), ADAM_TOL);
      if (early[0].every((x, i) => x === late[0][i]))
        throw new Error('optional/adamUpdate/step-input: t = 1 and t = 40 gave the same parameters; t is ignored');
    },
  },
];

/**
 * `updateInPlace`, where a backend has it: every update variant written into its inputs matches
 * the same reference as the kernel's outputs, and a guard of 1 or NaN leaves every input as it was.
 */
function inPlaceCases(): ConformanceCase[] {
  type Variant = {
    name: UpdateKernelName;
    variant: string;
    inputs: (number[] | number | { lr: number })[];
    attrs: object;
    want: number[][];
    tol: typeof TOL;
  };
  const variants: Variant[] = [
    ...SGD.filter(([, a]) => !(a.momentum > 0 && a.firstStep)).map(([variant, a]): Variant => {
      const withBuffer = a.momentum > 0;
      const want = sgdUpdateReference(theta, grad, withBuffer ? buf : undefined, 0.1, a).slice(0, withBuffer ? 2 : 1);
      return {
        name: 'sgdUpdate',
        variant,
        inputs: [theta, grad, ...(withBuffer ? [buf] : []), { lr: 0.1 }],
        attrs: a,
        want,
        tol: TOL,
      };
    }),
    ...ADAM.map(
      ([variant, { step, ...a }]): Variant => ({
        name: 'adamUpdate',
        variant,
        inputs: [theta, grad, m0, v0, step, ...(a.amsgrad ? [vMax0] : []), { lr: 0.01 }],
        attrs: { beta1: 0.9, beta2: 0.999, eps: 1e-8, ...a },
        want: adamReference(a, step).slice(0, a.amsgrad ? 4 : 3),
        tol: ADAM_TOL,
      }),
    ),
    ...RMSPROP.map(
      ([variant, a]): Variant => ({
        name: 'rmspropUpdate',
        variant,
        inputs: [theta, grad, v0, ...(a.centered ? [gAvg0] : []), ...(a.momentum > 0 ? [buf] : []), { lr: 0.01 }],
        attrs: a,
        want: rmspropReference(a, 0.01)
          .filter((w) => w !== undefined)
          .slice(0, 2 + Number(a.centered) + Number(a.momentum > 0)),
        tol: TOL,
      }),
    ),
  ];
  return variants.map(({ name, variant, inputs, attrs, want, tol }) => ({
    id: `optional/updateInPlace/${name}/${variant}`,
    kernels: [name as KernelName],
    run: async ({ backend }) => {
      const id = `optional/updateInPlace/${name}/${variant}`;
      const { written } = await directInPlace(backend, name, inputs, attrs);
      if (written.length !== want.length)
        throw new Error(`${id}: ${written.length} inputs written, expected ${want.length}`);
      written.forEach((got, k) => assertClose(`${id} (written input ${k})`, got, f32(want[k]), tol));
      const untouched = await directInPlace(backend, name, inputs, attrs, Number.POSITIVE_INFINITY);
      const fresh = inputs.map((v) => (Array.isArray(v) ? f32(v) : typeof v === 'number' ? [v] : [Math.fround(v.lr)]));
      for (const guard of [1, Number.NaN, -2]) {
        const { all } = await directInPlace(backend, name, inputs, attrs, guard);
        assertSame(`${id} (guard ${guard} must write nothing)`, all, fresh);
      }
      assertSame(`${id} (guard ∞ must write nothing)`, untouched.all, fresh);
      const guarded = await directInPlace(backend, name, inputs, attrs, 0);
      written.forEach((got, k) => assertSame(`${id} (guard 0 writes as no guard)`, [guarded.written[k]], [got]));
    },
  }));
}
