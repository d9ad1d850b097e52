/**
 * SIMD versions of `sum`, `max` and `min` over float32 when the reduced axes are the trailing ones
 * (rows: the row sums of a [rows, cols] view) or, for `sum`, the leading ones (columns: the
 * bias-gradient pattern). Sums accumulate in float64 like the scalar kernel (in lane order, so
 * the last bits can differ from its sequential order). Anything else runs the scalar kernel.
 */
import { type Kernel, type OutputInfo, sizeOf, type TensorInfo } from '@backprop/core';
import { liveHandle } from '../handle.js';
import { finiteFlagOf } from '../kernels/finiteFlags.js';
import { allocateOutHandle } from '../kernels/helpers/output.js';
import { runSplit, type SimdContext } from './parallel.js';
import { ELEMENTWISE_MIN_SIZE } from './wasmElementwise.js';

/** How `axes` of `shape` reduce: the trailing d axes (rows) or the leading d (columns), as a [rows, cols] view. */
export function reductionLayout(
  shape: readonly number[],
  axes: readonly number[],
): { kind: 'rows' | 'columns'; rows: number; cols: number } | undefined {
  const reduced = new Set(axes);
  const rank = shape.length;
  const count = reduced.size;
  const product = (from: number, to: number) => sizeOf(shape.slice(from, to));
  const isRange = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => from + i).every((d) => reduced.has(d));
  if (isRange(rank - count, rank))
    return { kind: 'rows', rows: product(0, rank - count), cols: product(rank - count, rank) };
  if (isRange(0, count)) return { kind: 'columns', rows: product(0, count), cols: product(count, rank) };
  return undefined;
}

/** The sum kernel with its float32 trailing- and leading-axes cases on SIMD. */
export function simdSum(ctx: SimdContext, scalarKernel: Kernel<'sum'>): Kernel<'sum'> {
  return (inputs, attrs, out, call) => {
    const [x] = inputs as [TensorInfo];
    const layout = reductionLayout(x.shape, attrs.axes);
    const hx = liveHandle('sum', x.handle);
    if (!layout || hx.length < ELEMENTWISE_MIN_SIZE || x.dtype !== 'float32' || out.dtype !== 'float32')
      return scalarKernel(inputs, attrs, out, call);
    const { rows, cols } = layout;
    const y = allocateOutHandle(out as OutputInfo);
    if (layout.kind === 'rows') runSplit(ctx, 'sumRows', rows, (r0, r1) => [hx.ptr, y.ptr, cols, r0, r1], cols);
    else runSplit(ctx, 'sumColumns', cols, (c0, c1) => [hx.ptr, y.ptr, rows, cols, c0, c1], rows);
    return y;
  };
}

/** The max or min kernel with its float32 trailing-axes case on SIMD. */
export function simdExtreme<K extends 'max' | 'min'>(ctx: SimdContext, name: K, scalarKernel: Kernel<K>): Kernel<K> {
  const fn = name === 'max' ? 'maxRows' : 'minRows';
  return ((inputs, attrs, out, call) => {
    const [x] = inputs as [TensorInfo];
    const layout = reductionLayout(x.shape, (attrs as { axes: readonly number[] }).axes);
    const hx = liveHandle(name, x.handle);
    if (layout?.kind !== 'rows' || hx.length < ELEMENTWISE_MIN_SIZE || x.dtype !== 'float32' || out.dtype !== 'float32')
      return scalarKernel(inputs, attrs, out, call);
    const { cols } = layout;
    const y = allocateOutHandle(out as OutputInfo);
    runSplit(ctx, fn, layout.rows, (r0, r1) => [hx.ptr, y.ptr, cols, r0, r1], cols);
    return y;
  }) as Kernel<K>;
}

/**
 * finiteFlags on SIMD: each float32 input of at least the elementwise threshold is read once by
 * `finiteFlag` (the largest exponent-and-mantissa bits, in i32x4 lanes); smaller ones run the
 * scalar loop. Read only and fast (the MLP step's 669K gradients in 0.042 ms), so it stays on the
 * calling thread.
 */
export function simdFiniteFlags(ctx: SimdContext, scalarKernel: Kernel<'finiteFlags'>): Kernel<'finiteFlags'> {
  return (inputs, attrs, out, call) => {
    const handles = inputs.map((x) => liveHandle('finiteFlags', x.handle));
    if (handles.every((h) => h.length < ELEMENTWISE_MIN_SIZE)) return scalarKernel(inputs, attrs, out, call);
    const flags = allocateOutHandle(out as OutputInfo);
    const values = flags.values as Float32Array;
    handles.forEach((h, k) => {
      values[k] =
        h.length < ELEMENTWISE_MIN_SIZE ? finiteFlagOf(h.values) : ctx.runtime.exports.finiteFlag(h.ptr, h.length);
    });
    return flags;
  };
}
