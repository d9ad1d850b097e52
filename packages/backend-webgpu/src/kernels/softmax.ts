/** The optional softmax kernel: the normalized exponential along the last axis. */
import type { KernelFactory } from '../kernel-context.js';
import { runRows } from '../shaders/rows.js';

/** yᵢ = e^{xᵢ − m} / Σⱼ e^{xⱼ − m} over the last axis, m the row's maximum so nothing overflows. */
export const softmax: KernelFactory<'softmax'> =
  (k) =>
  ([x], _attrs, out) =>
    runRows(k, 'softmax', 'softmax', x, out);
