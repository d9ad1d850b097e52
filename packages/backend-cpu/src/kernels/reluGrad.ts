/** The optional reluGrad kernel: ReLU's gradient as one select pass. */
import type { Kernel } from '@backprop/core';
import { mapBinary } from './helpers/elementwise.js';

/** dxᵢ = dyᵢ where xᵢ > 0, else +0 (NaN x too): core's `where(x > 0, dy, 0)`. */
export const reluGrad: Kernel<'reluGrad'> = ([x, dy], _attrs, out) => mapBinary(x, dy, out, (v, d) => (v > 0 ? d : 0));
