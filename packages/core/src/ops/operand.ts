/** Turning op arguments into tensors, and the dtype checks ops share. */
import { otherCopyHint } from '../copies.js';
import type { DType } from '../dtype.js';
import { allocate } from '../dtype.js';
import { writeTensor } from '../engine.js';
import { DTypeError, formatShape, ValueError } from '../errors.js';
import { Tensor, type TensorLike } from '../tensor.js';

/** Returns `x` if it is a live tensor, or a scalar tensor of `dtype` holding the number `x`. */
export function operand(op: string, x: TensorLike, dtype: DType = 'float32'): Tensor {
  if (x instanceof Tensor) {
    x.assertLive(op);
    return x;
  }
  if (typeof x !== 'number')
    throw new ValueError(`${op}: expected a Tensor or a number, got ${typeof x}${otherCopyHint(x, 'Tensor')}`);
  const values = allocate(dtype, 1);
  values[0] = x;
  return writeTensor(values, [], dtype);
}

/** Converts two operands, a number taking the other's dtype; their dtypes must agree. */
export function operands(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const dtype = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : 'float32';
  const ta = operand(op, a, dtype);
  const tb = operand(op, b, dtype);
  if (ta.dtype !== tb.dtype) {
    throw new DTypeError(
      `${op}: dtypes differ, got ${ta.dtype}${formatShape(ta.shape)} and ${tb.dtype}${formatShape(tb.shape)}; cast one first`,
    );
  }
  return [ta, tb];
}

/** Throws a DTypeError unless `x` is float32. */
export function requireFloat(op: string, x: Tensor): void {
  if (x.dtype !== 'float32')
    throw new DTypeError(`${op}: expected a float32 tensor, got ${x.dtype}${formatShape(x.shape)}`);
}

/** Throws a DTypeError if `x` is bool. */
export function requireNumeric(op: string, x: Tensor): void {
  if (x.dtype === 'bool')
    throw new DTypeError(`${op}: expected a float32 or int32 tensor, got bool${formatShape(x.shape)}; cast it first`);
}

/** Throws a DTypeError unless `x` is int32. */
export function requireInt(op: string, x: Tensor): void {
  if (x.dtype !== 'int32')
    throw new DTypeError(`${op}: expected an int32 tensor, got ${x.dtype}${formatShape(x.shape)}`);
}
