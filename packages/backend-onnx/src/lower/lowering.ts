/** The shape of a lowering: one Backprop kernel written as ONNX nodes. */
import type { DType, OutputInfo, Shape } from '@backprop/core';
import type { GraphBuilder } from './builder.js';

/** A lowered kernel input: the ONNX value name with its shape and dtype. */
export interface LowerInput {
  readonly name: string;
  readonly shape: Shape;
  readonly dtype: DType;
}

/** Emits the ONNX nodes computing one kernel; returns the name of the output value. */
export type Lowering = (b: GraphBuilder, inputs: readonly LowerInput[], attrs: any, out: OutputInfo) => string;

/** nanMask(x) for float inputs. */
export const nanMask = (b: GraphBuilder, x: string): string => b.op('IsNaN', [x]);

/** Where(cond, a, b). */
export const select = (b: GraphBuilder, cond: string, x: string, y: string): string => b.op('Where', [cond, x, y]);
