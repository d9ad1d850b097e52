/** Benchmark: square float32 matmul C = A·B (result read back) in GFLOP/s = 2n³ / time, at 256 and 1024. */
import type { Benchmark, BenchmarkReport, Skip } from '../benchmark.js';
import { fmt, formatTable, ratio } from '../report/table.js';
import type { TimingOptions } from '../timing.js';

/** Timing for matmuls: fewer runs than the MLP step, since one 1024³ run can take seconds. */
const matmulTiming = {
  full: { warmup: 1, minSeconds: 1, minRuns: 3, maxRuns: 500 },
  quick: { warmup: 1, minSeconds: 0.2, minRuns: 1, maxRuns: 100 },
} as const satisfies Record<string, TimingOptions>;

/** A size is skipped for a system when its measurement would take longer than this (estimated from the smaller size). */
export const MATMUL_SKIP_SECONDS = 30;

/** The matmul benchmark at `sizes`. */
export function matmulBenchmark({ sizes = [256, 1024] }: { sizes?: readonly number[] } = {}): Benchmark {
  const title = `float32 matmul ${sizes.map((n) => `${n}³`).join(' and ')}`;
  return {
    id: 'matmul',
    title,
    async run(systems, ctx): Promise<BenchmarkReport> {
      const timing = ctx.quick ? matmulTiming.quick : matmulTiming.full;
      const rows: { system: string; label: string; n: number; ms: number; gflops: number; runs: number }[] = [];
      const skipped: Skip[] = [];
      for (const s of systems) {
        if (!s.matmul) continue;
        let last: { n: number; ms: number } | undefined;
        for (const n of sizes) {
          if (s.matmulSizes && !s.matmulSizes.includes(n)) {
            skipped.push({
              system: s.id,
              reason: `${n}³ not run: the system runs ${s.matmulSizes.map((m) => `${m}³`).join(', ')} only`,
            });
            continue;
          }
          const estimate = last ? (last.ms * (n / last.n) ** 3 * (timing.warmup + timing.minRuns)) / 1000 : 0;
          if (estimate > MATMUL_SKIP_SECONDS) {
            const reason = `${n}³ skipped: estimated ${estimate.toFixed(0)} s from ${last?.n}³ (> ${MATMUL_SKIP_SECONDS} s)`;
            skipped.push({ system: s.id, reason });
            ctx.log(`matmul: ${s.label}: ${reason}`);
            continue;
          }
          ctx.log(`matmul: ${s.label} ${n}³ ...`);
          try {
            const { timing: t } = await s.matmul(n, { ...ctx, timing });
            const gflops = (2 * n ** 3) / (t.medianMs * 1e6);
            rows.push({ system: s.id, label: s.label, n, ms: t.medianMs, gflops, runs: t.runs });
            last = { n, ms: t.medianMs };
            ctx.log(`matmul: ${s.label} ${n}³: ${fmt(gflops)} GFLOP/s (${fmt(t.medianMs)} ms)`);
          } catch (e) {
            skipped.push({ system: s.id, reason: `${n}³ failed: ${(e as Error).message}` });
          }
        }
      }
      const labels = [...new Map(rows.map((r) => [r.system, r.label]))];
      const at = (system: string, n: number) => rows.find((r) => r.system === system && r.n === n);
      const table = formatTable(
        ['system', ...sizes.map((n) => `${n}³ GFLOP/s`), ...sizes.map((n) => `${n}³ time ÷ backend-cpu`)],
        labels.map(([id, label]) => [
          label,
          ...sizes.map((n) => fmt(at(id, n)?.gflops)),
          ...sizes.map((n) => {
            const base = at(ctx.baseline, n);
            const r = at(id, n);
            return ratio(base && r ? r.ms / base.ms : undefined);
          }),
        ]),
      );
      return { id: 'matmul', title, rows, skipped, table, summary: [] };
    },
  };
}
