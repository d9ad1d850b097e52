/** The optional logSoftmax kernel: the log of softmax along the last axis, computed directly. */
import type { Kernel } from '@backprop/core';
import { forEachLastAxisRow, logSumExp } from './helpers/rows.js';

/** yᵢ = xᵢ − (m + ln Σⱼ e^{xⱼ − m}) over the last axis, with m the row's maximum. */
export const logSoftmax: Kernel<'logSoftmax'> = ([x], _attrs, out) =>
  forEachLastAxisRow(x, out, (xv, y, start, n) => {
    const lse = logSumExp(xv, start, n);
    for (let j = 0; j < n; j++) y[start + j] = xv[start + j] - lse;
  });
