/** Test helper: runs the same function on backend-cpu and on an ONNX backend and compares the values. */

import { cpu } from '@backprop/backend-cpu';
import { type Backend, setBackend, type Tensor, tidy } from '@backprop/core';
import { expect } from 'vitest';

const reference = cpu();

/** Deterministic pseudo-random floats in [-scale, scale). */
export function rand(n: number, seed = 1, scale = 2): Float32Array {
  const out = new Float32Array(n);
  let s = seed * 2654435761;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = ((s >>> 8) / 16777216 - 0.5) * 2 * scale;
  }
  return out;
}

async function values(backend: Backend, fn: () => Tensor | Tensor[]): Promise<number[][]> {
  await setBackend(backend);
  const out = tidy(() => {
    const r = fn();
    return Array.isArray(r) ? r : [r];
  });
  const data = await Promise.all(out.map((t) => t.data()));
  for (const t of out) t.dispose();
  return data.map((d) => Array.from(d));
}

/** Asserts `fn` gives the same values (NaN equal to NaN) on backend-cpu and on `backend`, within `tol`. */
export async function matchesCpu(backend: Backend, fn: () => Tensor | Tensor[], tol = 1e-5): Promise<void> {
  const want = await values(reference, fn);
  const got = await values(backend, fn);
  expect(got.length).toBe(want.length);
  want.forEach((w, k) => {
    expect(got[k].length).toBe(w.length);
    w.forEach((x, i) => {
      const y = got[k][i];
      if (Number.isNaN(x) || !Number.isFinite(x))
        expect(Object.is(y, x) || (Number.isNaN(x) && Number.isNaN(y)), `output ${k}[${i}]: ${y} vs ${x}`).toBe(true);
      else
        expect(Math.abs(y - x), `output ${k}[${i}]: ${y} vs ${x}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(x)));
    });
  });
}
