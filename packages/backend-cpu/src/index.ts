/**
 * @packageDocumentation
 * The CPU backend of Backprop: tensors in one WebAssembly memory, every kernel in TypeScript,
 * and the hot ones (matmul, elementwise, row and reduction kernels, the fused optimizer updates)
 * in WebAssembly SIMD on worker threads where the engine allows.
 */
export { type CpuBackend, cpu } from './cpu-backend.js';
export type { CpuOptions, CpuPaths } from './fastPaths.js';
export type { Heap } from './memory/heap.js';
export type { ThreadStats } from './threads/pool.js';
export { relaxedSimdAvailable } from './wasm/runtime.js';
