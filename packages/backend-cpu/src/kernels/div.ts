/** The div kernel: division with broadcasting. */
import type { Kernel } from '@backprop/core';
import { mapBinary } from './helpers/elementwise.js';

const divide = (x: number, y: number) => x / y;
/** NOTE: trunc(x / 0) is ±∞ or NaN, which an Int32Array stores as 0, so int32 division by zero gives 0. */
const divideInt = (x: number, y: number) => Math.trunc(x / y);

/** yᵢ = aᵢ / bᵢ; int32 truncates toward zero (−7 / 2 = −3) and gives 0 on division by zero. */
export const div: Kernel<'div'> = ([a, b], _attrs, out) =>
  mapBinary(a, b, out, out.dtype === 'int32' ? divideInt : divide);
