/** Running ops inside `tidy`, reading the results with `await t.data()` only, and checking them. */
import { type DType, dispose, type KernelName, Tensor, tidy } from '@backprop/core';
import type { ConformanceCase } from '../case.js';
import { assert, assertClose, assertShape, type Tolerance } from './close.js';
import type { Host } from './host.js';

/** A result read back from the backend. */
export interface Read {
  readonly values: number[];
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** Reads tensors (only through the asynchronous `data()`: `readSync` may be absent) and disposes them. */
export async function readAll(ts: readonly Tensor[]): Promise<Read[]> {
  try {
    const out: Read[] = [];
    for (const t of ts) out.push({ values: Array.from(await t.data()), shape: t.shape, dtype: t.dtype });
    return out;
  } finally {
    dispose(ts);
  }
}

/** Runs `fn` inside `tidy` (so its intermediates are freed), reads what it returns, and frees that too. */
export async function evaluate(fn: () => Tensor | readonly Tensor[]): Promise<Read[]> {
  const result = tidy(() => {
    const r = fn();
    return r instanceof Tensor ? [r] : [...r];
  });
  return readAll(result);
}

/** An expected result: values and shape, and optionally the dtype. */
export interface Expected {
  readonly values: readonly number[];
  readonly shape: readonly number[];
  readonly dtype?: DType;
}

/** Checks one read result against an expectation; integer and bool results are compared exactly. */
export function check(label: string, got: Read, want: Expected | Host, tol: Tolerance = {}): void {
  assertShape(label, got.shape, want.shape);
  if (want.dtype) assert(got.dtype === want.dtype, `${label}: expected dtype ${want.dtype}, got ${got.dtype}`);
  const exact = got.dtype !== 'float32';
  assertClose(label, got.values, want.values, exact ? { rtol: 0, atol: 0 } : tol);
}

/** Options of {@link valueCase}. */
export interface ValueCaseOptions {
  id: string;
  kernels: readonly KernelName[];
  /** Builds inputs and runs the ops (inside `tidy`). */
  f: () => Tensor | readonly Tensor[];
  /** One expectation per output. */
  expected: Expected | Host | readonly (Expected | Host)[];
  tol?: Tolerance;
}

/** A case that computes some outputs and compares them with expected values. */
export function valueCase({ id, kernels, f, expected, tol }: ValueCaseOptions): ConformanceCase {
  const wants = Array.isArray(expected) ? (expected as readonly (Expected | Host)[]) : [expected as Expected];
  return {
    id,
    kernels,
    run: async () => {
      const got = await evaluate(f);
      assert(got.length === wants.length, `${id}: expected ${wants.length} outputs, got ${got.length}`);
      got.forEach((g, i) => check(wants.length > 1 ? `${id} (output ${i})` : id, g, wants[i], tol));
    },
  };
}

/** Runs `fn` and checks that it throws an instance of `type` whose message matches `message`. */
export function assertThrows(
  label: string,
  fn: () => unknown,
  type: abstract new (...a: never[]) => Error,
  message?: string | RegExp,
): void {
  let error: unknown;
  try {
    tidy(() => {
      fn();
    });
  } catch (e) {
    error = e;
  }
  assert(error !== undefined, `${label}: expected ${type.name}, but nothing was thrown`);
  assert(error instanceof type, `${label}: expected ${type.name}, got ${String(error)}`);
  const text = (error as Error).message;
  if (typeof message === 'string')
    assert(text === message, `${label}: expected the message\n  ${message}\ngot\n  ${text}`);
  else if (message) assert(message.test(text), `${label}: message ${JSON.stringify(text)} does not match ${message}`);
}
