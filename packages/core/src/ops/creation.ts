/** Creating tensors: from arrays, filled, ranges and identity matrices. */
import { allocate, type DType, matchesDType, type TypedArray } from '../dtype.js';
import { runKernel, writeTensor } from '../engine.js';
import { DTypeError, formatShape, ShapeError, ValueError } from '../errors.js';
import { checkShape, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { formatValue } from '../validate.js';
import { checkDType, INT32_MAX, INT32_MIN } from './operand.js';

/** Nested arrays of numbers or booleans. */
export type NestedArray = number | boolean | readonly NestedArray[];

function inferShape(values: NestedArray): number[] {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0] as NestedArray;
  }
  return shape;
}

function flattenInto(
  values: NestedArray,
  shape: readonly number[],
  depth: number,
  out: number[],
  kinds: { booleans: number },
): void {
  if (depth === shape.length) {
    if (Array.isArray(values)) throw new ShapeError('tensor: nested arrays are ragged (too deep)');
    // Number() would read "2" as 2, "x", undefined and {} as NaN, and null as 0, without a word.
    if (typeof values !== 'number' && typeof values !== 'boolean')
      throw new ValueError(
        `tensor: values must be numbers (or booleans), got ${typeof values === 'bigint' ? `the BigInt ${String(values)}n` : formatValue(values)} at position ${out.length}; convert text with Number() first, checking for NaN`,
      );
    if (typeof values === 'boolean') kinds.booleans++;
    out.push(Number(values));
    return;
  }
  if (!Array.isArray(values) || values.length !== shape[depth]) {
    throw new ShapeError(`tensor: nested arrays are ragged at depth ${depth} (expected length ${shape[depth]})`);
  }
  for (const v of values) flattenInto(v, shape, depth + 1, out, kinds);
}

/**
 * A tensor from nested arrays, a flat array or a typed array. The shape defaults to the
 * nesting (or the flat length); the dtype to the typed array's, else bool when every element is a
 * boolean, else float32 (booleans among numbers count as 0 and 1, as PyTorch promotes them). Values stored as
 * int32 are truncated toward zero (1.5 → 1); NaN, ±∞ and values outside the int32 range are a
 * ValueError, not wrapped around. Array elements must be numbers or booleans (a string, `null`
 * or `undefined` is a ValueError, as in PyTorch, not read as NaN or 0), and a finite value beyond
 * float32's range is a ValueError rather than ±∞ (NaN and ±∞ given as such are kept). Values
 * stored as bool are x ≠ 0 (NaN too is true), as `cast` and PyTorch read them, and a Uint8Array
 * (the typed array of bool, and so read as bool unless `dtype` says otherwise) is stored the
 * same way: a byte 2 becomes true (1), so every bool holds 0 or 1 and `equal(t, 1)` agrees with
 * `cast(t, 'float32')`. Without a dtype, a Uint8Array holding bytes other than 0 and 1 (image
 * pixels, say) is a DTypeError asking for one, rather than booleans. A dtype other than float32, int32 or bool is a DTypeError.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const x = tensor([[1, 2], [3, 4]]);
 * console.log(x.shape, x.dtype, await x.data()); // [2, 2] 'float32' Float32Array [1, 2, 3, 4]
 * console.log(tensor([1, 0], [2], 'int32').dtype); // 'int32'
 * ```
 */
export function tensor(values: NestedArray | TypedArray, shape?: readonly number[], dtype?: DType): Tensor {
  let flat: ArrayLike<number>;
  let inferred: number[];
  if (ArrayBuffer.isView(values)) {
    // A DataView has no elements to read, and a BigInt array's cannot be read as numbers.
    if (values instanceof DataView || values instanceof BigInt64Array || values instanceof BigUint64Array)
      throw new ValueError(
        `tensor: values must be an array or a typed array of numbers, got a ${values.constructor.name}; copy it into a Float32Array or Int32Array first`,
      );
    flat = values;
    inferred = [values.length];
    // A Uint8Array is bool's typed array, but also how image bytes arrive: read as bool only when
    // it holds 0s and 1s, else ask (255 would have become true).
    if (dtype === undefined && values instanceof Uint8Array && !values.every((v) => v <= 1))
      throw new DTypeError(
        "tensor: a Uint8Array with bytes other than 0 and 1 needs a dtype: 'float32' or 'int32' keep each byte's value (0–255), 'bool' reads nonzero bytes as true",
      );
    dtype ??= values instanceof Int32Array ? 'int32' : values instanceof Uint8Array ? 'bool' : 'float32';
  } else {
    inferred = inferShape(values);
    const out: number[] = [];
    const kinds = { booleans: 0 };
    flattenInto(values, inferred, 0, out, kinds);
    flat = out;
    // bool only when every element is a boolean: [true, 2] is [1, 2] in float32, as PyTorch promotes it.
    dtype ??= kinds.booleans > 0 && kinds.booleans === out.length ? 'bool' : 'float32';
  }
  checkDType('tensor', dtype);
  const s = shape ?? inferred;
  checkShape('tensor', s);
  if (sizeOf(s) !== flat.length)
    throw new ShapeError(`tensor: ${flat.length} values do not fill shape ${formatShape(s)}`);
  // A Uint8Array taken as bool as it is could hold bytes other than 0 and 1, which equal() and
  // cast() would then read differently; such an array is copied as nonzero → 1.
  const asIs =
    ArrayBuffer.isView(flat) &&
    matchesDType(flat as TypedArray, dtype) &&
    (dtype !== 'bool' || (flat as Uint8Array).every((v) => v <= 1));
  const data = asIs ? (flat as TypedArray) : copyInto(flat, dtype);
  return writeTensor(data, s, dtype);
}

function copyInto(values: ArrayLike<number>, dtype: DType): TypedArray {
  const out = allocate(dtype, values.length);
  if (dtype === 'int32') {
    for (let i = 0; i < values.length; i++) out[i] = int32Value('tensor', values[i], i);
    return out;
  }
  if (dtype === 'bool') {
    // x ≠ 0, as cast() and PyTorch read a number as a bool: NaN is true.
    for (let i = 0; i < values.length; i++) out[i] = values[i] !== 0 ? 1 : 0;
    return out;
  }
  // A finite value beyond float32's range would be stored as ±∞.
  for (let i = 0; i < values.length; i++) out[i] = float32Value('tensor', values[i], i);
  return out;
}

/**
 * `v` truncated toward zero, as an int32 value: fractions are dropped (as PyTorch and TF.js do), but
 * NaN, ±∞ and values outside [−2³¹, 2³¹ − 1] are a ValueError, as PyTorch raises: an Int32Array
 * would store NaN as 0 and 3e9 as −1294967296.
 */
function int32Value(op: string, v: number, position?: number): number {
  const t = Math.trunc(v);
  if (t >= INT32_MIN && t <= INT32_MAX) return t;
  const where = position === undefined ? '' : ` at position ${position}`;
  throw new ValueError(
    `${op}: value ${formatValue(v)}${where} does not fit int32 (an integer in [${INT32_MIN}, ${INT32_MAX}]); use float32 for it`,
  );
}

/**
 * A scalar (shape []).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { scalar, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await scalar(3).item()); // 3 (shape [])
 * ```
 */
export const scalar = (value: number, dtype: DType = 'float32'): Tensor => full([], value, dtype);

/**
 * A tensor of `shape` filled with `value`, converted as {@link tensor} converts values: int32
 * truncates toward zero (and refuses NaN, ±∞ and values outside its range), bool is
 * `value ≠ 0`, float32 refuses a finite value beyond its range. An unknown dtype is a DTypeError.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { full, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await full([2], 7, 'int32').data()); // Int32Array [7, 7]
 * ```
 */
export function full(shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
  checkShape('full', shape);
  if (typeof value !== 'number') throw new ValueError(`full: value must be a number, got ${typeof value}`);
  checkDType('full', dtype);
  if (dtype === 'float32') float32Value('full', value);
  // bool is x ≠ 0 (NaN is true), as in cast() and PyTorch; the kernel gets 0 or 1, never another byte.
  const fill = dtype === 'int32' ? int32Value('full', value) : dtype === 'bool' ? Number(value !== 0) : value;
  return runKernel('fill', [], { value: fill }, { shape, dtype });
}

/** `v` rounded to float32; a finite value beyond its range (which would become ±∞) is a ValueError. */
function float32Value(op: string, v: number, position?: number): number {
  const f = Math.fround(v);
  if (Number.isFinite(f) || !Number.isFinite(v)) return f;
  const where = position === undefined ? '' : ` at position ${position}`;
  throw new ValueError(
    `${op}: value ${formatValue(v)}${where} overflows float32 (|x| > 3.4028234663852886e38); scale it, or keep it in float64 outside the tensor`,
  );
}

/**
 * Zeros of `shape`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, tensor, zeros } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await zeros([2, 2]).data()); // Float32Array [0, 0, 0, 0]
 * ```
 */
export const zeros = (shape: readonly number[], dtype: DType = 'float32'): Tensor => full(shape, 0, dtype);
/**
 * Ones of `shape`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { ones, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await ones([3]).data()); // Float32Array [1, 1, 1]
 * ```
 */
export const ones = (shape: readonly number[], dtype: DType = 'float32'): Tensor => full(shape, 1, dtype);
/**
 * Zeros with the shape and dtype of `x`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, tensor, zerosLike } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await zerosLike(tensor([5, 6])).data()); // Float32Array [0, 0]
 * ```
 */
export const zerosLike = (x: Tensor): Tensor => full(x.shape, 0, x.dtype);
/**
 * Ones with the shape and dtype of `x`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { onesLike, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await onesLike(tensor([5, 6])).data()); // Float32Array [1, 1]
 * ```
 */
export const onesLike = (x: Tensor): Tensor => full(x.shape, 1, x.dtype);

/** The most elements `arange` makes: the largest int32, the index range of a tensor's elements. */
const ARANGE_MAX = INT32_MAX;

/**
 * Values start, start + step, … below stop (above, for a negative step; none when stop is on
 * the wrong side, as NumPy). With one argument it is the stop: `arange(3)` is [0, 1, 2].
 * `start`, `stop` and `step` must be finite numbers and `step` non-zero (a ValueError
 * otherwise). For int32, `start` and `step` must be integers and every value must fit int32: a
 * fractional step would truncate to repeated values ([0, 0, 1, 1] for a step of 0.5), and 3e9
 * would wrap around (PyTorch raises for both). For float32 every value must fit float32. bool
 * is a DTypeError (a range of booleans has no meaning; PyTorch raises too), as is an unknown
 * dtype. At most 2³¹ − 1 values (a ValueError beyond that, e.g. `arange(0, 1, 1e-12)`).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { arange, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await arange(0, 1, 0.25).data()); // Float32Array [0, 0.25, 0.5, 0.75]
 * console.log(await arange(3, 0, -1, 'int32').data()); // Int32Array [3, 2, 1]
 * ```
 */
export function arange(start: number, stop?: number, step = 1, dtype: DType = 'float32'): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  checkDType('arange', dtype);
  if (dtype === 'bool')
    throw new DTypeError(
      "arange: dtype bool has no range of values (PyTorch raises too); make an int32 range and compare it, e.g. less(arange(0, n, 1, 'int32'), k)",
    );
  for (const [name, v] of [
    ['start', start],
    ['stop', stop],
    ['step', step],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new ValueError(`arange: ${name} must be a finite number, got ${formatValue(v)}`);
  }
  if (step === 0) throw new ValueError('arange: step must be non-zero, got 0');
  if (dtype === 'int32' && !(Number.isInteger(start) && Number.isInteger(step)))
    throw new ValueError(
      `arange: an int32 range needs an integer start and step, got start ${formatValue(start)}, step ${formatValue(step)}; use float32 (the default) for fractional values`,
    );
  const n = Math.max(0, Math.ceil((stop - start) / step));
  if (!(n <= ARANGE_MAX))
    throw new ValueError(
      `arange: [${formatValue(start)}, ${formatValue(stop)}) in steps of ${formatValue(step)} has ${formatValue(n)} values, more than the ${ARANGE_MAX} a tensor may hold; use a larger step or a shorter range`,
    );
  if (n > 0) {
    // The values run from start to the last one: checking both ends checks them all.
    const last = start + (n - 1) * step;
    const fits = dtype === 'int32' ? (v: number) => int32Value('arange', v) : (v: number) => float32Value('arange', v);
    fits(start);
    fits(last);
  }
  let values: TypedArray;
  try {
    values = allocate(dtype, n);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new ValueError(
      `arange: ${n} values (${n * 4} bytes) could not be allocated on the host (${e.message}); use a larger step or a shorter range`,
    );
  }
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return writeTensor(values, [n], dtype);
}

/**
 * The n×n identity (or n×m with ones on the main diagonal). `n` and `m` must be non-negative
 * integers (a ShapeError otherwise); an unknown dtype is a DTypeError.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { eye, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await eye(2).data()); // Float32Array [1, 0, 0, 1]
 * ```
 */
export function eye(n: number, m = n, dtype: DType = 'float32'): Tensor {
  checkShape('eye', [n, m]);
  checkDType('eye', dtype);
  const values = allocate(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) values[i * m + i] = 1;
  return writeTensor(values, [n, m], dtype);
}
