/** Batched matrix product over the last two axes, with broadcast batch axes and transpose flags. */
import type { Kernel } from '@backprop/core';
import { ArrayHandle, allocateOutput, valuesOf } from '../handle.js';
import { broadcastIndex } from './indexing.js';

/** y[b] = op(a[b]) · op(b[b]) with op = transpose where flagged; y is [..., m, n]. */
export const matmul: Kernel<'matmul'> = ([a, b], { transposeA, transposeB }, out) => {
  const as = valuesOf(a);
  const bs = valuesOf(b);
  const ys = allocateOutput(out);
  const rank = out.shape.length;
  const [m, n] = [out.shape[rank - 2], out.shape[rank - 1]];
  const k = a.shape[a.shape.length - (transposeA ? 2 : 1)];
  const batch = out.shape.slice(0, -2);
  const aBatch = broadcastIndex(a.shape.slice(0, -2), batch);
  const bBatch = broadcastIndex(b.shape.slice(0, -2), batch);
  const batches = ys.length / (m * n) || 0;
  for (let t = 0; t < batches; t++) {
    const aBase = aBatch(t) * m * k;
    const bBase = bBatch(t) * k * n;
    // a is [m, k] (or [k, m] when transposed), b is [k, n] (or [n, k]).
    const aAt = (i: number, p: number) => as[aBase + (transposeA ? p * m + i : i * k + p)];
    const bAt = (p: number, j: number) => bs[bBase + (transposeB ? j * k + p : p * n + j)];
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) acc += aAt(i, p) * bAt(p, j);
        ys[(t * m + i) * n + j] = acc;
      }
    }
  }
  return new ArrayHandle(ys);
};
