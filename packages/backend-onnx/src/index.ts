export { type ExportOptions, exportOnnx } from './export-onnx.js';
export { type GraphModelOptions, graphModel } from './graph-model.js';
export { type OnnxBackend, type OnnxOptions, onnx } from './onnx-backend.js';
export type { OnnxProvider } from './provider.js';
