/** The mul kernel: multiplication with broadcasting. */
import type { Kernel } from '@backprop/core';
import { mapBinary } from './helpers/elementwise.js';

const times = (x: number, y: number) => x * y;

/** yᵢ = aᵢ · bᵢ; int32 uses Math.imul, so products wrap like 32-bit integers instead of losing precision. */
export const mul: Kernel<'mul'> = ([a, b], _attrs, out) =>
  mapBinary(a, b, out, out.dtype === 'int32' ? Math.imul : times);
