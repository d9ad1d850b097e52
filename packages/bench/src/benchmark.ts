/** The `Benchmark` interface: one measurement run over every selected system, reported as rows, a table and summary lines. */
import type { RoundLoad } from './rounds.js';
import type { OptimizerSpec, System } from './system.js';
import type { TimingOptions } from './timing.js';

/** Settings shared by every benchmark of one run. */
export interface BenchContext {
  /** Fewer and shorter timed runs. */
  quick: boolean;
  /** Timing of one system's run within one round (`roundTimingPresets` of `quick`). */
  timing: TimingOptions;
  /**
   * Timing of the untimed warm-up round that comes before the MLP step's timed rounds
   * (`warmupRoundPresets`); absent or `minSeconds` 0: no warm-up round.
   */
  warmup?: TimingOptions;
  /** Interleaved rounds: every system runs once per round, in rotated order (`ROUNDS`). */
  rounds: number;
  optimizer: OptimizerSpec;
  /** Progress lines (stderr). */
  log: (line: string) => void;
  /** The system ratios divide by ("backprop-cpu"). */
  baseline: string;
}

/** A system a benchmark could not measure, and why. */
export interface Skip {
  system: string;
  reason: string;
}

/** What one benchmark produced. */
export interface BenchmarkReport {
  id: string;
  title: string;
  /** Plain JSON rows, one per measurement. */
  rows: Record<string, unknown>[];
  skipped: Skip[];
  /** The printed table. */
  table: string;
  /** Lines printed under the table (targets, checks). */
  summary: string[];
  /** Benchmark-specific JSON beside the rows (the MLP step's matmul limits). */
  extra?: Record<string, unknown>;
  /** What the targets read (`Measures` in targets.ts: "step-ms:torch-cpu-1t" → ms, ...). */
  measures?: Record<string, number>;
  /** The load average around each round. */
  loads?: RoundLoad[];
}

/** A benchmark: add a file under src/benchmarks/ and list it in src/benchmarks/index.ts. */
export interface Benchmark {
  readonly id: string;
  readonly title: string;
  run(systems: readonly System[], ctx: BenchContext): Promise<BenchmarkReport>;
}
