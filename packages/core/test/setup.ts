/** Test helpers: the CPU backend and closeness checks. */

import { cpu } from '@backprop/backend-cpu';
import { setBackend } from '@backprop/core';
import { expect } from 'vitest';

/** Sets a fresh CPU backend. */
export async function useCpu(): Promise<void> {
  await setBackend(cpu());
}

/** Expects `actual` to match `expected` elementwise within rtol/atol; NaN matches only NaN. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5, atol = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e)) expect(a).toBeNaN();
    else if (a !== e && !(Math.abs(a - e) <= atol + rtol * Math.abs(e)))
      expect.fail(`index ${i}: got ${a}, expected ${e}`);
  }
}
