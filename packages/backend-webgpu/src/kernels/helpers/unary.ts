/** Builders for the one-input elementwise kernels. */
import { DTypeError, type RequiredKernelName } from '@backprop/core';
import type { KernelFactory } from '../../kernel-context.js';
import { mapElementwise } from '../../shaders/elementwise.js';
import { wgslType } from '../../shaders/prelude.js';

/** WGSL expressions of `x`, per stored element type. */
export type Expressions = Partial<Record<'f32' | 'i32' | 'u32', string>>;

type UnaryName = Extract<
  RequiredKernelName,
  'neg' | 'abs' | 'exp' | 'log' | 'log1p' | 'sqrt' | 'reciprocal' | 'tanh' | 'sigmoid' | 'sin' | 'cos' | 'floor'
>;

/** A kernel computing out[i] = expr(x[i]) with the expression for x's dtype. */
export function unaryKernel<K extends UnaryName>(op: K, exprs: Expressions, helpers = ''): KernelFactory<K> {
  return (k) =>
    ([x], _attrs, out) => {
      const expr = exprs[wgslType(x.dtype)];
      if (!expr) throw new DTypeError(`${op}: the webgpu backend has no ${x.dtype} version`);
      return mapElementwise(k, { op, names: ['x'], expr, helpers }, [x], out);
    };
}
