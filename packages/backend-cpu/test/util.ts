/** Test helpers: write inputs to a fresh CPU backend and run one kernel by name. */
import type { DType, Kernel, KernelName, KernelSpec, Shape, TensorInfo, TypedArray } from '@backprop/core';
import { cpu } from '../src/index.js';

/** The backend the tests share. */
export const backend = cpu();

/** Writes `values` as a tensor of `shape` and `dtype`. */
export function t(values: ArrayLike<number>, shape: Shape = [values.length], dtype: DType = 'float32'): TensorInfo {
  const array: TypedArray =
    dtype === 'float32'
      ? Float32Array.from(values)
      : dtype === 'int32'
        ? Int32Array.from(values)
        : Uint8Array.from(values);
  return { handle: backend.write(array, shape, dtype), shape, dtype };
}

/** Runs kernel `name` and returns the output values as a plain array (the output is disposed). */
export function run<K extends KernelName>(
  name: K,
  inputs: KernelSpec[K]['inputs'],
  attrs: KernelSpec[K]['attrs'],
  shape: Shape,
  dtype: DType = 'float32',
): number[] {
  const kernel = backend.kernels[name] as Kernel<K> | undefined;
  if (!kernel) throw new Error(`no kernel ${name}`);
  // As core dispatches: the call context in, the output registered with the backend.
  const handle = kernel(inputs, attrs, { shape, dtype } as Parameters<Kernel<K>>[2], { backend, name }) as object;
  backend.registerOutput?.(handle);
  const values = backend.readSync!(handle, shape, dtype);
  backend.dispose(handle);
  return Array.from(values);
}

/** Disposes test inputs. */
export function free(...infos: TensorInfo[]): void {
  for (const x of infos) backend.dispose(x.handle);
}

/** Rounds through float32, for comparing against float64 expectations. */
export const f32 = (values: number[]) => Array.from(Float32Array.from(values));
