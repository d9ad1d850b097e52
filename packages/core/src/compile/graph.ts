/** The backend-neutral graph that `compile` captures, and what a backend returns when it compiles one. */
import type { DType } from '../dtype.js';
import type { Handle, KernelName, TensorInfo } from '../kernels/spec.js';
import type { Shape } from '../shape.js';

/**
 * A use of a graph value, viewed with `shape` (reshape is metadata-only in core, so a node may
 * read a value with another shape of the same size). Values are numbered inputs first, then
 * state, then constants, then one per node in order.
 */
export interface ValueRef {
  readonly value: number;
  readonly shape: Shape;
}

/**
 * One kernel dispatch of the traced function. A multi-output kernel (`adamUpdate`) is one node
 * per output, consecutive, with the same kernel, attrs and inputs and `output` 0, 1, …: the
 * dispatch happens once, at output 0.
 */
export interface GraphNode {
  readonly kernel: KernelName;
  readonly attrs: object;
  readonly inputs: readonly ValueRef[];
  readonly shape: Shape;
  readonly dtype: DType;
  /** Which output of a multi-output kernel this node's value is (absent for single-output kernels). */
  readonly output?: number;
}

/** A value's type. */
export interface ValueType {
  readonly shape: Shape;
  readonly dtype: DType;
}

/**
 * A fused update (`sgdUpdate`, `adamUpdate`, `rmspropUpdate`) the traced function asked to write
 * in place (an `InPlaceUpdates` batch): each of its outputs is the new value of one state value,
 * and it reads the old one as its written input (`updateWrittenInputs`). A backend may write the
 * outputs into the state values' own storage instead of new storage, when the caller says that
 * storage is the call's to overwrite (`CompiledRunOptions.writable`).
 */
export interface GraphInPlaceUpdate {
  /** Index in `nodes` of the update's output 0 (output k is node `node + k`). */
  readonly node: number;
  /** For each output k, the index in `state` (and `stateOut`) of the value it replaces. */
  readonly state: readonly number[];
  /**
   * A float32 scalar: when given, the update writes only when it holds 0 (a training step's
   * finiteness flags summed; a step they reject changes nothing).
   */
  readonly guard?: ValueRef;
}

/**
 * A traced function: `inputs` are fed each call (the batch), `state` is read at the start of a
 * call and replaced by `stateOut` at its end (parameters, optimizer moments), `constants` are
 * tensors captured at trace time, and `outputs` are returned. `inPlace` lists the updates that may
 * write into the state they replace.
 */
export interface Graph {
  readonly inputs: readonly ValueType[];
  readonly state: readonly ValueType[];
  readonly constants: readonly TensorInfo[];
  readonly nodes: readonly GraphNode[];
  readonly outputs: readonly ValueRef[];
  readonly stateOut: readonly ValueRef[];
  readonly inPlace?: readonly GraphInPlaceUpdate[];
}

/** Options of {@link CompiledGraph.run}. */
export interface CompiledRunOptions {
  /**
   * For each state value, true when nothing but the caller holds its storage (no other tensor
   * views it): an update of `Graph.inPlace` whose state values are all writable may be written
   * into them, and `run` then returns those very handles as their new state.
   */
  readonly writable?: readonly boolean[];
}

/** A graph a backend compiled: one call computes the outputs and the new state. */
export interface CompiledGraph {
  /**
   * Runs the graph; returns handles for the outputs and the new state. Every handle is new (the
   * caller owns it) except a new state value written in place into a writable state value: that
   * one is the state's own handle, holding the new values once the run is done (reads wait).
   */
  run(
    inputs: readonly TensorInfo[],
    state: readonly TensorInfo[],
    options?: CompiledRunOptions,
  ): { outputs: Handle[]; state: Handle[] };
  /** Frees what the backend holds for this graph. */
  dispose?(): void;
}

/**
 * A backend that runs compiled graphs as one unit.
 * @deprecated `Backend.compileGraph?(graph)` is the one name for this hook (backends without it
 * replay graphs eagerly); this alias goes away in the next minor version.
 */
export interface GraphCompiler {
  compileGraph(graph: Graph): CompiledGraph;
}

/**
 * The dtype of value `value` of a graph (numbered inputs, state, constants, then nodes).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { cast, setBackend, tensor, trace, valueDType } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const { graph } = trace((x) => cast(x, 'int32'), [tensor([1.5])], []);
 * console.log(valueDType(graph, graph.outputs[0].value)); // 'int32'
 * ```
 */
export function valueDType(g: Graph, value: number): DType {
  const ni = g.inputs.length;
  const ns = g.state.length;
  const nc = g.constants.length;
  if (value < ni) return g.inputs[value].dtype;
  if (value < ni + ns) return g.state[value - ni].dtype;
  if (value < ni + ns + nc) return g.constants[value - ni - ns].dtype;
  return g.nodes[value - ni - ns - nc].dtype;
}
