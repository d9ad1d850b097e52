/** gather (take slices at indices) and oneHot. */
import { record } from '../autograd/tape.js';
import { runKernel } from '../engine.js';
import { DTypeError, formatShape, ShapeError, ValueError } from '../errors.js';
import { checkIndexRange } from '../losses/check.js';
import { checkShape, normalizeAxis, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { formatValue } from '../validate.js';
import { cast } from './cast.js';
import { equal } from './compare.js';
import { arange } from './creation.js';
import { operand, requireInt } from './operand.js';
import { expandDims } from './reshape.js';

/**
 * Slices of `x` at int32 `indices` along `axis` (`x` must have an axis: a scalar is a
 * ValueError). An index outside [0, x.shape[axis]) (negative ones included: there is no
 * wrap-around) is an IndexError naming it and its position, thrown before any kernel runs, as
 * PyTorch raises. The check reads `indices` on the host, so it runs only where that needs no
 * wait: on backends that read synchronously (the CPU backend; the ONNX backend for values
 * already on the host). On asynchronous-only backends (WebGPU) and for values still pending on
 * a device it is skipped, and an index out of range gives zeros there.
 * A compiled function repeats it on every call for indices it was given as an argument (as the
 * eager call would); indices it computes itself are checked when it is traced.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { gather, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await gather(tensor([10, 20, 30]), tensor([2, 0], [2], 'int32')).data()); // Float32Array [30, 10]
 * ```
 */
export function gather(x: Tensor, indices: Tensor, axis = 0): Tensor {
  const t = operand('gather', x);
  const idx = operand('gather', indices);
  requireInt('gather', idx);
  const a = normalizeAxis('gather', axis, t.rank);
  checkIndexRange('gather', idx, t.shape[a]);
  return checkedGather(t, idx, a);
}

/**
 * gather on arguments already checked. Each adjoint calls the other's checked form: the indices
 * were checked once on the way forward, so a backward pass reads them from the host no more.
 */
function checkedGather(t: Tensor, idx: Tensor, a: number): Tensor {
  const shape = [...t.shape.slice(0, a), ...idx.shape, ...t.shape.slice(a + 1)];
  const y = runKernel('gather', [t, idx], { axis: a }, { shape, dtype: t.dtype });
  return record('gather', y, [t, idx], (dy) => [checkedScatterAdd(dy, idx, a, t.shape), null]);
}

/**
 * The adjoint of gather: zeros of `shape` with `updates` added at `indices` along `axis`.
 * `updates` must be shaped as `gather` would give, `shape` with its `axis` replaced by the
 * indices' shape (a ShapeError otherwise), and an index outside [0, shape[axis]) is an
 * IndexError, checked on the host under the same rule as `gather` (as PyTorch's `index_add_`
 * raises): the kernel would drop it, and the sum would be missing that update. `updates` must be
 * float32 or int32: a sum of bool updates is a DTypeError (true + true is not a boolean), and a
 * `shape` of rank 0 is a ValueError (a scalar has no axis to add along).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { scatterAdd, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await scatterAdd(tensor([1, 2, 3]), tensor([0, 2, 0], [3], 'int32'), 0, [3]).data()); // Float32Array [4, 0, 2]
 * ```
 */
export function scatterAdd(updates: Tensor, indices: Tensor, axis: number, shape: readonly number[]): Tensor {
  const u = operand('scatterAdd', updates);
  // A sum of booleans has no bool value (true + true would store the byte 2).
  if (u.dtype === 'bool')
    throw new DTypeError(
      `scatterAdd: updates must be float32 or int32, got bool${formatShape(u.shape)}: a sum of booleans is not a boolean; cast them first (cast(u, 'int32') counts them)`,
    );
  const idx = operand('scatterAdd', indices);
  requireInt('scatterAdd', idx);
  checkShape('scatterAdd', shape);
  const a = normalizeAxis('scatterAdd', axis, shape.length);
  const expected = [...shape.slice(0, a), ...idx.shape, ...shape.slice(a + 1)];
  if (!shapesEqual(u.shape, expected)) {
    throw new ShapeError(
      `scatterAdd: updates must be ${formatShape(expected)} (shape ${formatShape(shape)} with axis ${a} replaced by the indices' ${formatShape(idx.shape)}), got ${formatShape(u.shape)}`,
    );
  }
  checkIndexRange('scatterAdd', idx, shape[a]);
  return checkedScatterAdd(u, idx, a, shape);
}

/** scatterAdd on arguments already checked (see {@link checkedGather}). */
function checkedScatterAdd(u: Tensor, idx: Tensor, a: number, shape: readonly number[]): Tensor {
  const y = runKernel('scatterAdd', [u, idx], { axis: a }, { shape: [...shape], dtype: u.dtype });
  return record('scatterAdd', y, [u, idx], (dy) => [checkedGather(dy, idx, a), null]);
}

/**
 * One-hot float32 rows of length `depth` for int32 `indices`. An index outside [0, depth) is an
 * IndexError (as PyTorch's `one_hot`), checked on the host under the same rule as `gather`:
 * where the check is skipped (asynchronous backends), such an index gives a zero row.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { oneHot, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await oneHot(tensor([0, 2], [2], 'int32'), 3).data()); // Float32Array [1, 0, 0, 0, 0, 1]
 * ```
 */
export function oneHot(indices: Tensor, depth: number): Tensor {
  const idx = operand('oneHot', indices);
  requireInt('oneHot', idx);
  if (!Number.isInteger(depth) || depth < 1)
    throw new ValueError(`oneHot: depth must be a positive integer, got ${formatValue(depth)}`);
  checkIndexRange('oneHot', idx, depth);
  return cast(equal(expandDims(idx, -1), arange(0, depth, 1, 'int32')), 'float32');
}
