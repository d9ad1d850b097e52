export { onnx, type OnnxOptions, type OnnxBackend } from './onnx-backend.js';
export type { OnnxProvider } from './provider.js';
export { exportOnnx, type ExportOptions } from './export-onnx.js';
export { graphModel, type GraphModelOptions } from './compiled-graph.js';
export type { CompiledGraph, Graph, GraphNode, ValueRef } from './graph-types.js';
