/**
 * @packageDocumentation
 * Tensors, the backend contract, autograd, layers, losses and the training loop of Backprop.
 */
export * from './dtype.js';
export * from './errors.js';
export * from './shape.js';
export * from './backend.js';
export * from './kernels/spec.js';
export * from './random/philox.js';
export { Tensor, DataRef, liveTensorCount, type TensorLike } from './tensor.js';
export { setBackend, getBackend, runKernel, hasKernel, makeTensor, writeTensor, observeKernels, keep, type KernelObserver } from './engine.js';
export { tidy, dispose, memory, type MemoryReport } from './memory.js';
export * from './ops/index.js';
export { valueAndGrad, grad, vjp, type ValueAndGrad } from './autograd/grad.js';
export { customOp, record, withoutRecording, isRecording, type Vjp } from './autograd/tape.js';
export * as nn from './nn/index.js';
export { Module, Parameter } from './nn/index.js';
export * as losses from './losses/index.js';
export type { Loss } from './losses/index.js';
export type { ArrayDataset } from './train/dataset.js';
export { fit, type FitOptions, type History } from './train/fit.js';
export { evaluate, predict, type EvaluateOptions } from './train/evaluate.js';
export type { Optimizer, Penalty } from './train/optimizer.js';
export { onEpochEnd, type Callback, type EpochLogs, type TrainingContext } from './train/callbacks.js';
export { metrics, accuracySum, mseSum, type MetricFn, type MetricName } from './train/metrics.js';
export { checkDataset, takeRows, sliceRows, permutation } from './train/batches.js';
export { ProgressBar } from './train/progress.js';
export { saveSafetensors, loadSafetensors } from './io/safetensors.js';
export { saveCheckpoint, loadCheckpoint } from './io/checkpoint.js';
