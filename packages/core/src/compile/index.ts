/** Graph capture: `compile(fn)`, its graph and state, and eager replay. */
export { type CompiledFunction, type CompiledMode, type CompileOptions, compile } from './compile.js';
export type {
  CompiledGraph,
  CompiledRunOptions,
  Graph,
  GraphCompiler,
  GraphInPlaceUpdate,
  GraphNode,
  ValueRef,
  ValueType,
} from './graph.js';
export { valueDType } from './graph.js';
export { replay } from './replay.js';
export type { CompiledState } from './state.js';
export { type CompiledResult, type Trace, trace } from './trace.js';
