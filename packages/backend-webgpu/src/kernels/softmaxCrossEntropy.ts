/** The optional softmaxCrossEntropy kernel: per-row cross-entropy of softmax(logits) against integer labels. */
import type { KernelFactory } from '../kernel-context.js';
import { runRows } from '../shaders/rows.js';

/**
 * yᵣ = logSumExp(logitsᵣ) − logitsᵣ[labelᵣ] for logits [N, C] and int32 labels [N]; a label
 * outside [0, C) gives NaN for its row (as backend-cpu), never a silent 0.
 */
export const softmaxCrossEntropy: KernelFactory<'softmaxCrossEntropy'> =
  (k) =>
  ([logits, labels], _attrs, out) =>
    runRows(k, 'softmaxCrossEntropy', 'crossEntropy', logits, out, labels);
