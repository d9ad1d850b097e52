/** Adaptive timing: warm-up runs, then timed runs until both a minimum time and a minimum count are reached. */

/** How long to measure. */
export interface TimingOptions {
  /** Untimed runs first (JIT, allocator, caches). */
  warmup: number;
  /** Keep timing until at least this many seconds have passed ... */
  minSeconds: number;
  /** ... and at least this many runs were timed. */
  minRuns: number;
  /** Never time more than this many runs. */
  maxRuns: number;
}

/** Full runs: about 2 s or 5 steps per system; `--quick`: about 0.5 s or 3 steps. */
export const timingPresets = {
  full: { warmup: 3, minSeconds: 2, minRuns: 5, maxRuns: 1000 },
  quick: { warmup: 1, minSeconds: 0.5, minRuns: 3, maxRuns: 200 },
} as const satisfies Record<string, TimingOptions>;

/**
 * One system's timed run within one round (a run is split into interleaved rounds, `ROUNDS` in
 * rounds.ts): full, 5 rounds of 2 warm-up runs then ≥ 0.5 s and ≥ 3 runs (about 2.5 s per system in
 * all, as the single full run used to be); `--quick`, 3 rounds of 1 warm-up then ≥ 0.2 s and ≥ 3 runs.
 */
export const roundTimingPresets = {
  full: { warmup: 2, minSeconds: 0.5, minRuns: 3, maxRuns: 500 },
  quick: { warmup: 1, minSeconds: 0.2, minRuns: 3, maxRuns: 100 },
} as const satisfies Record<string, TimingOptions>;

/**
 * The untimed warm-up round before the MLP step's timed rounds: each system trains for this long
 * first, so that every round times the steady state a long training run sees. V8 keeps compiling a
 * training step's JavaScript on background threads for its first few hundred steps (measured on a
 * 2-core VM: 3 ms of compiler time per step over the first 50 steps, under 0.2 ms after 500), and
 * those threads compete with the second thread of a two-thread backend;
 * `packages/bench/scripts/jit-warmup.mjs` shows it. `--warmup <seconds>` changes it, 0 skips it.
 */
export const warmupRoundPresets = {
  full: { warmup: 0, minSeconds: 4, minRuns: 3, maxRuns: 5000 },
  quick: { warmup: 0, minSeconds: 1.5, minRuns: 2, maxRuns: 2000 },
} as const satisfies Record<string, TimingOptions>;

/** Summary of timed runs, in milliseconds. */
export interface Timing {
  runs: number;
  medianMs: number;
  meanMs: number;
  minMs: number;
}

/** The median of `values` (not modified). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Summarizes per-run times in milliseconds. */
export function summarize(times: readonly number[]): Timing {
  return {
    runs: times.length,
    medianMs: median(times),
    meanMs: times.reduce((a, b) => a + b, 0) / times.length,
    minMs: Math.min(...times),
  };
}

/** Times `run` (which must finish its work before it returns or resolves) with warm-up, adaptively. */
export async function timeRuns(
  run: () => unknown,
  { warmup, minSeconds, minRuns, maxRuns }: TimingOptions,
  afterEach?: () => void,
): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await run();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < maxRuns && (times.length < minRuns || performance.now() - start < minSeconds * 1000)) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
    afterEach?.();
  }
  return summarize(times);
}
