/** The registry of benchmarks, in run order. */
import type { Benchmark } from '../benchmark.js';
import { matmulBenchmark } from './matmul.js';
import { mlpStepBenchmark } from './mlp-step.js';
import { optimizerUpdatesBenchmark } from './optimizer-updates.js';
import { stepMemoryBenchmark } from './step-memory.js';

/** Every benchmark `pnpm bench` runs. Add a file under src/benchmarks/ and list it here. */
export const benchmarks: readonly Benchmark[] = [
  mlpStepBenchmark(),
  matmulBenchmark(),
  optimizerUpdatesBenchmark(),
  stepMemoryBenchmark(),
];

export { MATMUL_SKIP_SECONDS, matmulBenchmark } from './matmul.js';
export { type MlpStepOptions, mlpStepBenchmark } from './mlp-step.js';
export { optimizerUpdatesBenchmark, UPDATE_OPTIMIZERS } from './optimizer-updates.js';
export { stepMemoryBenchmark } from './step-memory.js';
