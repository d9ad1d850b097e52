/** The optional logSoftmax kernel: the log of softmax along the last axis, computed directly. */
import type { KernelFactory } from '../kernel-context.js';
import { runRows } from '../shaders/rows.js';

/** yᵢ = xᵢ − (m + ln Σⱼ e^{xⱼ − m}) over the last axis, m the row's maximum. */
export const logSoftmax: KernelFactory<'logSoftmax'> =
  (k) =>
  ([x], _attrs, out) =>
    runRows(k, 'logSoftmax', 'logSoftmax', x, out);
