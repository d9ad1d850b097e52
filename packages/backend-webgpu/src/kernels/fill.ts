/** The fill kernel: a tensor holding one value everywhere. */
import type { KernelFactory } from '../kernel-context.js';
import { valueBits } from '../meta.js';
import { mapElementwise } from '../shaders/elementwise.js';
import { wgslType } from '../shaders/prelude.js';

/** yᵢ = value as out.dtype (bool: value ≠ 0; int32: ToInt32, as an Int32Array stores it). */
export const fill: KernelFactory<'fill'> =
  (k) =>
  (_inputs, { value }, out) =>
    mapElementwise(
      k,
      { op: 'fill', names: [], expr: `bitcast<${wgslType(out.dtype)}>($0)`, params: [valueBits(value, out.dtype)] },
      [],
      out,
    );
