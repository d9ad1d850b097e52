/**
 * SIMD versions of the float32 elementwise kernels. Operands live in the JS heap, so each call
 * copies its inputs into the WebAssembly arena and the result out (three memcpys, about as
 * fast as the SIMD loop itself); this still beats the scalar kernels' per-element callback
 * several times. Other dtypes, general broadcasting and small tensors use the scalar kernel.
 */
import type { Kernel, OutputInfo, TensorInfo } from '@backprop/core';
import { valuesOf } from '../handle.js';
import { allocateOut, output } from '../kernels/helpers/output.js';
import { ARENA_BASE, type WasmRuntime } from './runtime.js';

/** Binary op codes of assembly/elementwise.ts. */
export const BINARY_OPS = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5 } as const;
/** Unary op codes of assembly/elementwise.ts. */
export const UNARY_OPS = { neg: 0, abs: 1, sqrt: 2, floor: 3, reciprocal: 4 } as const;

/** Smaller outputs stay on the scalar kernel (the call and copies cost more than they save). */
export const ELEMENTWISE_MIN_SIZE = 512;

const align = (bytes: number): number => Math.ceil(bytes / 64) * 64;
const isFloat = (x: TensorInfo | OutputInfo): boolean => x.dtype === 'float32';

/** `scalarKernel` with its float32 same-shape and one-value-broadcast cases on SIMD. */
export function simdBinary<K extends keyof typeof BINARY_OPS>(
  runtime: WasmRuntime,
  name: K,
  scalarKernel: Kernel<K>,
): Kernel<K> {
  const op = BINARY_OPS[name];
  return ((inputs, attrs, out, call) => {
    const [a, b] = inputs as [TensorInfo, TensorInfo];
    const av = valuesOf(a) as Float32Array;
    const bv = valuesOf(b) as Float32Array;
    const n = Math.max(av.length, bv.length);
    const mode = av.length === bv.length ? 0 : bv.length === 1 ? 1 : av.length === 1 ? 2 : -1;
    if (mode < 0 || n < ELEMENTWISE_MIN_SIZE || !isFloat(a) || !isFloat(b) || !isFloat(out as OutputInfo)) {
      return scalarKernel(inputs, attrs, out, call);
    }
    const aPtr = ARENA_BASE;
    const bPtr = aPtr + align(4 * av.length);
    const yPtr = bPtr + align(4 * bv.length);
    const heap = runtime.floats(yPtr + 4 * n);
    heap.set(av, aPtr >> 2);
    heap.set(bv, bPtr >> 2);
    runtime.exports.binary(op, aPtr, bPtr, yPtr, n, mode);
    const y = allocateOut(out as OutputInfo, false);
    y.set(heap.subarray(yPtr >> 2, (yPtr >> 2) + n));
    return output(y);
  }) as Kernel<K>;
}

/** `scalarKernel` with its float32 case on SIMD. */
export function simdUnary<K extends keyof typeof UNARY_OPS>(
  runtime: WasmRuntime,
  name: K,
  scalarKernel: Kernel<K>,
): Kernel<K> {
  const op = UNARY_OPS[name];
  return ((inputs, attrs, out, call) => {
    const [x] = inputs as [TensorInfo];
    const xv = valuesOf(x) as Float32Array;
    const n = xv.length;
    if (n < ELEMENTWISE_MIN_SIZE || !isFloat(x) || !isFloat(out as OutputInfo))
      return scalarKernel(inputs, attrs, out, call);
    const xPtr = ARENA_BASE;
    const yPtr = xPtr + align(4 * n);
    const heap = runtime.floats(yPtr + 4 * n);
    heap.set(xv, xPtr >> 2);
    runtime.exports.unary(op, xPtr, yPtr, n);
    const y = allocateOut(out as OutputInfo, false);
    y.set(heap.subarray(yPtr >> 2, (yPtr >> 2) + n));
    return output(y);
  }) as Kernel<K>;
}
