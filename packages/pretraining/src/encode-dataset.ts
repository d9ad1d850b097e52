/** encodeFeatures: pushes a whole dataset through a trained layer, batch by batch, into host memory. */
import { sliceRows, type Tensor, tensor, tidy } from '@backprop/core';
import type { Features } from './validate.js';

/**
 * The layer's output for every row of `data`, as features [N, units] in host memory: the
 * next layer's training set in greedy layer-wise training (probabilities for an RBM, as in
 * Hinton, Osindero & Teh 2006).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend } from '@backprop/core';
 * import { encodeFeatures, RBM } from '@backprop/pretraining';
 *
 * await setBackend(cpu());
 * const rbm = new RBM(16, 8);
 * const data = { x: new Float32Array(100 * 16), xShape: [100, 16] };
 * const hidden = await encodeFeatures((x) => rbm.encode(x), data, { batchSize: 50 });
 * console.log(hidden.xShape); // [100, 8]
 * ```
 */
export async function encodeFeatures(
  encode: (x: Tensor) => Tensor,
  data: Features,
  { batchSize = 500 } = {},
): Promise<Features> {
  const n = data.xShape[0];
  const parts: Float32Array[] = [];
  let width = 0;
  const ds = { x: data.x, xShape: data.xShape, y: new Int32Array(0), yShape: [n] };
  for (let s = 0; s < n; s += batchSize) {
    const rows = sliceRows(ds, s, Math.min(s + batchSize, n));
    const y = tidy(() => encode(tensor(rows.x, rows.xShape, 'float32')));
    width = y.shape[1];
    parts.push((await y.data()) as Float32Array);
    y.dispose();
  }
  const x = new Float32Array(n * width);
  let offset = 0;
  for (const p of parts) {
    x.set(p, offset);
    offset += p.length;
  }
  return { x, xShape: [n, width] };
}
