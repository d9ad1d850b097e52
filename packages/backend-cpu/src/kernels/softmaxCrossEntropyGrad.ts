/** The optional softmaxCrossEntropyGrad kernel: the mean softmax cross-entropy's gradient in one pass. */
import type { Kernel } from '@backprop/core';
import { valuesOf, valuesOfHandle } from '../handle.js';
import { softmax } from './softmax.js';

/**
 * gᵣⱼ = ((softmax(logitsᵣ)ⱼ − [j = labelᵣ]) / N)·dy for logits [N, C], int32 labels [N] and the
 * scalar dy: this backend's softmax, then each step stored (so rounded) to float32 in core's order,
 * which gives the composition's values bit for bit. A label outside [0, C) subtracts nothing, as
 * the one-hot row it would make is all zeros (core checks labels before this runs).
 */
export const softmaxCrossEntropyGrad: Kernel<'softmaxCrossEntropyGrad'> = ([logits, labels, dy], _attrs, out, call) => {
  const g = softmax([logits], {}, out, call);
  const y = valuesOfHandle('softmaxCrossEntropyGrad', g);
  const lv = valuesOf(labels);
  const d = valuesOf(dy)[0];
  const [n, c] = logits.shape;
  const count = Math.max(n, 1);
  for (let r = 0; r < n; r++) {
    const label = lv[r];
    if (label >= 0 && label < c) y[r * c + label] -= 1;
  }
  for (let i = 0; i < y.length; i++) {
    y[i] /= count;
    y[i] *= d;
  }
  return g;
};
