export { onnx, type OnnxOptions, type OnnxBackend } from './onnx-backend.js';
export type { OnnxProvider } from './provider.js';
