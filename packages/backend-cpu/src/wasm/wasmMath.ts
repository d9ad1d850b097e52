/**
 * SIMD versions of the float32 transcendental kernels (exp, log, log1p, tanh, sigmoid): each
 * lane is computed in float64 and rounded once, within 1 float32 ulp of the scalar kernels'
 * `Math.*` (assembly/math.ts; test/wasm-math.test.ts sweeps every magnitude).
 */
import type { Kernel, OutputInfo, TensorInfo } from '@backprop/core';
import { liveHandle } from '../handle.js';
import { allocateOutHandle } from '../kernels/helpers/output.js';
import { runSplit, type SimdContext } from './parallel.js';
import { ELEMENTWISE_MIN_SIZE } from './wasmElementwise.js';

/** Op codes of assembly/math.ts. */
export const MATH_OPS = { exp: 0, log: 1, log1p: 2, tanh: 3, sigmoid: 4 } as const;

/** `scalarKernel` with its float32 case on SIMD. */
export function simdMath<K extends keyof typeof MATH_OPS>(
  ctx: SimdContext,
  name: K,
  scalarKernel: Kernel<K>,
): Kernel<K> {
  const op = MATH_OPS[name];
  return ((inputs, attrs, out, call) => {
    const [x] = inputs as [TensorInfo];
    const hx = liveHandle(name, x.handle);
    if (hx.length < ELEMENTWISE_MIN_SIZE || x.dtype !== 'float32' || (out as OutputInfo).dtype !== 'float32')
      return scalarKernel(inputs, attrs, out, call);
    const y = allocateOutHandle(out as OutputInfo);
    runSplit(ctx, 'unaryMath', hx.length, (i0, i1) => [op, hx.ptr, y.ptr, i0, i1]);
    return y;
  }) as Kernel<K>;
}
