/** Turning op arguments into tensors, and the dtype checks ops share. */
import { otherCopyHint } from '../copies.js';
import { allocate, DTYPES, type DType, type TypedArray } from '../dtype.js';
import { writeTensor } from '../engine.js';
import { BackendError, DTypeError, formatShape, ValueError } from '../errors.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { formatValue } from '../validate.js';

/** Smallest and largest int32. */
export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/**
 * How a misplaced argument reads in a message: a tensor by its dtype and shape, another object by
 * its class, anything else as {@link formatValue} prints it (strings quoted).
 */
export function describeValue(v: unknown): string {
  if (v instanceof Tensor) return `a Tensor ${v.dtype}${formatShape(v.shape)}`;
  if (v !== null && typeof v === 'object' && !Array.isArray(v))
    return `a ${(v as { constructor?: { name?: string } }).constructor?.name || 'object'}${otherCopyHint(v, 'Tensor')}`;
  return formatValue(v);
}

/** Throws a DTypeError naming `op` unless `dtype` is one of Backprop's dtypes. */
export function checkDType(op: string, dtype: unknown): asserts dtype is DType {
  if (!DTYPES.includes(dtype as DType))
    throw new DTypeError(`${op}: unknown dtype ${formatValue(dtype)}; expected one of ${DTYPES.join(', ')}`);
}

/**
 * Throws a DTypeError unless the number `x` is exactly a value of `dtype`: any number for
 * float32 (rounded to float32, as PyTorch rounds a Python float), an integer in the int32 range
 * for int32, 0 or 1 for bool. Storing it otherwise would change it without a word (0.5 → 0,
 * 3e9 → −1294967296, NaN → 0, 2 → a bool byte that is neither true nor false).
 */
export function checkNumberFits(op: string, x: number, dtype: DType, what = 'the number'): void {
  if (dtype === 'float32') return;
  const fits = dtype === 'int32' ? Number.isInteger(x) && x >= INT32_MIN && x <= INT32_MAX : x === 0 || x === 1;
  if (fits) return;
  const values = dtype === 'int32' ? `an integer in [${INT32_MIN}, ${INT32_MAX}]` : '0 or 1';
  throw new DTypeError(
    `${op}: ${what} ${formatValue(x)} is not ${dtype === 'int32' ? 'an' : 'a'} ${dtype} value (${values}), and a number takes the dtype of the ${dtype} tensor it is used with; cast the tensor first, e.g. cast(x, 'float32')`,
  );
}

/**
 * Returns `x` if it is a live tensor, or a scalar tensor of `dtype` holding the number `x`,
 * which must be exactly a value of `dtype` (see {@link checkNumberFits}).
 */
export function operand(op: string, x: TensorLike, dtype: DType = 'float32'): Tensor {
  if (x instanceof Tensor) {
    x.assertLive(op);
    return x;
  }
  if (typeof x !== 'number')
    throw new ValueError(
      `${op}: expected a Tensor or a number, got ${typeof x === 'boolean' ? `the boolean ${x}; write 1 or 0 for true or false` : typeof x}${otherCopyHint(x, 'Tensor')}`,
    );
  checkNumberFits(op, x, dtype);
  const values = allocate(dtype, 1);
  values[0] = x;
  return writeTensor(values, [], dtype);
}

/**
 * Converts two operands, a number taking the other's dtype (it must be exactly a value of that
 * dtype: a DTypeError otherwise); their dtypes must agree.
 */
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

/**
 * The values of `t` if they can be had without waiting: the backend reads synchronously and the
 * value is already on the host, or (on an asynchronous backend) int32 values written from the host,
 * whose copy the tensor keeps. `undefined` for other values on asynchronous backends and for a
 * lazy backend's pending values (its `readSync` throws a BackendError), so a check that needs
 * them (an index range, an int32 exponent) is skipped there rather than forcing a sync.
 */
export function hostValues(t: Tensor): TypedArray | undefined {
  if (typeof t.ref.backend.readSync !== 'function') return t.ref.hostCopy;
  try {
    return t.dataSync();
  } catch (e) {
    if (e instanceof BackendError) return undefined;
    throw e;
  }
}
