/**
 * SIMD versions of the float32 comparisons (→ bool bytes) and of `where` with a full-size bool
 * condition (assembly/compare.ts); exact, with IEEE NaN and ±0 rules. Other dtypes and general
 * broadcasting run the scalar kernels.
 */
import { type Kernel, type OutputInfo, sizeOf, type TensorInfo } from '@backprop/core';
import { liveHandle } from '../handle.js';
import { allocateOutHandle } from '../kernels/helpers/output.js';
import { runSplit, type SimdContext } from './parallel.js';
import { ELEMENTWISE_MIN_SIZE, pairMode } from './wasmElementwise.js';

/** Op codes of assembly/compare.ts. */
export const COMPARE_OPS = { equal: 0, notEqual: 1, greater: 2, greaterEqual: 3, less: 4, lessEqual: 5 } as const;

/** `scalarKernel` with its float32 same-shape and one-value cases on SIMD. */
export function simdCompare<K extends keyof typeof COMPARE_OPS>(
  ctx: SimdContext,
  name: K,
  scalarKernel: Kernel<K>,
): Kernel<K> {
  const op = COMPARE_OPS[name];
  return ((inputs, attrs, out, call) => {
    const [a, b] = inputs as [TensorInfo, TensorInfo];
    const ha = liveHandle(name, a.handle);
    const hb = liveHandle(name, b.handle);
    const n = sizeOf((out as OutputInfo).shape);
    const mode = pairMode(ha.length, hb.length, n);
    if (mode < 0 || n < ELEMENTWISE_MIN_SIZE || a.dtype !== 'float32' || b.dtype !== 'float32')
      return scalarKernel(inputs, attrs, out, call);
    const y = allocateOutHandle(out as OutputInfo);
    runSplit(ctx, 'compare', n, (i0, i1) => [op, ha.ptr, hb.ptr, y.ptr, i0, i1, mode]);
    return y;
  }) as Kernel<K>;
}

/** `where` with a full-size condition and float32 branches of full size or one value, on SIMD. */
export function simdWhere(ctx: SimdContext, scalarKernel: Kernel<'where'>): Kernel<'where'> {
  return (inputs, attrs, out, call) => {
    const [cond, a, b] = inputs;
    const [hc, ha, hb] = inputs.map((x) => liveHandle('where', x.handle));
    const n = hc.length;
    const fits = (len: number) => len === n || len === 1;
    if (
      n < ELEMENTWISE_MIN_SIZE ||
      n !== sizeOf(out.shape) ||
      !fits(ha.length) ||
      !fits(hb.length) ||
      a.dtype !== 'float32' ||
      b.dtype !== 'float32' ||
      cond.dtype !== 'bool'
    )
      return scalarKernel(inputs, attrs, out, call);
    const mode = (ha.length === 1 && n > 1 ? 1 : 0) | (hb.length === 1 && n > 1 ? 2 : 0);
    const y = allocateOutHandle(out);
    runSplit(ctx, 'select', n, (i0, i1) => [hc.ptr, ha.ptr, hb.ptr, y.ptr, i0, i1, mode]);
    return y;
  };
}
