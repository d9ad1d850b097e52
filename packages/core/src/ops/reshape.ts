/** Metadata-only shape changes: reshape (one −1 inferred), flatten, expandDims, squeeze. */
import { record } from '../autograd/tape.js';
import { adopt } from '../engine.js';
import { formatShape, ShapeError } from '../errors.js';
import { checkShape, normalizeAxis, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { operand } from './operand.js';

/**
 * The same values with another shape (one axis may be −1: inferred). Shares storage.
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
  const a = normalizeAxis('flatten', startAxis, x.rank);
  return reshape(x, [...x.shape.slice(0, a), sizeOf(x.shape.slice(a))]);
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
  const a = normalizeAxis('expandDims', axis, x.rank + 1);
  return reshape(x, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)]);
}

/**
 * Removes axes of size 1 (all of them, or those in `axes`).
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
export function squeeze(x: Tensor, axes?: readonly number[]): Tensor {
  const drop = axes?.map((a) => normalizeAxis('squeeze', a, x.rank));
  drop?.forEach((a) => {
    if (x.shape[a] !== 1)
      throw new ShapeError(`squeeze: axis ${a} of ${formatShape(x.shape)} has size ${x.shape[a]}, not 1`);
  });
  return reshape(
    x,
    x.shape.filter((d, i) => (drop ? !drop.includes(i) : d !== 1)),
  );
}
