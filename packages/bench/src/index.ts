/**
 * @packageDocumentation
 * Benchmarks of Backprop against its peers (private): a registry of systems × benchmarks,
 * run by `pnpm bench`, and the MNIST demo's training function.
 */
export type { BenchContext, Benchmark, BenchmarkReport, Skip } from './benchmark.js';
export { benchmarks, matmulBenchmark, mlpStepBenchmark, TARGET_VS_TFJS_CPU } from './benchmarks/index.js';
export { type CliOptions, parseArgs, usage } from './cli-options.js';
export { demoOptimizer, type TrainMnistOptions, type TrainMnistResult, trainMnist } from './demo/train-mnist.js';
export { LocalSgd } from './local-sgd.js';
export { measureTrainer, type Trainer } from './measure.js';
export { createOptimizer, loadOptimizersPackage } from './optimizer-choice.js';
export { type BenchResults, writeResults } from './report/results-file.js';
export { fmt, formatTable } from './report/table.js';
export { defaultOptimizer, type RunBenchOptions, runBench } from './run-bench.js';
export type { MatmulMeasurement, MlpMeasurement, OptimizerSpec, RunContext, System } from './system.js';
export { systems } from './systems/index.js';
export { median, summarize, type Timing, type TimingOptions, timeRuns, timingPresets } from './timing.js';
export { type MlpWorkload, type MlpWorkloadOptions, mlpStepFlops, mlpWorkload, mulberry32 } from './workload.js';
