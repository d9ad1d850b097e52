/** Strided iteration: broadcast strides and a row-by-row walk over a shape for several operands. */
import { type Shape, stridesOf } from '@backprop/core';

/** Strides of `shape` right-aligned to `outShape`, 0 on axes that are missing or stretched from 1. */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const own = stridesOf(shape);
  const offset = outShape.length - shape.length;
  const strides = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] !== 1) strides[i + offset] = own[i];
  }
  return strides;
}

/** Stride of the innermost axis (0 for a scalar). */
export function innerStride(strides: readonly number[]): number {
  return strides.length === 0 ? 0 : strides[strides.length - 1];
}

/**
 * Walks `shape` one innermost row at a time. For each row, `body(offsets, n)` receives the
 * offset of the row's first element in every operand (operand k walks with `strides[k]`) and
 * the row length n; the body loops over the row with each operand's {@link innerStride}.
 * A scalar is one row of length 1; an empty shape makes no calls.
 */
export function forEachRow(
  shape: Shape,
  strides: readonly (readonly number[])[],
  body: (offsets: number[], n: number) => void,
): void {
  const rank = shape.length;
  let rows = 1;
  for (let d = 0; d < rank - 1; d++) rows *= shape[d];
  const n = rank === 0 ? 1 : shape[rank - 1];
  if (rows === 0 || n === 0) return;
  const operands = strides.length;
  const offsets = new Array<number>(operands).fill(0);
  const index = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  for (let r = 0; r < rows; r++) {
    body(offsets, n);
    for (let d = rank - 2; d >= 0; d--) {
      index[d]++;
      for (let k = 0; k < operands; k++) offsets[k] += strides[k][d];
      if (index[d] < shape[d]) break;
      for (let k = 0; k < operands; k++) offsets[k] -= strides[k][d] * shape[d];
      index[d] = 0;
    }
  }
}
