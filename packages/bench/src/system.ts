/** The `System` interface: one library (and backend) the benchmarks run on, with one optional method per benchmark. */
import type { Timing, TimingOptions } from './timing.js';
import type { MlpWorkload } from './workload.js';

/** The optimizer every system uses for the MLP step. */
export interface OptimizerSpec {
  name: 'sgd' | 'adam';
  lr: number;
}

/** What a benchmark hands to a system. */
export interface RunContext {
  timing: TimingOptions;
  optimizer: OptimizerSpec;
  /** Progress lines (stderr). */
  log: (line: string) => void;
}

/** One MLP training-step measurement. */
export interface MlpMeasurement {
  timing: Timing;
  /** The loss of the very first step: the same workload gives the same value on every system. */
  firstLoss: number;
  /** Peak bytes held by the library's tensors during a step (parameters and optimizer state included), where it can tell. */
  peakBytes?: number;
  /** Growth of the process's resident set from before setup to the highest value seen while timing. */
  rssDeltaBytes?: number;
  /** Which optimizer implementation ran, and anything else worth a footnote. */
  notes: string[];
}

/** One square float32 matmul measurement. */
export interface MatmulMeasurement {
  timing: Timing;
}

/** The memory of one training step: `summary`'s estimate beside the backend's measured peak. */
export interface StepMemoryMeasurement {
  /** The backend's name ("cpu", "onnx", "webgpu"). */
  backend: string;
  /** `summary(model, { batchSize, optimizerSlots })` bytes, float32. */
  estimate: { parameters: number; gradients: number; optimizerState: number; activations: number; total: number };
  /** Bytes the backend held before the step (parameters and optimizer state). */
  bytesBefore: number;
  /** The backend's peak during the step above `bytesBefore`, where it tracks peaks. */
  stepBytes?: number;
}

/** Time of one optimizer update, per optimizer ("Adam": ms). */
export interface UpdatesMeasurement {
  /**
   * Milliseconds per update by optimizer name (`benchmarkUpdates`' names): the median of the timed
   * updates, each timed alone; fused kernels on where the system has them.
   */
  msPerStep: Record<string, number>;
  /** For a peer with several implementations of an update, the one each optimizer's time came from (its fastest). */
  implementation?: Record<string, string>;
  /** The same with fused update kernels off, for systems that have them. */
  unfusedMsPerStep?: Record<string, number>;
  /** Optimizers that use a fused kernel when it is on. */
  fused?: string[];
}

/** Options of an optimizer-update measurement. */
export interface UpdatesOptions {
  /** Total parameters (10,000,000). */
  params: number;
  /** Updates per optimizer timed one by one (their median is the result), after the warm-up. */
  steps: number;
  /** Untimed updates per optimizer first, for at least this many milliseconds (and at least one). */
  warmupMs: number;
}

/** A library's own matmul rate: the ceiling its training step is compared with. */
export interface MatmulLimit {
  /** What was measured ("ONNX Runtime MatMul, one-node model, 2 threads"). */
  source: string;
  n: number;
  gflops: number;
}

/**
 * A system under test. Each benchmark calls its own optional method once per round (interleaved
 * with the other systems), so a method keeps its setup outside its timed part, and may keep it
 * between rounds (PyTorch keeps its process); a system without the method is listed as not measured. To add a system, add a file under `src/systems/` and list it in
 * `src/systems/index.ts`; to add a benchmark, add an optional method here and a file under
 * `src/benchmarks/`.
 */
export interface System {
  /** Short id for `--only` and the JSON ("backprop-cpu"). */
  readonly id: string;
  /** Row label in the tables. */
  readonly label: string;
  /** Its thread setting, where it has one (PyTorch, ONNX Runtime, backend-cpu). */
  readonly threads?: number;
  /** Resolves to why the system cannot run here, or undefined when it can. */
  unavailable?(): Promise<string | undefined>;
  /** Versions and settings for the JSON (library version, threads, SIMD, ...). */
  describe?(): Promise<Record<string, string | number | boolean>>;
  /** One training step of an MLP on `workload`, timed with `ctx.timing`. */
  mlpStep?(workload: MlpWorkload, ctx: RunContext): Promise<MlpMeasurement>;
  /** `C = A·B` for square float32 n×n matrices, result read back, timed with `ctx.timing`. */
  matmul?(n: number, ctx: RunContext): Promise<MatmulMeasurement>;
  /** Timing overrides of the MLP step for a slow system (a software GPU). */
  readonly timing?: Partial<TimingOptions>;
  /** The matmul sizes this system runs (default: every size; a slow software device runs fewer). */
  readonly matmulSizes?: readonly number[];
  /** The library's own matmul rate at n³, for the step's implied limit (step FLOPs / rate). */
  matmulLimit?(n: number, ctx: RunContext): Promise<MatmulLimit>;
  /** Memory of one training step of the workload's MLP (estimate and measured peak). */
  stepMemory?(workload: MlpWorkload, ctx: RunContext): Promise<StepMemoryMeasurement>;
  /** Time of one update per optimizer over `options.params` parameters (fused kernels on, and off where the system has them). */
  optimizerUpdates?(options: UpdatesOptions, ctx: RunContext): Promise<UpdatesMeasurement>;
  /**
   * Releases what the system kept between rounds (PyTorch: its Python process and workload files);
   * called once at the end of a run.
   */
  close?(): Promise<void>;
}
