/** Runs the selected benchmarks over the selected systems and collects the results. */
import { ValueError } from '@backprop/core';
import type { BenchContext, Benchmark, BenchmarkReport, Skip } from './benchmark.js';
import { type BenchResults, loadAverage, machine } from './report/results-file.js';
import type { OptimizerSpec, System } from './system.js';
import { timingPresets } from './timing.js';

/** Options of {@link runBench}. */
export interface RunBenchOptions {
  systems: readonly System[];
  benchmarks: readonly Benchmark[];
  quick?: boolean;
  /** System ids to run (all when empty). */
  only?: readonly string[];
  optimizer?: 'sgd' | 'adam';
  lr?: number;
  log?: (line: string) => void;
}

/** Adam unless told otherwise; lr 1e-3 for Adam, 0.01 for SGD unless given. */
export function defaultOptimizer(name: 'sgd' | 'adam' = 'adam', lr?: number): OptimizerSpec {
  return { name, lr: lr ?? (name === 'adam' ? 1e-3 : 0.01) };
}

/** Runs everything; returns the JSON results and the reports (with their printed tables). */
export async function runBench({
  systems,
  benchmarks,
  quick = false,
  only = [],
  optimizer,
  lr,
  log = (line) => process.stderr.write(`${line}\n`),
}: RunBenchOptions): Promise<{ results: BenchResults; reports: BenchmarkReport[] }> {
  const host = machine(); // before the run, so the load average is not our own
  const unknown = only.filter((id) => !systems.some((s) => s.id === id));
  if (unknown.length)
    throw new ValueError(`bench: unknown system ${unknown.join(', ')}; known: ${systems.map((s) => s.id).join(', ')}`);
  const chosen = systems.filter((s) => only.length === 0 || only.includes(s.id));
  const unavailable: Skip[] = [];
  const ready: System[] = [];
  const described: BenchResults['systems'] = {};
  for (const s of chosen) {
    const reason = await s.unavailable?.();
    if (reason) {
      unavailable.push({ system: s.id, reason });
      log(`${s.label}: ${reason}`);
      continue;
    }
    ready.push(s);
    described[s.id] = { label: s.label, ...(await s.describe?.()) };
  }
  const spec = defaultOptimizer(optimizer, lr);
  const ctx: BenchContext = {
    quick,
    timing: quick ? timingPresets.quick : timingPresets.full,
    optimizer: spec,
    log,
    baseline: systems[0].id,
  };
  const reports: BenchmarkReport[] = [];
  for (const b of benchmarks) {
    log(`== ${b.title}`);
    reports.push(await b.run(ready, ctx));
  }
  const results: BenchResults = {
    schema: 1,
    date: new Date().toISOString(),
    machine: { ...host, loadAverageEnd1m: loadAverage() },
    options: { quick, only: [...only], optimizer: spec },
    systems: described,
    benchmarks: reports.map(({ table: _table, ...rest }) => rest),
    unavailable,
  };
  return { results, reports };
}
