/** Graph capture: `compile(fn)`, its graph and state, and eager replay. */
export { compile, type CompileOptions, type CompiledFunction, type CompiledMode } from './compile.js';
export type { CompiledGraph, Graph, GraphCompiler, GraphNode, ValueRef, ValueType } from './graph.js';
export { parameterState, stateDictState, type CompiledState, type HasStateDict } from './state.js';
export { replay } from './replay.js';
export { trace, type CompiledResult, type Trace } from './trace.js';
export { compileTrainStep, type TrainStepOptions } from './train-step.js';
