/** Builders for the two-input elementwise kernels (arithmetic and comparisons), with broadcasting. */
import { DTypeError, type RequiredKernelName } from '@backprop/core';
import type { KernelFactory } from '../../kernel-context.js';
import { mapElementwise } from '../../shaders/elementwise.js';
import { wgslType } from '../../shaders/prelude.js';
import type { Expressions } from './unary.js';

type BinaryName = Extract<
  RequiredKernelName,
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'equal'
  | 'notEqual'
  | 'greater'
  | 'greaterEqual'
  | 'less'
  | 'lessEqual'
>;

/** A kernel computing out[i] = expr(a[i], b[i]) with the expression for a's dtype. */
export function binaryKernel<K extends BinaryName>(op: K, exprs: Expressions, helpers = ''): KernelFactory<K> {
  return (k) =>
    ([a, b], _attrs, out) => {
      const expr = exprs[wgslType(a.dtype)];
      if (!expr) throw new DTypeError(`${op}: the webgpu backend has no ${a.dtype} version`);
      return mapElementwise(k, { op, names: ['a', 'b'], expr, helpers }, [a, b], out);
    };
}

/** A comparison kernel: `cond` is a WGSL boolean of a and b; floats are false when either is NaN. */
export function compareKernel<K extends BinaryName>(op: K, cond: string, nanResult = false): KernelFactory<K> {
  const nan = nanResult ? `is_nan(a) || is_nan(b) || (${cond})` : `!is_nan(a) && !is_nan(b) && (${cond})`;
  return binaryKernel(op, {
    f32: `select(0u, 1u, ${nan})`,
    i32: `select(0u, 1u, ${cond})`,
    u32: `select(0u, 1u, ${cond})`,
  });
}
