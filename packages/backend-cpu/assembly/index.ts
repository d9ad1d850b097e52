// Entry of the WebAssembly kernels: re-exports every kernel compiled into the module.
export { binary, unary } from './elementwise';
export { gemm } from './gemm';
