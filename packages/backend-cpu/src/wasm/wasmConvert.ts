/**
 * SIMD-module versions of `cast` between float32, int32 and bool (the scalar kernel's rules:
 * truncation toward zero with saturation and NaN → 0, x ≠ 0 for bool) and of `argmax` /
 * `argmin` along the last axis of float32 (assembly/convert.ts).
 */
import type { DType, Kernel } from '@backprop/core';
import { liveHandle } from '../handle.js';
import { allocateOutHandle } from '../kernels/helpers/output.js';
import { runSplit, type SimdContext } from './parallel.js';
import { ELEMENTWISE_MIN_SIZE } from './wasmElementwise.js';

/** Kind codes of `castValues` by source and target dtype (the same dtype is not a conversion). */
const CAST_KINDS: Partial<Record<`${DType}>${DType}`, number>> = {
  'float32>int32': 0,
  'float32>bool': 1,
  'int32>float32': 2,
  'bool>float32': 3,
  'int32>bool': 4,
  'bool>int32': 5,
};

/** cast on the module for the six conversions between float32, int32 and bool. */
export function simdCast(ctx: SimdContext, scalarKernel: Kernel<'cast'>): Kernel<'cast'> {
  return (inputs, attrs, out, call) => {
    const [x] = inputs;
    const kind = CAST_KINDS[`${x.dtype}>${out.dtype}`];
    const hx = liveHandle('cast', x.handle);
    if (kind === undefined || hx.length < ELEMENTWISE_MIN_SIZE) return scalarKernel(inputs, attrs, out, call);
    const y = allocateOutHandle(out);
    runSplit(ctx, 'castValues', hx.length, (i0, i1) => [kind, hx.ptr, y.ptr, i0, i1]);
    return y;
  };
}

/** argmax or argmin of float32 along the last axis on the module (other axes and dtypes: the scalar kernel). */
export function simdArg<K extends 'argmax' | 'argmin'>(ctx: SimdContext, name: K, scalarKernel: Kernel<K>): Kernel<K> {
  const lowest = name === 'argmin' ? 1 : 0;
  return ((inputs, attrs, out, call) => {
    const [x] = inputs;
    const { axis } = attrs as { axis: number };
    const hx = liveHandle(name, x.handle);
    if (x.dtype !== 'float32' || axis !== x.shape.length - 1 || hx.length < ELEMENTWISE_MIN_SIZE)
      return scalarKernel(inputs, attrs, out, call);
    const cols = x.shape[axis];
    const y = allocateOutHandle(out as { shape: readonly number[]; dtype: DType });
    runSplit(ctx, 'argRows', hx.length / cols, (r0, r1) => [hx.ptr, y.ptr, cols, r0, r1, lowest], cols);
    return y;
  }) as Kernel<K>;
}
