/**
 * @packageDocumentation
 * Tensors, the backend contract, autograd, layers, losses and the training loop of Backprop.
 */

export { grad, type ValueAndGrad, valueAndGrad, vjp } from './autograd/grad.js';
export { customOp, isRecording, record, type Vjp, withoutRecording } from './autograd/tape.js';
export * from './backend.js';
export {
  checkWrite,
  FUSED_KERNEL_DTYPES,
  MemoryCounter,
  powInt32,
  type UpdateInto,
  updateInPlaceFromKernels,
} from './backend-kit.js';
export * from './compile/index.js';
export { coreCopies, otherCopyHint } from './copies.js';
export * from './dtype.js';
export {
  getBackend,
  hasKernel,
  type KernelObserver,
  keep,
  kernelsObserved,
  makeTensor,
  observeKernels,
  runKernel,
  runKernelMulti,
  setBackend,
  writeTensor,
} from './engine.js';
export * from './errors.js';
export { exactKey, exactNumber } from './exact-key.js';
export {
  CHECKPOINT_FORMAT,
  type CheckpointSummary,
  inspectCheckpoint,
  type LoadCheckpointOptions,
  loadCheckpoint,
  saveCheckpoint,
} from './io/checkpoint.js';
export {
  type LoadSafetensorsOptions,
  loadSafetensors,
  parseSafetensors,
  type SafetensorsEntry,
  saveSafetensors,
} from './io/safetensors.js';
export {
  checkUpdateArrays,
  runUpdateBlocks,
  type UpdateArrays,
  updateArraysOf,
} from './kernels/fused-update-blocks.js';
export * from './kernels/fused-update-loop.js';
export * from './kernels/fused-update-rules.js';
export * from './kernels/spec.js';
export * from './kernels/update-reference.js';
export * from './kernels/update-rules.js';
export type { Loss } from './losses/index.js';
export * as losses from './losses/index.js';
export { dispose, type MemoryReport, memory, tidy } from './memory.js';
export * as nn from './nn/index.js';
export { Module, Parameter } from './nn/index.js';
export { inEvalMode } from './nn/training-modes.js';
export * from './ops/index.js';
export { hostValues } from './ops/operand.js';
export { tensorArithmetic } from './ops/tensor-arithmetic.js';
export { defaultGenerator, Generator, type GeneratorState } from './random/generator.js';
export * from './random/philox.js';
export * from './shape.js';
export { DataRef, liveTensorCount, Tensor, type TensorLike } from './tensor.js';
export { checkDataset, permutation, sliceRows, takeRows } from './train/batches.js';
export {
  type Callback,
  type CallbackState,
  type EpochLogs,
  onEpochEnd,
  type StateValue,
  type TrainingContext,
} from './train/callbacks.js';
export { type CheckpointInfo, type CheckpointOptions, checkpoint } from './train/checkpoint-callback.js';
export {
  type Average,
  type ClassificationMetricOptions,
  f1,
  precision,
  recall,
  topK,
} from './train/classification-metrics.js';
export type { ArrayDataset, Dataset, TensorDataset } from './train/dataset.js';
export { type EvaluateOptions, evaluate, predict } from './train/evaluate.js';
export { type FitOptions, fit, type History } from './train/fit.js';
export { learningRates } from './train/learning-rate.js';
export { type MeasureStepOptions, measureTrainingStep, type StepMemory } from './train/measure-step.js';
export { isMetric, type Metric, type MetricFn } from './train/metric.js';
export { metricMode, resolveMetricMode } from './train/metric-mode.js';
export {
  accuracySum,
  type BinaryAccuracyOptions,
  binaryAccuracy,
  type MetricName,
  type MetricNameOf,
  type MetricSpec,
  metrics,
  mseSum,
} from './train/metrics.js';
export type {
  Hyperparameters,
  HyperValue,
  Optimizer,
  OptimizerState,
  OptimizerStateByParameter,
  OptimizerStepOptions,
  Penalty,
  SlotState,
} from './train/optimizer.js';
export { ProgressBar, type ProgressOptions, type ProgressStream } from './train/progress.js';
export { maeSum, r2Score } from './train/regression-metrics.js';
export { type StepResult, type TrainStep, type TrainStepOptions, trainStep } from './train/train-step.js';
export {
  type DataOrder,
  type EpochProgress,
  type Position,
  type StateSnapshot,
  TrainingState,
  type TrainingStateParts,
} from './train/training-state.js';
export {
  boolean,
  type CheckOptionNamesOptions,
  checkOptionNames,
  finite,
  formatValue,
  inRange,
  invalid,
  nonNegative,
  nonNegativeInt,
  optionNames,
  positive,
  positiveInt,
  seedOf,
} from './validate.js';
