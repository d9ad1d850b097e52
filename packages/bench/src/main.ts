/** CLI entry of `pnpm bench`: runs every benchmark on every system, prints the tables, writes the JSON. */
import { benchmarks } from './benchmarks/index.js';
import { parseArgs, usage } from './cli-options.js';
import { rerunWithRelaxedSimd } from './engine-flags.js';
import { writeResults } from './report/results-file.js';
import { runBench } from './run-bench.js';
import { systems } from './systems/index.js';
import { targetTally } from './targets.js';

async function main(): Promise<void> {
  const rerun = rerunWithRelaxedSimd(process.argv.slice(1));
  if (rerun !== undefined) {
    process.exitCode = rerun;
    return;
  }
  const options = parseArgs(process.argv.slice(2));
  if (options.help) {
    console.log(usage);
    return;
  }
  const { results, reports, targetsTable } = await runBench({ systems, benchmarks, ...options });
  const m = results.machine;
  console.log(
    `\nBackprop bench — ${results.date.slice(0, 10)} — ${m.cpu}, ${m.cores} cores, Node ${m.node}, load average ${m.loadAverage1m} at the start, ${m.loadAverageEnd1m} at the end, ${results.options.rounds} interleaved rounds${options.quick ? ' (--quick)' : ''}`,
  );
  if (Math.max(m.loadAverage1m, m.loadAverageEnd1m ?? 0) > m.cores)
    console.log(
      `WARNING: the 1-minute load average exceeded the ${m.cores} cores: other work competed for the CPU; see each table's per-round load`,
    );
  for (const r of reports) {
    console.log(`\n${r.title}\n\n${r.table}`);
    for (const line of r.summary) console.log(`  ${line}`);
    for (const s of r.skipped) console.log(`  not measured: ${s.system}: ${s.reason}`);
  }
  console.log(
    `\nTargets (evaluated on this run's numbers)\n\n${targetsTable}\n  ${targetTally(results.targets ?? [])}`,
  );
  for (const u of results.unavailable) console.log(`  not run: ${u.system}: ${u.reason}`);
  const committed = !options.quick && options.only.length === 0;
  const paths = await writeResults(results, { committed, extra: options.json });
  console.log(`\nresults written to ${paths.join(', ')}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
