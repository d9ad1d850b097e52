/**
 * Finite-difference gradient checks: autograd (float32, on the backend) against central
 * differences whose arithmetic is done in float64 on the host.
 */
import { type KernelName, randomNormal, type Tensor, tensor, tidy, vjp } from '@backprop/core';
import type { ConformanceCase } from '../case.js';
import { assertClose, type Tolerance } from './close.js';
import { evaluate } from './evaluate.js';
import { type Host, host, mapHost, toTensor, uniformValues } from './host.js';

/** An input: a host array, or an async producer of one (e.g. {@link normalInput}). */
export type InputSpec = Host | (() => Promise<Host>);

/** Standard-normal input of `shape` from core's seeded `randomNormal` (drawn on the backend), optionally mapped. */
export function normalInput(
  seed: number,
  shape: readonly number[],
  map?: (x: number, i: number) => number,
): () => Promise<Host> {
  return async () => {
    const [r] = await evaluate(() => randomNormal(shape, { seed }));
    const h = host(r.values, r.shape);
    return map ? mapHost(h, (x, i) => Math.fround(map(x, i))) : h;
  };
}

/** Pushes values out of (−margin, margin), away from a kink at 0. */
export const awayFromZero =
  (margin = 0.1) =>
  (x: number): number =>
    Math.abs(x) < margin ? (x < 0 ? -margin : margin) + x : x;

/** Options of {@link gradCase}. */
export interface GradCaseOptions {
  id: string;
  kernels: readonly KernelName[];
  inputs: readonly InputSpec[];
  f: (...xs: Tensor[]) => Tensor;
  /** Indices of the inputs to differentiate (default: every float32 input). */
  wrt?: readonly number[];
  /** Central-difference step (default 1e-2). */
  eps?: number;
  /** Default { rtol: 1e-2, atol: 1e-3 }. */
  tol?: Tolerance;
}

/** The gradient tolerance: float32 forward values make the differences accurate to about 1e-4. */
export const GRADIENT_TOLERANCE: Required<Tolerance> = { rtol: 1e-2, atol: 1e-3 };

/** Resolves input specs to host arrays. */
export async function resolveInputs(specs: readonly InputSpec[]): Promise<Host[]> {
  const out: Host[] = [];
  for (const s of specs) out.push(typeof s === 'function' ? await s() : s);
  return out;
}

/** Σ out·cot in float64 for f at the given inputs. */
async function objective(f: (...xs: Tensor[]) => Tensor, xs: readonly Host[], cot: readonly number[]): Promise<number> {
  const [out] = await evaluate(() => f(...xs.map(toTensor)));
  let s = 0;
  for (let i = 0; i < cot.length; i++) s += out.values[i] * cot[i];
  return s;
}

/** A case comparing autograd's vector–Jacobian product with central differences, element by element. */
export function gradCase({
  id,
  kernels,
  inputs,
  f,
  wrt,
  eps = 1e-2,
  tol = GRADIENT_TOLERANCE,
}: GradCaseOptions): ConformanceCase {
  return {
    id,
    kernels,
    run: async () => {
      const xs = await resolveInputs(inputs);
      const which = wrt ?? xs.map((x, i) => ((x.dtype ?? 'float32') === 'float32' ? i : -1)).filter((i) => i >= 0);
      const [y] = await evaluate(() => f(...xs.map(toTensor)));
      const cot = uniformValues(7, y.values.length, -1, 1);
      const analytic = await evaluate(() =>
        tidy(() => {
          const ts = xs.map(toTensor);
          const g = (...w: Tensor[]) => f(...ts.map((t, i) => (which.includes(i) ? w[which.indexOf(i)] : t)));
          return vjp(
            g,
            which.map((i) => ts[i]),
            tensor(cot, [...y.shape]),
          ).grads;
        }),
      );
      for (let k = 0; k < which.length; k++) {
        const x = xs[which[k]];
        const numeric = new Array<number>(x.values.length);
        for (let i = 0; i < x.values.length; i++) {
          const plus = Math.fround(x.values[i] + eps);
          const minus = Math.fround(x.values[i] - eps);
          const at = (v: number) => xs.map((h, j) => (j === which[k] ? mapHost(h, (u, p) => (p === i ? v : u)) : h));
          numeric[i] = ((await objective(f, at(plus), cot)) - (await objective(f, at(minus), cot))) / (plus - minus);
        }
        assertClose(
          `${id}: gradient of input ${which[k]} (autograd vs central differences)`,
          analytic[k].values,
          numeric,
          tol,
        );
      }
    },
  };
}
