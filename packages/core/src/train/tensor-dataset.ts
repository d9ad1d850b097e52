/** Turning a dataset of tensors into host arrays, so `fit` and `evaluate` batch both kinds alike. */
import { formatShape, ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import type { ArrayDataset, Dataset, TensorDataset } from './dataset.js';

/** True for `{ x: Tensor, y: Tensor }`. */
export function isTensorDataset(data: unknown): data is TensorDataset {
  return (
    typeof data === 'object' &&
    data !== null &&
    (data as TensorDataset).x instanceof Tensor &&
    (data as TensorDataset).y instanceof Tensor
  );
}

/**
 * The dataset as host arrays: an {@link ArrayDataset} as it is; tensors read once (copies: the
 * tensors are not disposed). x becomes float32; y stays int32 (class labels) or becomes float32
 * (bool targets as 0/1).
 */
export async function toArrayDataset(op: string, data: Dataset): Promise<ArrayDataset> {
  if (!isTensorDataset(data)) return data as ArrayDataset;
  const { x, y } = data;
  x.assertLive(`${op} (x)`);
  y.assertLive(`${op} (y)`);
  for (const [name, t] of [
    ['x', x],
    ['y', y],
  ] as const)
    if (t.rank < 1)
      throw new ShapeError(`${op}: ${name} needs a first axis of examples, got a scalar ${formatShape(t.shape)}`);
  if (x.shape[0] !== y.shape[0])
    throw new ShapeError(
      `${op}: x has ${x.shape[0]} examples but y has ${y.shape[0]}, got x ${formatShape(x.shape)} and y ${formatShape(y.shape)}`,
    );
  // data() gives fresh copies: keep those of the right type as they are.
  const [xs, ys] = await Promise.all([x.data(), y.data()]);
  return {
    x: xs instanceof Float32Array ? xs : Float32Array.from(xs),
    xShape: [...x.shape],
    y: y.dtype === 'int32' ? (ys as Int32Array) : ys instanceof Float32Array ? ys : Float32Array.from(ys),
    yShape: [...y.shape],
  };
}
