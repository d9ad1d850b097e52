/** encodeFeatures: pushes a whole dataset through a trained layer, batch by batch, into host memory. */
import {
  checkOptionNames,
  formatShape,
  optionNames,
  ShapeError,
  sliceRows,
  Tensor,
  tensor,
  tidy,
  ValueError,
} from '@backprop/core';
import { checkFeatures, type Features, positiveInt } from './validate.js';

/** Options of {@link encodeFeatures}. */
export interface EncodeFeaturesOptions {
  /** Rows pushed through the layer at a time (a positive integer; default 500). */
  batchSize?: number;
}

/**
 * The layer's output for every row of `data`, as features [N, units] in host memory: the
 * next layer's training set in greedy layer-wise training (probabilities for an RBM, as in
 * Hinton, Osindero & Teh 2006). `encode` must map a batch [rows, D] to [rows, units], with the
 * same `units` for every batch; anything else is a ShapeError rather than a misaligned result.
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
 * @throws ValueError for a `batchSize` that is not a positive integer, an unknown option or an
 *   `encode` that is not a function; ShapeError for malformed data or an output that is not
 *   [rows, units].
 */
export async function encodeFeatures(
  encode: (x: Tensor) => Tensor,
  data: Features,
  options: EncodeFeaturesOptions = {},
): Promise<Features> {
  checkOptionNames('encodeFeatures', options, optionNames<EncodeFeaturesOptions>({ batchSize: true }));
  const { batchSize = 500 } = options;
  positiveInt('encodeFeatures', 'batchSize', batchSize);
  if (typeof encode !== 'function')
    throw new ValueError(
      'encodeFeatures: encode must be a function (x: Tensor) => Tensor, such as (x) => rbm.encode(x)',
    );
  const n = checkFeatures('encodeFeatures', data, data?.xShape?.[1]);
  const parts: Float32Array[] = [];
  let width = -1;
  const ds = { x: data.x, xShape: data.xShape, y: new Int32Array(0), yShape: [n] };
  for (let s = 0; s < n; s += batchSize) {
    const rows = sliceRows(ds, s, Math.min(s + batchSize, n));
    const y = tidy(() => encode(tensor(rows.x, rows.xShape, 'float32')));
    if (!(y instanceof Tensor)) throw new ValueError(`encodeFeatures: encode must return a Tensor, got ${typeof y}`);
    const batch = formatShape(rows.xShape);
    const got = formatShape(y.shape);
    if (y.rank !== 2 || y.shape[0] !== rows.xShape[0]) {
      y.dispose();
      throw new ShapeError(
        `encodeFeatures: encode must return [rows, units], one row of features per input row; for a batch ${batch} it returned ${got}`,
      );
    }
    if (width >= 0 && y.shape[1] !== width) {
      y.dispose();
      throw new ShapeError(
        `encodeFeatures: encode must return as many features for every batch; it returned ${width} for the batches before, then ${got} for a batch ${batch}`,
      );
    }
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
