/** The registry of benchmarks, in run order. */
import type { Benchmark } from '../benchmark.js';
import { matmulBenchmark } from './matmul.js';
import { mlpStepBenchmark } from './mlp-step.js';

/** Every benchmark `pnpm bench` runs. Add a file under src/benchmarks/ and list it here. */
export const benchmarks: readonly Benchmark[] = [mlpStepBenchmark(), matmulBenchmark()];

export { MATMUL_SKIP_SECONDS, matmulBenchmark } from './matmul.js';
export { type MlpStepOptions, mlpStepBenchmark, TARGET_VS_TFJS_CPU } from './mlp-step.js';
