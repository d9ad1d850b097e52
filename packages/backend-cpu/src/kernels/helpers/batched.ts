/** Batched matrix products: batch-axis broadcasting and strided views of the last two axes. */
import { type OutputInfo, type Shape, sizeOf, type TensorInfo } from '@backprop/core';
import { liveHandle } from '../../handle.js';
import type { MatrixView } from './gemm.js';
import { broadcastStrides, forEachRow, innerStride } from './iterate.js';

/** The M×K view of a row-major [..., rows, cols] matrix at `offset` of `x`'s values, transposed when asked. */
export function matrixView(x: TensorInfo, offset: number, cols: number, transposed: boolean): MatrixView {
  const { ptr: base, values: data } = liveHandle('cpu kernel', x.handle);
  return transposed
    ? { data, base, offset, rowStride: 1, colStride: cols }
    : { data, base, offset, rowStride: cols, colStride: 1 };
}

/** Calls `body(aOffset, bOffset, outOffset)` once per output matrix, broadcasting the batch axes of a and b. */
export function forEachBatch(
  a: TensorInfo,
  b: TensorInfo,
  out: OutputInfo,
  body: (pa: number, pb: number, po: number) => void,
): void {
  const batch: Shape = out.shape.slice(0, -2);
  const matrix = (shape: Shape) => sizeOf(shape.slice(-2));
  const strides = (t: TensorInfo) => broadcastStrides(t.shape.slice(0, -2), batch).map((s) => s * matrix(t.shape));
  const sa = strides(a);
  const sb = strides(b);
  const ia = innerStride(sa);
  const ib = innerStride(sb);
  const outMatrix = matrix(out.shape);
  let po = 0;
  forEachRow(batch, [sa, sb], ([pa, pb], n) => {
    for (let j = 0; j < n; j++, pa += ia, pb += ib, po += outMatrix) body(pa, pb, po);
  });
}
