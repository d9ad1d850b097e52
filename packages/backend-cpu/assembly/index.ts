// Entry of the WebAssembly kernels: re-exports every kernel compiled into the module.

export { compare, select } from './compare';
export { argRows, castValues } from './convert';
export { binary, binaryRows, unary } from './elementwise';
export { gatherRows, scatterAddRows } from './gather';
export { gemm } from './gemm';
export { unaryMath } from './math';
export {
  crossEntropyGradRows,
  crossEntropyRows,
  finiteFlag,
  maxRows,
  minRows,
  softmaxRows,
  sumColumns,
  sumRows,
} from './reduce';
export { adamStep, rmspropStep, sgdStep } from './updates';
