export * from './proto/onnx.js';
