/**
 * SIMD-module versions of gather (rows copied with memory.copy, any dtype) and float32
 * scatterAdd (summed in a float64 accumulator in the scalar kernel's order, so bit-identical to
 * it), on a [outer, n, inner] view along the axis (assembly/gather.ts).
 */
import { bytesPerElement, type Kernel, sizeOf } from '@backprop/core';
import { liveHandle } from '../handle.js';
import { splitAt } from '../kernels/helpers/axis.js';
import { allocateOutHandle } from '../kernels/helpers/output.js';
import { runSplit, type SimdContext } from './parallel.js';

/** gather on the module: one memory.copy per row of the slice (or a row of zeros for an index outside the axis). */
export function simdGather(ctx: SimdContext): Kernel<'gather'> {
  return ([x, indices], { axis }, out) => {
    const hx = liveHandle('gather', x.handle);
    const hi = liveHandle('gather', indices.handle);
    const y = allocateOutHandle(out);
    const { outer, inner } = splitAt(x.shape, axis);
    const m = sizeOf(indices.shape);
    const rowBytes = inner * bytesPerElement(x.dtype);
    runSplit(
      ctx,
      'gatherRows',
      outer,
      (p0, p1) => [hx.ptr, hi.ptr, y.ptr, m, x.shape[axis], rowBytes, p0, p1],
      m * inner,
    );
    return y;
  };
}

/** scatterAdd of float32 updates on the module (int32 runs `scalarKernel`). */
export function simdScatterAdd(ctx: SimdContext, scalarKernel: Kernel<'scatterAdd'>): Kernel<'scatterAdd'> {
  return (inputs, attrs, out, call) => {
    const [updates, indices] = inputs;
    if (updates.dtype !== 'float32') return scalarKernel(inputs, attrs, out, call);
    const y = allocateOutHandle(out);
    const heap = ctx.runtime.heap;
    const size = sizeOf(out.shape);
    const acc = heap.allocate(8 * size);
    try {
      new Float64Array(heap.memory.buffer, acc, size).fill(0);
      const hu = liveHandle('scatterAdd', updates.handle);
      const hi = liveHandle('scatterAdd', indices.handle);
      const { outer, inner } = splitAt(out.shape, attrs.axis);
      const n = out.shape[attrs.axis];
      const m = sizeOf(indices.shape);
      runSplit(ctx, 'scatterAddRows', outer, (p0, p1) => [hu.ptr, hi.ptr, acc, y.ptr, m, n, inner, p0, p1], m * inner);
    } finally {
      heap.release(acc, 8 * size);
    }
    return y;
  };
}
