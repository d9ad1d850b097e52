/** Data types a tensor can hold, and the typed arrays that store them. */

/** Element type of a tensor: 32-bit float, 32-bit signed integer, or boolean (stored as bytes). */
export type DType = 'float32' | 'int32' | 'bool';

/** The typed array that holds values of a given dtype. */
export type TypedArrayFor<D extends DType> = D extends 'float32'
  ? Float32Array
  : D extends 'int32'
    ? Int32Array
    : Uint8Array;

/** Any typed array a backend may return. */
export type TypedArray = Float32Array | Int32Array | Uint8Array;

/** Every dtype, in a fixed order. */
export const DTYPES: readonly DType[] = ['float32', 'int32', 'bool'];

/**
 * Allocates a zeroed typed array of `size` elements for `dtype`.
 *
 * @example
 * ```ts
 * import { allocate } from '@backprop/core';
 *
 * console.log(allocate('int32', 3), allocate('bool', 2)); // Int32Array [0, 0, 0] Uint8Array [0, 0]
 * ```
 */
export function allocate(dtype: DType, size: number): TypedArray {
  if (dtype === 'float32') return new Float32Array(size);
  if (dtype === 'int32') return new Int32Array(size);
  return new Uint8Array(size);
}

/**
 * Bytes per element of `dtype`.
 *
 * @example
 * ```ts
 * import { bytesPerElement } from '@backprop/core';
 *
 * console.log(bytesPerElement('float32'), bytesPerElement('bool')); // 4 1
 * ```
 */
export function bytesPerElement(dtype: DType): number {
  return dtype === 'bool' ? 1 : 4;
}

/**
 * True when `values` is the typed array `dtype` is stored in.
 *
 * @example
 * ```ts
 * import { matchesDType } from '@backprop/core';
 *
 * console.log(matchesDType(new Float32Array(2), 'float32'), matchesDType(new Int32Array(2), 'float32')); // true false
 * ```
 */
export function matchesDType(values: TypedArray, dtype: DType): boolean {
  return dtype === 'float32'
    ? values instanceof Float32Array
    : dtype === 'int32'
      ? values instanceof Int32Array
      : values instanceof Uint8Array;
}
