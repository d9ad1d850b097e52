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
  optimizerUpdatesBenchmark,
  stepMemoryBenchmark,
  UPDATE_OPTIMIZERS,
} from './benchmarks/index.js';
export { type CliOptions, parseArgs, usage } from './cli-options.js';
export { demoOptimizer, type TrainMnistOptions, type TrainMnistResult, trainMnist } from './demo/train-mnist.js';
export { measureTrainer, type Trainer } from './measure.js';
export { createOptimizer, type ResolvedOptimizer } from './optimizer-choice.js';
export { matmulModel, type OrtMatmulOptions, ortMatmulGflops } from './ort-matmul.js';
export { bestOf, FAMILIES, type PeerFamily, ratioToBest } from './peers.js';
export { type BenchResults, writeResults } from './report/results-file.js';
export { fmt, formatTable } from './report/table.js';
export {
  aggregateRounds,
  formatRounds,
  loadLines,
  ROUNDS,
  type RoundLoad,
  type RoundStats,
  roundOrder,
  runRounds,
} from './rounds.js';
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
  backpropOnnx1t,
  backpropOnnxEager,
  backpropOnnxSystem,
  backpropSystem,
  backpropWebgpu,
  buildMlp,
  PythonServer,
  systems,
  torchCpu1t,
  torchCpu2t,
  torchSystem,
} from './systems/index.js';
export {
  evaluateTargets,
  type Measures,
  type Quantity,
  resolveQuantity,
  TARGET_OPTIMIZERS,
  TARGETS,
  type Target,
  type TargetResult,
  targetRows,
} from './targets.js';
export {
  median,
  roundTimingPresets,
  summarize,
  type Timing,
  type TimingOptions,
  timeRuns,
  timingPresets,
} from './timing.js';
export { type MlpWorkload, type MlpWorkloadOptions, mlpStepFlops, mlpWorkload, mulberry32 } from './workload.js';
