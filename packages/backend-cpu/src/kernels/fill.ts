/** The fill kernel: a tensor holding one value everywhere. */
import type { Kernel } from '@backprop/core';
import { allocateOut, output } from './helpers/output.js';

/** yᵢ = value, stored as out.dtype (bool: value ≠ 0; int32: truncated toward zero). */
export const fill: Kernel<'fill'> = (_inputs, { value }, out) => {
  const y = allocateOut(out);
  y.fill(out.dtype === 'bool' ? Number(value !== 0) : value);
  return output(y);
};
