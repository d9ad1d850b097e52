/** Splitting a shape around one axis into outer × axis × inner blocks. */
import type { Shape } from '@backprop/core';

/** Products of the axes before and after `axis`. */
export function splitAt(shape: Shape, axis: number): { outer: number; inner: number } {
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  return { outer, inner };
}
