/**
 * @packageDocumentation
 * The CPU backend of Backprop: every kernel in TypeScript on typed arrays, with WebAssembly SIMD
 * and worker threads for matmul and dense where the engine allows.
 */
export { type CpuBackend, cpu } from './cpu-backend.js';
export type { CpuOptions, CpuPaths } from './fastPaths.js';
export type { Heap } from './memory/heap.js';
export { relaxedSimdAvailable } from './wasm/runtime.js';
