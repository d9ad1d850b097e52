/**
 * The one lowering driver: turns a kernel call (its name, attributes, inputs and output) into
 * ONNX nodes. The lazy graph (`plan.ts`), compiled graphs and `exportOnnx` (`compiled-graph.ts`)
 * all build their models through it, so a kernel is lowered the same way wherever it runs.
 */
import { BackendError, type DType, type KernelName, philoxUniform, type Shape, sizeOf } from '@backprop/core';
import type { GraphBuilder } from './builder.js';
import { lowerings } from './index.js';
import { filled } from './layout.js';
import type { LowerInput } from './lowering.js';

/** ONNX Runtime's tensor type names for core's dtypes. */
export const ORT_DTYPE = { float32: 'float32', int32: 'int32', bool: 'bool' } as const satisfies Record<DType, string>;

/** One kernel call to lower. */
export interface KernelNode {
  readonly kernel: KernelName;
  readonly attrs: object;
  /** Which output of a multi-output kernel this node is (each output is lowered as its own node). */
  readonly output?: number;
}

/**
 * Lowers `node` reading `inputs`; returns the name of its output value. `fill` reads its value
 * from a fed scalar input when it has one (the lazy graph: one session serves every value) and
 * from its attribute otherwise; `randomUniform` becomes a constant of the model (a fixed key and
 * offset draw the same numbers every run).
 */
export function lowerNode(
  b: GraphBuilder,
  node: KernelNode,
  inputs: readonly LowerInput[],
  out: { shape: Shape; dtype: DType },
): string {
  const { kernel, attrs, output } = node;
  if (kernel === 'fill' && inputs.length === 0)
    return filled(b, (attrs as { value: number }).value, out.dtype, out.shape);
  if (kernel === 'randomUniform') {
    const { key, offset } = attrs as { key: [number, number]; offset: number };
    return b.tensor(philoxUniform(key, offset, sizeOf(out.shape)), 'float32', out.shape);
  }
  const lower = lowerings[kernel];
  if (!lower) throw new BackendError(`${kernel}: backend "onnx" has no lowering for this kernel`);
  return lower(b, inputs, output === undefined ? attrs : { ...attrs, output }, out);
}
