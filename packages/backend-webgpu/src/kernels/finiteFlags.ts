/** The optional finiteFlags kernel: per input, 0 when every value is finite, NaN otherwise. */
import type { KernelFactory } from '../kernel-context.js';
import { mapElementwise } from '../shaders/elementwise.js';
import { finiteScanSlots, scanFinite } from '../shaders/finite.js';

/**
 * One f32 flag per f32 input, read by bits (exponent all ones: NaN or ±∞), never by summing,
 * so ±3.4e38 gives 0. The flags are zeroed, then one scan dispatch reads every input once
 * (one per group of inputs when there are more than the device's storage bindings allow):
 * 2 dispatches for up to 14 inputs on lavapipe, no temporaries.
 */
export const finiteFlags: KernelFactory<'finiteFlags'> = (k) => (inputs, _attrs, out) => {
  // The flags start at +0 (the pool's buffers may hold old data), written by the elementwise shader.
  const y = mapElementwise(k, { op: 'finiteFlags', names: [], expr: '0.0' }, [], out);
  if (inputs.length === 0) return y;
  const slots = finiteScanSlots(k.gpu.device);
  for (let first = 0; first < inputs.length; first += slots)
    scanFinite(k, 'finiteFlags', y.buffer, first, inputs.slice(first, first + slots), slots);
  return y;
};
