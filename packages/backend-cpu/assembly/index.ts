// Entry of the WebAssembly kernels: re-exports every kernel compiled into the module.
export { gemm } from "./gemm";
