/** Runs the selected benchmarks over the selected systems (each in interleaved rounds), collects the results and evaluates the targets. */
import { ValueError } from '@backprop/core';
import type { BenchContext, Benchmark, BenchmarkReport, Skip } from './benchmark.js';
import { type BenchResults, loadAverage, machine } from './report/results-file.js';
import { formatTable } from './report/table.js';
import { ROUNDS } from './rounds.js';
import type { OptimizerSpec, System } from './system.js';
import { evaluateTargets, TARGETS, type Target, targetRows } from './targets.js';
import type { TimingOptions } from './timing.js';
import { roundTimingPresets, warmupRoundPresets } from './timing.js';

/** Options of {@link runBench}. */
export interface RunBenchOptions {
  systems: readonly System[];
  benchmarks: readonly Benchmark[];
  quick?: boolean;
  /** Interleaved rounds per benchmark (default `ROUNDS`: 5, `--quick` 3). */
  rounds?: number;
  /** System ids to run (all when empty). */
  only?: readonly string[];
  optimizer?: 'sgd' | 'adam';
  lr?: number;
  /** Seconds each system trains in the untimed warm-up round before the MLP step's rounds (default `warmupRoundPresets`: 4, `--quick` 1.5; 0: none). */
  warmupSeconds?: number;
  /** The targets evaluated at the end (default `TARGETS`). */
  targets?: readonly Target[];
  log?: (line: string) => void;
}

/** Adam unless told otherwise; lr 1e-3 for Adam, 0.01 for SGD unless given. */
export function defaultOptimizer(name: 'sgd' | 'adam' = 'adam', lr?: number): OptimizerSpec {
  return { name, lr: lr ?? (name === 'adam' ? 1e-3 : 0.01) };
}

/** The warm-up round's timing: the preset, its seconds replaced by `seconds` when given; undefined for 0. */
function warmupTiming(quick: boolean, seconds?: number): TimingOptions | undefined {
  const preset = quick ? warmupRoundPresets.quick : warmupRoundPresets.full;
  const minSeconds = seconds ?? preset.minSeconds;
  return minSeconds > 0 ? { ...preset, minSeconds } : undefined;
}

/** Runs everything; returns the JSON results, the reports (with their printed tables) and the printed targets table. */
export async function runBench({
  systems,
  benchmarks,
  quick = false,
  rounds = quick ? ROUNDS.quick : ROUNDS.full,
  only = [],
  optimizer,
  lr,
  warmupSeconds,
  targets = TARGETS,
  log = (line) => process.stderr.write(`${line}\n`),
}: RunBenchOptions): Promise<{ results: BenchResults; reports: BenchmarkReport[]; targetsTable: string }> {
  const host = machine(); // before the run, so the load average is not our own
  const unknown = only.filter((id) => !systems.some((s) => s.id === id));
  if (unknown.length)
    throw new ValueError(`bench: unknown system ${unknown.join(', ')}; known: ${systems.map((s) => s.id).join(', ')}`);
  const chosen = systems.filter((s) => only.length === 0 || only.includes(s.id));
  const unavailable: Skip[] = [];
  const ready: System[] = [];
  const described: BenchResults['systems'] = {};
  const reports: BenchmarkReport[] = [];
  const spec = defaultOptimizer(optimizer, lr);
  const warmup = warmupTiming(quick, warmupSeconds);
  try {
    for (const s of chosen) {
      const reason = await s.unavailable?.();
      if (reason) {
        unavailable.push({ system: s.id, reason });
        log(`${s.label}: ${reason}`);
        continue;
      }
      ready.push(s);
      described[s.id] = { label: s.label, ...(s.threads ? { threads: s.threads } : {}), ...(await s.describe?.()) };
    }
    const ctx: BenchContext = {
      quick,
      timing: quick ? roundTimingPresets.quick : roundTimingPresets.full,
      warmup,
      rounds,
      optimizer: spec,
      log,
      baseline: systems[0].id,
    };
    for (const b of benchmarks) {
      log(`== ${b.title}`);
      reports.push(await b.run(ready, ctx));
    }
  } finally {
    for (const s of chosen) await s.close?.();
  }
  const measures = Object.assign({}, ...reports.map((r) => r.measures ?? {})) as Record<string, number>;
  const evaluated = evaluateTargets(measures, targets);
  const results: BenchResults = {
    schema: 1,
    date: new Date().toISOString(),
    machine: { ...host, loadAverageEnd1m: loadAverage() },
    options: { quick, rounds, only: [...only], optimizer: spec, warmupSeconds: warmup?.minSeconds ?? 0 },
    systems: described,
    benchmarks: reports.map(({ table: _table, ...rest }) => rest),
    targets: evaluated,
    unavailable,
  };
  const targetsTable = formatTable(['area', 'target', 'this run', 'numbers', 'met?'], targetRows(evaluated), {
    left: 2,
  });
  return { results, reports, targetsTable };
}
