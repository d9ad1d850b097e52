/** The optional softmaxCrossEntropy kernel: per-row cross-entropy of softmax(logits) against integer labels. */
import type { Kernel } from '@backprop/core';
import { valuesOf } from '../handle.js';
import { allocateOut, output } from './helpers/output.js';
import { logSumExp } from './helpers/rows.js';

/**
 * yᵣ = −log softmax(logitsᵣ)[labelᵣ] = logSumExp(logitsᵣ) − logitsᵣ[labelᵣ] for logits [N, C]
 * and int32 labels [N]. NOTE: a label outside [0, C) gives NaN for its row, never a silent 0.
 */
export const softmaxCrossEntropy: Kernel<'softmaxCrossEntropy'> = ([logits, labels], _attrs, out) => {
  const xv = valuesOf(logits);
  const lv = valuesOf(labels);
  const y = allocateOut(out);
  const c = logits.shape[1];
  for (let r = 0; r < y.length; r++) {
    const label = lv[r];
    y[r] = label >= 0 && label < c ? logSumExp(xv, r * c, c) - xv[r * c + label] : Number.NaN;
  }
  return output(y);
};
