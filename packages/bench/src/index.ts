/**
 * @packageDocumentation
 * Benchmarks of Backprop against its peers (private): a registry of systems × benchmarks,
 * run by `pnpm bench`, and the MNIST demo's training function.
 */
export type { BenchContext, Benchmark, BenchmarkReport, Skip } from './benchmark.js';
export {
  benchmarks,
  matmulBenchmark,
  mlpStepBenchmark,
  ONNX_TARGETS,
  onnxTargetLines,
  optimizerUpdatesBenchmark,
  stepMemoryBenchmark,
  TARGET_VS_TFJS_CPU,
  UPDATE_OPTIMIZERS,
} from './benchmarks/index.js';
export { type CliOptions, parseArgs, usage } from './cli-options.js';
export { demoOptimizer, type TrainMnistOptions, type TrainMnistResult, trainMnist } from './demo/train-mnist.js';
export { measureTrainer, type Trainer } from './measure.js';
export { createOptimizer, type ResolvedOptimizer } from './optimizer-choice.js';
export { matmulModel, type OrtMatmulOptions, ortMatmulGflops } from './ort-matmul.js';
export { type BenchResults, writeResults } from './report/results-file.js';
export { fmt, formatTable } from './report/table.js';
export { defaultOptimizer, type RunBenchOptions, runBench } from './run-bench.js';
export type {
  MatmulLimit,
  MatmulMeasurement,
  MlpMeasurement,
  OptimizerSpec,
  RunContext,
  StepMemoryMeasurement,
  System,
  UpdatesMeasurement,
  UpdatesOptions,
} from './system.js';
export {
  backpropCpu,
  backpropCpu1t,
  backpropOnnx,
  backpropOnnxEager,
  backpropSystem,
  backpropWebgpu,
  buildMlp,
  systems,
  torchCpu,
} from './systems/index.js';
export { median, summarize, type Timing, type TimingOptions, timeRuns, timingPresets } from './timing.js';
export { type MlpWorkload, type MlpWorkloadOptions, mlpStepFlops, mlpWorkload, mulberry32 } from './workload.js';
