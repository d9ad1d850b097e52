/**
 * @packageDocumentation
 * The WebGPU backend of Backprop: WGSL kernels on `navigator.gpu` in browsers and on Dawn
 * (the `webgpu` npm package) in Node.
 */
/// <reference types="@webgpu/types" preserve="true" />
export { type WebGpuBackend, type WebGpuOptions, webgpu } from './webgpu-backend.js';
