/**
 * The graph types of core's `compile` (packages/core/src/compile/graph.ts), restated
 * structurally until core's index exports them; replace with `import type … from '@backprop/core'`.
 */
import type { DType, Handle, KernelName, Shape, TensorInfo } from '@backprop/core';

/** A use of a graph value, viewed with `shape`. */
export interface ValueRef {
  readonly value: number;
  readonly shape: Shape;
}

/** One kernel dispatch of a traced function. */
export interface GraphNode {
  readonly kernel: KernelName;
  readonly attrs: object;
  readonly inputs: readonly ValueRef[];
  readonly shape: Shape;
  readonly dtype: DType;
}

/** Inputs, state, constants, nodes, outputs and new state of a traced function. */
export interface Graph {
  readonly inputs: readonly { shape: Shape; dtype: DType }[];
  readonly state: readonly { shape: Shape; dtype: DType }[];
  readonly constants: readonly TensorInfo[];
  readonly nodes: readonly GraphNode[];
  readonly outputs: readonly ValueRef[];
  readonly stateOut: readonly ValueRef[];
}

/** A graph compiled by a backend. */
export interface CompiledGraph {
  run(inputs: readonly TensorInfo[], state: readonly TensorInfo[]): { outputs: Handle[]; state: Handle[] };
  dispose?(): void;
}
