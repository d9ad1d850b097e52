/** Metadata-only shape changes: reshape (one −1 inferred), flatten, expandDims, squeeze. */
import { record } from '../autograd/tape.js';
import { adopt } from '../engine.js';
import { formatShape, ShapeError, ValueError } from '../errors.js';
import { checkShape, normalizeAxis, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { describeValue, operand } from './operand.js';

/**
 * The same values with another shape, given as a list (one axis may be −1: inferred). Shares
 * storage. A shape that is not a list of integers, or holds another number of elements, is a
 * ShapeError (a bare number too: write `[6]`, not `6`).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { reshape, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(reshape(tensor([1, 2, 3, 4, 5, 6]), [2, -1]).shape); // [2, 3]
 * ```
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const t = operand('reshape', x);
  if (!Array.isArray(shape))
    throw new ShapeError(
      `reshape: shape must be a list of integers, got ${describeValue(shape)}${typeof shape === 'number' ? `; write [${shape}] for one axis` : ''}`,
    );
  const known = shape.filter((d) => d !== -1);
  checkShape('reshape', known);
  const inferred = shape.length - known.length;
  if (inferred > 1) throw new ShapeError(`reshape: at most one axis may be -1, got ${formatShape(shape)}`);
  const rest = sizeOf(known);
  const resolved = shape.map((d) => (d === -1 ? (rest === 0 ? 0 : t.size / rest) : d));
  if (sizeOf(resolved) !== t.size || resolved.some((d) => !Number.isInteger(d))) {
    throw new ShapeError(
      `reshape: cannot reshape ${formatShape(t.shape)} (${t.size} elements) to ${formatShape(shape)}`,
    );
  }
  const y = adopt(new Tensor(t.ref, resolved, t.dtype));
  return record('reshape', y, [t], (dy) => [reshape(dy, t.shape)]);
}

/**
 * A view that no gradient flows through.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { grad, mul, setBackend, stopGradient, sum, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await grad((x) => sum(mul(x, stopGradient(x))))(tensor([3]))[0].data()); // Float32Array [3] (not 6: the second factor is a constant)
 * ```
 */
export function stopGradient(x: Tensor): Tensor {
  const t = operand('stopGradient', x);
  return adopt(new Tensor(t.ref, t.shape, t.dtype));
}

/**
 * Collapses all axes from `startAxis` on into one (default: keep the batch axis).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { flatten, setBackend, tensor, zeros } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(flatten(zeros([8, 2, 3])).shape); // [8, 6]
 * ```
 */
export function flatten(x: Tensor, startAxis = 1): Tensor {
  const t = operand('flatten', x);
  const a = normalizeAxis('flatten', startAxis, t.rank);
  return reshape(t, [...t.shape.slice(0, a), sizeOf(t.shape.slice(a))]);
}

/**
 * Inserts an axis of size 1 at `axis`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { expandDims, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(expandDims(tensor([1, 2]), 0).shape); // [1, 2]
 * ```
 */
export function expandDims(x: Tensor, axis: number): Tensor {
  const t = operand('expandDims', x);
  const a = normalizeAxis('expandDims', axis, t.rank + 1);
  return reshape(t, [...t.shape.slice(0, a), 1, ...t.shape.slice(a)]);
}

/**
 * Removes axes of size 1: all of them, or those in `axes` (an axis or a list of them), each of
 * which must have size 1 (a ShapeError otherwise). A scalar has no axes to name (a ValueError).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, squeeze, tensor, zeros } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(squeeze(zeros([1, 3, 1])).shape); // [3]
 * ```
 */
export function squeeze(x: Tensor, axes?: number | readonly number[]): Tensor {
  const t = operand('squeeze', x);
  if (axes !== undefined && typeof axes !== 'number' && !Array.isArray(axes))
    throw new ValueError(`squeeze: axes must be an axis, a list of axes, or undefined, got ${describeValue(axes)}`);
  const drop = (typeof axes === 'number' ? [axes] : axes)?.map((a) => normalizeAxis('squeeze', a, t.rank));
  drop?.forEach((a) => {
    if (t.shape[a] !== 1)
      throw new ShapeError(`squeeze: axis ${a} of ${formatShape(t.shape)} has size ${t.shape[a]}, not 1`);
  });
  return reshape(
    t,
    t.shape.filter((d, i) => (drop ? !drop.includes(i) : d !== 1)),
  );
}
