/** Benchmark: square float32 matmul C = A·B (result read back) in GFLOP/s = 2n³ / time, at 256 and 1024, in interleaved rounds. */
import type { Benchmark, BenchmarkReport, Skip } from '../benchmark.js';
import { FAMILIES, ratioToBest } from '../peers.js';
import { fmt, formatTable, ratio } from '../report/table.js';
import { aggregateRounds, coreCount, loadLines, runRounds } from '../rounds.js';
import type { System } from '../system.js';
import type { TimingOptions } from '../timing.js';
import { squareMatmulGflops } from '../workload.js';

/** Timing of one system and size within one round: fewer runs than the MLP step, since one 1024³ run can take seconds. */
const matmulTiming = {
  full: { warmup: 1, minSeconds: 0.3, minRuns: 2, maxRuns: 500 },
  quick: { warmup: 1, minSeconds: 0.1, minRuns: 1, maxRuns: 100 },
} as const satisfies Record<string, TimingOptions>;

/** A size is skipped for a system when one round of it would take longer than this (estimated from the smaller size). */
export const MATMUL_SKIP_SECONDS = 30;

/** The matmul benchmark at `sizes`. */
export function matmulBenchmark({ sizes = [256, 1024] }: { sizes?: readonly number[] } = {}): Benchmark {
  const title = `float32 matmul ${sizes.map((n) => `${n}³`).join(' and ')}`;
  return {
    id: 'matmul',
    title,
    async run(systems, ctx): Promise<BenchmarkReport> {
      const timing = ctx.quick ? matmulTiming.quick : matmulTiming.full;
      const subjects = systems.filter((s) => s.matmul);
      const times = new Map<string, number[]>(); // `${id}@${n}` → per-round median ms
      const runs = new Map<string, number>();
      const skipped: Skip[] = [];
      const skip = new Set<string>();
      const loads = await runRounds({
        items: subjects,
        rounds: ctx.rounds,
        id: (s: System) => s.id,
        async measure(s, round) {
          let last: { n: number; ms: number } | undefined;
          for (const n of sizes) {
            const key = `${s.id}@${n}`;
            if (skip.has(key)) continue;
            if (s.matmulSizes && !s.matmulSizes.includes(n)) {
              skip.add(key);
              skipped.push({
                system: s.id,
                reason: `${n}³ not run: the system runs ${s.matmulSizes.map((m) => `${m}³`).join(', ')} only`,
              });
              continue;
            }
            const estimate = last ? (last.ms * (n / last.n) ** 3 * (timing.warmup + timing.minRuns)) / 1000 : 0;
            if (round === 0 && estimate > MATMUL_SKIP_SECONDS) {
              const reason = `${n}³ skipped: estimated ${estimate.toFixed(0)} s per round from ${last?.n}³ (> ${MATMUL_SKIP_SECONDS} s)`;
              skip.add(key);
              skipped.push({ system: s.id, reason });
              ctx.log(`matmul: ${s.label}: ${reason}`);
              continue;
            }
            try {
              const { timing: t } = await (s.matmul as NonNullable<System['matmul']>)(n, { ...ctx, timing });
              times.set(key, [...(times.get(key) ?? []), t.medianMs]);
              runs.set(key, (runs.get(key) ?? 0) + t.runs);
              last = { n, ms: t.medianMs };
              ctx.log(
                `matmul round ${round + 1}/${ctx.rounds}: ${s.label} ${n}³: ${fmt(squareMatmulGflops(n, t.medianMs))} GFLOP/s (${fmt(t.medianMs)} ms)`,
              );
            } catch (e) {
              skip.add(key);
              skipped.push({ system: s.id, reason: `${n}³ failed: ${(e as Error).message}` });
            }
          }
        },
      });
      const rows: {
        system: string;
        label: string;
        n: number;
        ms: number;
        gflops: number;
        runs: number;
        roundMs: number[];
        roundSpread: number;
        vsPytorchBest: number | null;
      }[] = [];
      for (const s of subjects)
        for (const n of sizes) {
          const st = aggregateRounds(times.get(`${s.id}@${n}`) ?? []);
          if (!st) continue;
          rows.push({
            system: s.id,
            label: s.label,
            n,
            ms: st.median,
            gflops: squareMatmulGflops(n, st.median),
            runs: runs.get(`${s.id}@${n}`) ?? 0,
            roundMs: st.values,
            roundSpread: st.spread,
            vsPytorchBest: null,
          });
        }
      for (const n of sizes) {
        const msAt = Object.fromEntries(rows.filter((r) => r.n === n).map((r) => [r.system, r.ms]));
        for (const r of rows) if (r.n === n) r.vsPytorchBest = ratioToBest(r.ms, msAt, FAMILIES.pytorch) ?? null;
      }
      const labels = [...new Map(rows.map((r) => [r.system, r.label]))];
      const at = (system: string, n: number) => rows.find((r) => r.system === system && r.n === n);
      const table = formatTable(
        [
          'system',
          ...sizes.map((n) => `${n}³ GFLOP/s`),
          ...sizes.map((n) => `${n}³ per-round spread`),
          ...sizes.map((n) => `${n}³ time ÷ backend-cpu`),
          ...sizes.map((n) => `${n}³ time ÷ PyTorch best`),
        ],
        labels.map(([id, label]) => [
          label,
          ...sizes.map((n) => fmt(at(id, n)?.gflops)),
          ...sizes.map((n) => {
            const r = at(id, n);
            return r ? `${(r.roundSpread * 100).toFixed(0)}% of ${r.roundMs.length}` : '—';
          }),
          ...sizes.map((n) => {
            const base = at(ctx.baseline, n);
            const r = at(id, n);
            return ratio(base && r ? r.ms / base.ms : undefined);
          }),
          ...sizes.map((n) => ratio(at(id, n)?.vsPytorchBest ?? undefined)),
        ]),
      );
      const measures = Object.fromEntries(rows.map((r) => [`matmul-gflops:${r.system}:${r.n}`, r.gflops]));
      const summary = [
        `${ctx.rounds} interleaved rounds; GFLOP/s from the median of the per-round median times; spread = (max − min) ÷ median of the per-round times`,
        ...loadLines(loads, coreCount()),
      ];
      return { id: 'matmul', title, rows, skipped, table, summary, measures, loads };
    },
  };
}
