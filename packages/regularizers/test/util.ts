/** Test helpers: the CPU backend, host reads, closeness checks and a central finite-difference gradient. */

import { cpu } from '@backprop/backend-cpu';
import { setBackend, type Tensor, tensor, tidy } from '@backprop/core';
import { beforeAll, expect } from 'vitest';

/** Registers the CPU backend before the file's tests. */
export function useCpu(): void {
  beforeAll(async () => {
    await setBackend(cpu());
  });
}

/** The values of `t` as a plain array. */
export const values = (t: Tensor): number[] => Array.from(t.dataSync());

/** Expects |a − e| ≤ atol + rtol·|e| elementwise (the order of core's `expectClose`); NaN matches only NaN. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5, atol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e)) expect(a, `element ${i}`).toBeNaN();
    else if (a !== e && !(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      expect.fail(`element ${i}: got ${a}, expected ${e} (|diff| ${Math.abs(a - e)})`);
    }
  }
}

/** ∂f/∂x by central differences, with x perturbed in float32 one element at a time. */
export function numericGrad(
  f: (x: Tensor) => Tensor,
  x: ArrayLike<number>,
  shape: readonly number[],
  h = 1e-2,
): number[] {
  const base = Float64Array.from(x);
  const out: number[] = [];
  const at = (v: Float64Array) => tidy(() => f(tensor(Float32Array.from(v), shape)).dataSync()[0]);
  for (let i = 0; i < base.length; i++) {
    const plus = Float64Array.from(base);
    const minus = Float64Array.from(base);
    plus[i] += h;
    minus[i] -= h;
    out.push((at(plus) - at(minus)) / (Math.fround(base[i] + h) - Math.fround(base[i] - h)));
  }
  return out;
}
