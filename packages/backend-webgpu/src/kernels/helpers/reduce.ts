/** Builders for the reduction kernels over a set of axes. */
import { sizeOf } from '@backprop/core';
import type { KernelFactory } from '../../kernel-context.js';
import { mapElementwise } from '../../shaders/elementwise.js';
import { wgslType } from '../../shaders/prelude.js';
import { type Fold, reduceAxes } from '../../shaders/reduce.js';

/** A reduction kernel; an empty reduced axis gives `empty` (as a WGSL expression per type). */
export function reduceKernel<K extends 'sum' | 'max' | 'min'>(
  op: K,
  fold: Fold,
  empty: Partial<Record<'f32' | 'i32', string>>,
): KernelFactory<K> {
  return (k) =>
    ([x], { axes }, out) => {
      const reducedSize = sizeOf(axes.map((a) => x.shape[a]));
      if (reducedSize === 0) {
        return mapElementwise(k, { op, names: [], expr: empty[wgslType(x.dtype) as 'f32']! }, [], out);
      }
      return reduceAxes(k, op, x, axes, out, fold);
    };
}
