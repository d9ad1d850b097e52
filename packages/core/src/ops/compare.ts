/** Comparisons (bool results, no gradient) and `where`. */
import { record } from '../autograd/tape.js';
import { runKernel } from '../engine.js';
import { DTypeError, formatShape } from '../errors.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { zerosLike } from './creation.js';
import { operand, operands } from './operand.js';
import { unbroadcast } from './unbroadcast.js';

type CompareName = 'equal' | 'notEqual' | 'greater' | 'greaterEqual' | 'less' | 'lessEqual';

function compare(name: CompareName, a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb] = operands(name, a, b);
  if (ta.dtype === 'bool' && name !== 'equal' && name !== 'notEqual') {
    throw new DTypeError(`${name}: expected float32 or int32 tensors, got bool; cast them first`);
  }
  return runKernel(name, [ta, tb], {}, { shape: broadcastShapes(name, ta.shape, tb.shape), dtype: 'bool' });
}

/**
 * a = b → bool
 *
 * A number takes the tensor's dtype and must be exactly a value of it: an int32 tensor against
 * 1.5 or 3e9 is a DTypeError, never a comparison with a rounded or wrapped number (see
 * {@link TensorLike}).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { equal, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await equal(tensor([1, 2]), tensor([1, 3])).data()); // Uint8Array [1, 0] (bool)
 * ```
 */
export const equal = (a: TensorLike, b: TensorLike): Tensor => compare('equal', a, b);
/**
 * a ≠ b → bool
 *
 * A number takes the tensor's dtype and must be exactly a value of it: an int32 tensor against
 * 1.5 or 3e9 is a DTypeError, never a comparison with a rounded or wrapped number (see
 * {@link TensorLike}).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { notEqual, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await notEqual(tensor([1, 2]), 2).data()); // Uint8Array [1, 0]
 * ```
 */
export const notEqual = (a: TensorLike, b: TensorLike): Tensor => compare('notEqual', a, b);
/**
 * a > b → bool
 *
 * A number takes the tensor's dtype and must be exactly a value of it: an int32 tensor against
 * 1.5 or 3e9 is a DTypeError, never a comparison with a rounded or wrapped number (see
 * {@link TensorLike}).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { greater, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await greater(tensor([1, 2, 3]), 2).data()); // Uint8Array [0, 0, 1]
 * ```
 */
export const greater = (a: TensorLike, b: TensorLike): Tensor => compare('greater', a, b);
/**
 * a ≥ b → bool
 *
 * A number takes the tensor's dtype and must be exactly a value of it: an int32 tensor against
 * 1.5 or 3e9 is a DTypeError, never a comparison with a rounded or wrapped number (see
 * {@link TensorLike}).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { greaterEqual, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await greaterEqual(tensor([1, 2, 3]), 2).data()); // Uint8Array [0, 1, 1]
 * ```
 */
export const greaterEqual = (a: TensorLike, b: TensorLike): Tensor => compare('greaterEqual', a, b);
/**
 * a < b → bool
 *
 * A number takes the tensor's dtype and must be exactly a value of it: an int32 tensor against
 * 1.5 or 3e9 is a DTypeError, never a comparison with a rounded or wrapped number (see
 * {@link TensorLike}).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { less, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await less(tensor([1, 2, 3]), 2).data()); // Uint8Array [1, 0, 0]
 * ```
 */
export const less = (a: TensorLike, b: TensorLike): Tensor => compare('less', a, b);
/**
 * a ≤ b → bool
 *
 * A number takes the tensor's dtype and must be exactly a value of it: an int32 tensor against
 * 1.5 or 3e9 is a DTypeError, never a comparison with a rounded or wrapped number (see
 * {@link TensorLike}).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { lessEqual, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await lessEqual(tensor([1, 2, 3]), 2).data()); // Uint8Array [1, 1, 0]
 * ```
 */
export const lessEqual = (a: TensorLike, b: TensorLike): Tensor => compare('lessEqual', a, b);

/**
 * Elementwise `cond ? a : b`, broadcasting all three; `cond` must be bool. A number for `a` or
 * `b` takes the other's dtype and must be exactly a value of it (see {@link TensorLike}).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { greater, setBackend, tensor, where } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await where(greater(tensor([-1, 2]), 0), 1, -1).data()); // Float32Array [-1, 1]
 * ```
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const c = operand('where', cond);
  if (c.dtype !== 'bool') throw new DTypeError(`where: condition must be bool, got ${c.dtype}${formatShape(c.shape)}`);
  const [ta, tb] = operands('where', a, b);
  const shape = broadcastShapes('where', c.shape, broadcastShapes('where', ta.shape, tb.shape));
  const y = runKernel('where', [c, ta, tb], {}, { shape, dtype: ta.dtype });
  return record('where', y, [c, ta, tb], (dy, [, na, nb]) => {
    const zero = zerosLike(dy);
    return [
      null,
      na ? unbroadcast(where(c, dy, zero), ta.shape) : null,
      nb ? unbroadcast(where(c, zero, dy), tb.shape) : null,
    ];
  });
}

/**
 * True where x is neither NaN nor ±∞ (always true for int32).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { isfinite, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await isfinite(tensor([1, Infinity, NaN])).data()); // Uint8Array [1, 0, 0]
 * ```
 */
export function isfinite(x: Tensor): Tensor {
  const t = operand('isFinite', x);
  if (t.dtype !== 'float32') return equal(t, t);
  return less(runKernel('abs', [t], {}, { shape: t.shape, dtype: t.dtype }), Number.POSITIVE_INFINITY);
}

/**
 * True where x is NaN.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { isnan, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await isnan(tensor([1, NaN])).data()); // Uint8Array [0, 1]
 * ```
 */
export const isnan = (x: Tensor): Tensor => notEqual(x, x);
