/** concat: joins tensors along an axis. */
import { record } from '../autograd/tape.js';
import { runKernel } from '../engine.js';
import { DTypeError, formatShape, ShapeError, ValueError } from '../errors.js';
import { normalizeAxis } from '../shape.js';
import { Tensor } from '../tensor.js';
import { describeValue, operand } from './operand.js';
import { slice } from './slice.js';

/**
 * Joins the list `xs` along `axis`; all other axes, the ranks and the dtypes must agree. Scalars
 * (rank 0) have no axis to join along and are a ShapeError, as in PyTorch: reshape them to [1].
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { concat, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await concat([tensor([[1, 2]]), tensor([[3, 4]])], 0).data()); // Float32Array [1, 2, 3, 4], shape [2, 2]
 * ```
 */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(xs))
    throw new ValueError(
      `concat: expected a list of tensors, got ${describeValue(xs)}${xs instanceof Tensor ? '; wrap them in a list: concat([a, b])' : ''}`,
    );
  if (xs.length === 0) throw new ValueError('concat: expected at least one tensor, got none');
  const ts = xs.map((x) => operand('concat', x));
  const first = ts[0];
  const scalar = ts.findIndex((t) => t.rank === 0);
  if (scalar >= 0)
    throw new ShapeError(
      `concat: tensor ${scalar} is a scalar (rank 0), which has no axis to join along (PyTorch raises too); reshape each to [1] first`,
    );
  const a = normalizeAxis('concat', axis, first.rank);
  for (const t of ts) {
    if (t.dtype !== first.dtype) throw new DTypeError(`concat: dtypes differ, got ${first.dtype} and ${t.dtype}`);
    if (t.rank !== first.rank || t.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new ShapeError(
        `concat: shapes ${formatShape(first.shape)} and ${formatShape(t.shape)} differ outside axis ${a}`,
      );
    }
  }
  if (ts.length === 1) return first;
  const shape = first.shape.map((d, i) => (i === a ? ts.reduce((s, t) => s + t.shape[a], 0) : d));
  const y = runKernel('concat', ts, { axis: a }, { shape, dtype: first.dtype });
  return record('concat', y, ts, (dy) => {
    let offset = 0;
    return ts.map((t) => {
      const begin = t.shape.map((_, i) => (i === a ? offset : 0));
      offset += t.shape[a];
      return slice(dy, begin, t.shape);
    });
  });
}
