/** Test helpers: a shared WebGPU backend, and running one kernel on it and on backend-cpu side by side. */
import { cpu } from '@backprop/backend-cpu';
import type {
  Backend,
  DType,
  Handle,
  KernelName,
  MultiOutputKernelName,
  OutputInfo,
  Shape,
  TypedArray,
} from '@backprop/core';
import { expectClose } from '@backprop/testing';
import { afterAll, expect } from 'vitest';
import { type WebGpuBackend, webgpu } from '../src/index.js';

/** True when BACKPROP_WEBGPU=skip asks to skip GPU tests; otherwise a missing adapter fails them. */
export const skipGpu = process.env.BACKPROP_WEBGPU === 'skip';

let shared: Promise<WebGpuBackend> | undefined;

/** The WebGPU backend shared by a test file (destroyed after it), created on first use. */
export function gpuBackend(): Promise<WebGpuBackend> {
  if (!shared) {
    shared = webgpu();
    afterAll(async () => {
      const b = await shared?.catch(() => undefined);
      shared = undefined;
      await b?.destroy();
    });
  }
  return shared;
}

const reference = cpu();

/** A kernel input given by value. */
export interface Input {
  values: TypedArray;
  shape: Shape;
  dtype: DType;
}

/** f32 values in [lo, hi) from a seeded LCG, so failures reproduce. */
export function randomFloats(n: number, seed: number, lo = -3, hi = 3): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((s >>> 8) / 16777216) * (hi - lo);
  }
  return out;
}

/** A float32 input of `shape` with seeded random values. */
export function f32(shape: Shape, seed = 1, lo = -3, hi = 3): Input {
  const n = shape.reduce((a, b) => a * b, 1);
  return { values: randomFloats(n, seed, lo, hi), shape, dtype: 'float32' };
}

/** An input from explicit values. */
export function input(values: readonly number[], shape: Shape, dtype: DType = 'float32'): Input {
  const v =
    dtype === 'float32'
      ? Float32Array.from(values)
      : dtype === 'int32'
        ? Int32Array.from(values)
        : Uint8Array.from(values);
  return { values: v, shape, dtype };
}

async function runOn(
  backend: Backend,
  name: KernelName,
  inputs: readonly Input[],
  attrs: object,
  out: OutputInfo,
): Promise<TypedArray> {
  const handles = inputs.map((i) => ({
    handle: backend.write(i.values, i.shape, i.dtype),
    shape: i.shape,
    dtype: i.dtype,
  }));
  // As core dispatches: the call context in, the output registered with the backend.
  const kernel = backend.kernels[name] as (i: unknown, a: unknown, o: unknown, c: unknown) => object;
  const y = kernel(handles, attrs, out, { backend, name });
  backend.registerOutput?.(y);
  const values = await backend.read(y, out.shape, out.dtype);
  for (const h of handles) backend.dispose(h.handle);
  backend.dispose(y);
  return values;
}

/** Runs multi-output kernel `name` on `backend` with one OutputInfo per output; reads every output. */
async function runMultiOn(
  backend: Backend,
  name: MultiOutputKernelName,
  inputs: readonly Input[],
  attrs: object,
  outs: readonly OutputInfo[],
): Promise<TypedArray[]> {
  const handles = inputs.map((i) => ({
    handle: backend.write(i.values, i.shape, i.dtype),
    shape: i.shape,
    dtype: i.dtype,
  }));
  const kernel = backend.kernels[name] as (i: unknown, a: unknown, o: unknown, c: unknown) => Handle[];
  const ys = kernel(handles, attrs, outs, { backend, name });
  for (const y of ys) backend.registerOutput?.(y);
  expect(ys).toHaveLength(outs.length);
  const values = await Promise.all(ys.map((y, j) => backend.read(y, outs[j].shape, outs[j].dtype)));
  for (const h of handles) backend.dispose(h.handle);
  for (const y of ys) backend.dispose(y);
  return values;
}

/** Runs kernel `name` on backend-cpu (the reference) alone. */
export function onCpu(name: KernelName, inputs: readonly Input[], attrs: object, out: OutputInfo): Promise<TypedArray> {
  return runOn(reference, name, inputs, attrs, out);
}

/** Runs kernel `name` on backend-cpu and on WebGPU; returns both outputs. */
export async function both(name: KernelName, inputs: readonly Input[], attrs: object, out: OutputInfo) {
  const gpu = await gpuBackend();
  const expected = await runOn(reference, name, inputs, attrs, out);
  const actual = await runOn(gpu, name, inputs, attrs, out);
  return { expected, actual };
}

/** Runs `name` on both backends and expects the WebGPU output to match backend-cpu's. */
export async function expectSame(
  name: KernelName,
  inputs: readonly Input[],
  attrs: object,
  out: OutputInfo,
  rtol = 1e-5,
  atol = 1e-6,
) {
  const { expected, actual } = await both(name, inputs, attrs, out);
  expect(actual.constructor).toBe(expected.constructor);
  expectClose(actual, expected, { rtol, atol });
}

/** Runs multi-output kernel `name` on backend-cpu and on WebGPU; returns both outputs. */
export async function bothMulti(
  name: MultiOutputKernelName,
  inputs: readonly Input[],
  attrs: object,
  outs: readonly OutputInfo[],
) {
  const gpu = await gpuBackend();
  const expected = await runMultiOn(reference, name, inputs, attrs, outs);
  const actual = await runMultiOn(gpu, name, inputs, attrs, outs);
  return { expected, actual };
}

/**
 * Runs multi-output kernel `name` on both backends and expects every WebGPU output to match
 * backend-cpu's; returns the WebGPU outputs.
 */
export async function expectSameMulti(
  name: MultiOutputKernelName,
  inputs: readonly Input[],
  attrs: object,
  outs: readonly OutputInfo[],
  rtol = 1e-5,
  atol = 1e-6,
) {
  const { expected, actual } = await bothMulti(name, inputs, attrs, outs);
  expected.forEach((e, j) => {
    expect(actual[j].constructor).toBe(e.constructor);
    try {
      expectClose(actual[j], e, { rtol, atol });
    } catch (err) {
      throw new Error(`${name} output ${j}: ${(err as Error).message}`);
    }
  });
  return actual;
}
