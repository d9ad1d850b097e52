/** Every kernel's ONNX lowering, by kernel name. */
import type { KernelName } from '@backprop/core';
import { elementwise } from './elementwise.js';
import { fused } from './fused.js';
import { layout } from './layout.js';
import type { Lowering } from './lowering.js';
import { reductions } from './reduce.js';
import { updates } from './updates.js';

/** Lowerings of every kernel this backend runs inside ONNX Runtime (randomUniform runs on the host). */
export const lowerings: Partial<Record<KernelName, Lowering>> = {
  ...elementwise,
  ...reductions,
  ...layout,
  ...fused,
  ...updates,
};

export { GraphBuilder, onnxType } from './builder.js';
export { reshapeTo } from './layout.js';
export type { LowerInput, Lowering } from './lowering.js';
