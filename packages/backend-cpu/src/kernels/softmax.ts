/** The optional softmax kernel: the normalized exponential along the last axis. */
import type { Kernel } from '@backprop/core';
import { forEachLastAxisRow } from './helpers/rows.js';

/** yᵢ = e^{xᵢ − m} / Σⱼ e^{xⱼ − m} over the last axis, with m the row's maximum so nothing overflows. */
export const softmax: Kernel<'softmax'> = ([x], _attrs, out) =>
  forEachLastAxisRow(x, out, (xv, y, start, n) => {
    let m = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < n; j++) m = Math.max(m, xv[start + j]);
    let total = 0;
    for (let j = 0; j < n; j++) {
      const e = Math.exp(xv[start + j] - m);
      y[start + j] = e;
      total += e;
    }
    for (let j = 0; j < n; j++) y[start + j] /= total;
  });
