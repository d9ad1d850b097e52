/** Reductions over axes: sum, mean, max, min, argmax, argmin, logSumExp. */
import { record } from '../autograd/tape.js';
import { runKernel } from '../engine.js';
import { DTypeError, formatShape, ValueError } from '../errors.js';
import { normalizeAxes, normalizeAxis, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub } from './binary.js';
import { broadcastTo } from './broadcast-to.js';
import { cast } from './cast.js';
import { equal, isfinite, where } from './compare.js';
import { operand, requireNumeric } from './operand.js';
import { reshape, stopGradient } from './reshape.js';
import { exp, log } from './unary.js';

/**
 * Axes to reduce: an axis, a list of axes, or undefined for all of them; anything else (`null`,
 * a string) is a ValueError. On a scalar only 0 and −1 are axes, as in PyTorch, and reduce nothing.
 */
export type Axes = number | readonly number[] | undefined;

function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

function reduce(
  name: 'sum' | 'max' | 'min',
  x: Tensor,
  axes: Axes,
  keepDims: boolean,
): { y: Tensor; t: Tensor; ax: number[] } {
  const t = operand(name, x);
  requireNumeric(name, t);
  const ax = normalizeAxes(name, axes, t.rank);
  const shape = t.shape.filter((_, i) => !ax.includes(i));
  const raw = ax.length === 0 ? t : runKernel(name, [t], { axes: ax }, { shape, dtype: t.dtype });
  const y = keepDims ? reshape(raw, keptShape(t.shape, ax)) : raw;
  return { y, t, ax };
}

/**
 * Σ over `axes` (all by default).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, sum, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await sum(tensor([[1, 2], [3, 4]]), 0).data()); // Float32Array [4, 6] (all axes when none given)
 * ```
 */
export function sum(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  const { y, t, ax } = reduce('sum', x, axes, keepDims);
  if (ax.length === 0) return y;
  return record('sum', y, [t], (dy) => [broadcastTo(reshape(dy, keptShape(t.shape, ax)), t.shape)]);
}

/**
 * Arithmetic mean over `axes` (float32 only).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { mean, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await mean(tensor([[1, 2], [3, 4]]), 1, true).data()); // Float32Array [1.5, 3.5], shape [2, 1]
 * ```
 */
export function mean(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  const t = operand('mean', x);
  if (t.dtype !== 'float32') throw new DTypeError(`mean: expected float32, got ${t.dtype}; cast it first`);
  const ax = normalizeAxes('mean', axes, t.rank);
  return div(sum(t, ax, keepDims), sizeOf(ax.map((a) => t.shape[a])));
}

function extremum(name: 'max' | 'min', x: Tensor, axes: Axes, keepDims: boolean): Tensor {
  const t = operand(name, x);
  requireNumeric(name, t);
  const ax = normalizeAxes(name, axes, t.rank);
  // float32's answer over nothing is the identity, ±∞; int32 has no ∞, and a kernel's −∞ stored
  // in an Int32Array reads 0, a plausible maximum that is none.
  const empty = ax.find((a) => t.shape[a] === 0);
  if (t.dtype === 'int32' && empty !== undefined && sizeOf(t.shape.filter((_, i) => !ax.includes(i))) > 0) {
    throw new ValueError(
      `${name}: axis ${empty} of the int32 tensor ${formatShape(t.shape)} is empty, so it has no ${name === 'max' ? 'maximum' : 'minimum'} (int32 has no ${name === 'max' ? '−∞' : '+∞'}; PyTorch raises here too); cast to float32 for ${name === 'max' ? '−∞' : '+∞'}`,
    );
  }
  const { y } = reduce(name, t, ax, keepDims);
  if (ax.length === 0) return y;
  // NOTE: ties share the gradient equally, as PyTorch's amax/amin.
  return record(name, y, [t], (dy) => {
    const kept = keptShape(t.shape, ax);
    const mask = cast(equal(t, reshape(y, kept)), 'float32');
    const share = div(mask, sum(mask, ax, true));
    return [mul(share, reshape(dy, kept))];
  });
}

/**
 * Maximum over `axes`; NaN propagates. Over an empty axis a float32 maximum is −∞, the identity
 * of max (so `softmax` and `logSumExp` of nothing stay defined; PyTorch and NumPy raise there
 * instead). An int32 tensor has no −∞, so its maximum over an empty axis is a ValueError, as in
 * PyTorch (unless the result itself is empty, e.g. shape [0, 0] over axis 1).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { max, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await max(tensor([[1, 5], [3, 4]]), 1).data()); // Float32Array [5, 4]
 * ```
 */
export const max = (x: Tensor, axes?: Axes, keepDims = false): Tensor => extremum('max', x, axes, keepDims);
/**
 * Minimum over `axes`; NaN propagates. Over an empty axis a float32 minimum is +∞, the identity
 * of min; an int32 one is a ValueError (int32 has no +∞; PyTorch raises), unless the result
 * itself is empty.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { min, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await min(tensor([[1, 5], [3, 4]])).data()); // Float32Array [1]
 * ```
 */
export const min = (x: Tensor, axes?: Axes, keepDims = false): Tensor => extremum('min', x, axes, keepDims);

function argExtremum(name: 'argmax' | 'argmin', x: Tensor, axis: number): Tensor {
  const t = operand(name, x);
  requireNumeric(name, t);
  const a = normalizeAxis(name, axis, t.rank);
  const shape = t.shape.filter((_, i) => i !== a);
  // An empty axis has no element to point to: the kernels would answer −1, an index that is not one.
  if (t.shape[a] === 0 && sizeOf(shape) > 0)
    throw new ValueError(
      `${name}: axis ${a} of shape ${formatShape(t.shape)} is empty, so there is no index to return (PyTorch and NumPy raise here too)`,
    );
  return runKernel(name, [t], { axis: a }, { shape, dtype: 'int32' });
}

/**
 * Index of the first maximum along `axis` (int32). An empty axis is a ValueError (there is no
 * index to give).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { argmax, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await argmax(tensor([[1, 5], [3, 4]])).data()); // Int32Array [1, 1] (last axis by default)
 * ```
 */
export const argmax = (x: Tensor, axis = -1): Tensor => argExtremum('argmax', x, axis);
/**
 * Index of the first minimum along `axis` (int32). An empty axis is a ValueError.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { argmin, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await argmin(tensor([[1, 5], [3, 4]]), 0).data()); // Int32Array [0, 1]
 * ```
 */
export const argmin = (x: Tensor, axis = -1): Tensor => argExtremum('argmin', x, axis);

/**
 * log Σ eˣ over `axes`, computed stably by subtracting the maximum.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { logSumExp, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await logSumExp(tensor([0, 0])).data()); // Float32Array [0.6931472] (ln 2, computed stably)
 * ```
 */
export function logSumExp(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  const t = operand('logSumExp', x);
  const ax = normalizeAxes('logSumExp', axes, t.rank);
  const m = stopGradient(max(t, ax, true));
  const shift = where(isfinite(m), m, 0);
  const lse = add(log(sum(exp(sub(t, shift)), ax, true)), shift);
  return keepDims
    ? lse
    : reshape(
        lse,
        t.shape.filter((_, i) => !ax.includes(i)),
      );
}
