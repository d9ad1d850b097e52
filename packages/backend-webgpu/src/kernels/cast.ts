/** The cast kernel: converts values to another dtype. */
import type { DType } from '@backprop/core';
import type { KernelFactory } from '../kernel-context.js';
import { mapElementwise } from '../shaders/elementwise.js';

const helpers = /* wgsl */ `
fn f32_to_i32(x: f32) -> i32 {
  if (is_nan(x)) { return 0i; }
  if (x >= 2147483648.0) { return 2147483647i; }
  if (x <= -2147483648.0) { return bitcast<i32>(0x80000000u); }
  return i32(x);
}`;

const conversions: Record<`${DType}>${DType}`, string> = {
  'float32>float32': 'x',
  'float32>int32': 'f32_to_i32(x)',
  'float32>bool': 'select(0u, 1u, (bitcast<u32>(x) & 0x7fffffffu) != 0u)',
  'int32>float32': 'f32(x)',
  'int32>int32': 'x',
  'int32>bool': 'select(0u, 1u, x != 0i)',
  'bool>float32': 'f32(x)',
  'bool>int32': 'i32(x)',
  'bool>bool': 'x',
};

/**
 * y = x as out.dtype: float → int32 truncates toward zero, saturates beyond the int32 range
 * and maps NaN to 0 (as backend-cpu); → bool is x ≠ 0 (NaN → true); bool → number is 0 or 1.
 */
export const cast: KernelFactory<'cast'> =
  (k) =>
  ([x], _attrs, out) =>
    mapElementwise(k, { op: 'cast', names: ['x'], expr: conversions[`${x.dtype}>${out.dtype}`], helpers }, [x], out);
