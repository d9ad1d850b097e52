/** Benchmark: one training step of an MLP 784-512-512-10 at batch 128, the same optimizer, weights and data on every system. */
import type { Benchmark, BenchmarkReport, Skip } from '../benchmark.js';
import { bestOf, FAMILIES, ratioToBest } from '../peers.js';
import { fmt, formatTable, mb, ratio } from '../report/table.js';
import { aggregateRounds, coreCount, formatRounds, loadLines, runRounds } from '../rounds.js';
import type { MatmulLimit, MlpMeasurement, System } from '../system.js';
import { mlpStepFlops, mlpWorkload } from '../workload.js';

/** Options of {@link mlpStepBenchmark}. */
export interface MlpStepOptions {
  sizes?: readonly number[];
  batchSize?: number;
  seed?: number;
  /** Size of the matmul whose rate bounds a step (systems with `matmulLimit`; default 1024). */
  limitN?: number;
}

/**
 * The MLP training-step benchmark, in interleaved rounds: ms/step (median of the per-round
 * medians), the per-round values, samples/s, peak MB, and ratios to backend-cpu and to PyTorch at
 * its best thread count; systems with `matmulLimit` also measure their matmul floor each round.
 */
export function mlpStepBenchmark({
  sizes = [784, 512, 512, 10],
  batchSize = 128,
  seed = 0,
  limitN = 1024,
}: MlpStepOptions = {}): Benchmark {
  const title = `MLP ${sizes.join('-')} training step, batch ${batchSize}`;
  return {
    id: 'mlp-step',
    title,
    async run(systems, ctx): Promise<BenchmarkReport> {
      const workload = mlpWorkload({ sizes, batchSize, seed });
      const flops = mlpStepFlops(workload);
      const subjects = systems.filter((s) => s.mlpStep);
      const measured = new Map<string, MlpMeasurement[]>();
      const limits = new Map<string, MatmulLimit[]>();
      const skipped: Skip[] = [];
      const failed = new Set<string>();
      const warmups = new Map<string, MlpMeasurement>();
      const warmupTiming = ctx.warmup;
      const loads = await runRounds({
        items: subjects,
        rounds: ctx.rounds,
        id: (s: System) => s.id,
        // Untimed for the results: trains each system until V8 (and any peer's allocator) has settled.
        warmup: warmupTiming
          ? async (s) => {
              try {
                const m = await (s.mlpStep as NonNullable<System['mlpStep']>)(workload, {
                  ...ctx,
                  timing: { ...warmupTiming, ...s.timing },
                });
                warmups.set(s.id, m);
                ctx.log(
                  `mlp-step warm-up (not counted): ${s.label}: ${fmt(m.timing.meanMs)} ms/step over ${m.timing.runs} steps`,
                );
              } catch (e) {
                // The rounds report the failure; the warm-up only logs it.
                ctx.log(`mlp-step warm-up: ${s.label}: failed: ${(e as Error).message}`);
              }
            }
          : undefined,
        async measure(s, round) {
          if (failed.has(s.id)) return;
          try {
            const m = await (s.mlpStep as NonNullable<System['mlpStep']>)(workload, {
              ...ctx,
              timing: { ...ctx.timing, ...s.timing },
            });
            measured.set(s.id, [...(measured.get(s.id) ?? []), m]);
            ctx.log(
              `mlp-step round ${round + 1}/${ctx.rounds}: ${s.label}: ${fmt(m.timing.medianMs)} ms/step over ${m.timing.runs} steps, first loss ${m.firstLoss.toFixed(5)}`,
            );
          } catch (e) {
            failed.add(s.id);
            skipped.push({ system: s.id, reason: (e as Error).message.split('\n')[0] });
            ctx.log(`mlp-step: ${s.label}: failed: ${(e as Error).message}`);
            return;
          }
          if (s.matmulLimit && !failed.has(`${s.id}:limit`)) {
            try {
              const limit = await s.matmulLimit(limitN, ctx);
              limits.set(s.id, [...(limits.get(s.id) ?? []), limit]);
              ctx.log(
                `mlp-step round ${round + 1}/${ctx.rounds}: ${s.label}: floor ${fmt(limit.gflops)} GFLOP/s at ${limitN}³`,
              );
            } catch (e) {
              failed.add(`${s.id}:limit`);
              skipped.push({ system: s.id, reason: `matmul floor failed: ${(e as Error).message}` });
            }
          }
        },
      });
      const stats = (id: string) => aggregateRounds((measured.get(id) ?? []).map((m) => m.timing.medianMs));
      const msById: Record<string, number> = {};
      for (const s of subjects) {
        const st = stats(s.id);
        if (st) msById[s.id] = st.median;
      }
      const base = msById[ctx.baseline];
      const rows = subjects
        .filter((s) => msById[s.id] !== undefined)
        .map((s) => {
          const ms = measured.get(s.id) as MlpMeasurement[];
          const st = stats(s.id) as NonNullable<ReturnType<typeof stats>>;
          const peaks = ms.map((m) => m.peakBytes).filter((v): v is number => v !== undefined);
          const rss = ms.map((m) => m.rssDeltaBytes).filter((v): v is number => v !== undefined);
          const floor = aggregateRounds((limits.get(s.id) ?? []).map((l) => l.gflops));
          return {
            system: s.id,
            label: s.label,
            threads: s.threads ?? null,
            msPerStep: st.median,
            roundMsPerStep: st.values,
            roundSpread: st.spread,
            meanMsPerStep: ms.reduce((a, m) => a + m.timing.meanMs, 0) / ms.length,
            minMsPerStep: Math.min(...ms.map((m) => m.timing.minMs)),
            steps: ms.reduce((a, m) => a + m.timing.runs, 0),
            samplesPerSec: (batchSize * 1000) / st.median,
            gflops: flops / (st.median * 1e6),
            peakBytes: peaks.length ? Math.max(...peaks) : null,
            rssDeltaBytes: rss.length ? Math.max(...rss) : null,
            ratio: base === undefined ? null : st.median / base,
            vsPytorchBest: ratioToBest(st.median, msById, FAMILIES.pytorch) ?? null,
            floorGflops: floor?.median ?? null,
            roundFloorGflops: floor?.values ?? null,
            floorSource: limits.get(s.id)?.[0]?.source ?? null,
            firstLoss: ms[0].firstLoss,
            notes: ms[ms.length - 1].notes,
          };
        });
      const table = formatTable(
        [
          'system',
          'ms/step',
          'per-round ms/step',
          'samples/s',
          'peak MB',
          'RSS Δ MB',
          'GFLOP/s',
          'time ÷ backend-cpu',
          'time ÷ PyTorch best',
        ],
        rows.map((r) => [
          r.label,
          fmt(r.msPerStep),
          formatRounds(aggregateRounds(r.roundMsPerStep), (v) => fmt(v)),
          fmt(r.samplesPerSec),
          mb(r.peakBytes ?? undefined),
          mb(r.rssDeltaBytes ?? undefined),
          fmt(r.gflops),
          ratio(r.ratio ?? undefined),
          ratio(r.vsPytorchBest ?? undefined),
        ]),
      );
      const torchBest = bestOf(msById, FAMILIES.pytorch.systems);
      const summary: string[] = [
        `optimizer: ${ctx.optimizer.name} lr ${ctx.optimizer.lr}; ours: ${rows.find((r) => r.system === ctx.baseline)?.notes.join(', ') ?? '—'}`,
        `${ctx.rounds} interleaved rounds (order rotated each round); ms/step = median of the per-round medians; ${
          torchBest
            ? `PyTorch best = ${torchBest.system} (${fmt(torchBest.value)} ms) of ${FAMILIES.pytorch.systems.join(', ')}`
            : 'PyTorch not measured'
        }`,
      ];
      if (warmupTiming && warmups.size)
        summary.push(
          `before the rounds, each system trained ${warmupTiming.minSeconds} s untimed (V8 compiles a step's JavaScript on background threads for its first few hundred steps); mean ms/step then: ${subjects
            .filter((s) => warmups.has(s.id))
            .map((s) => {
              const t = (warmups.get(s.id) as MlpMeasurement).timing;
              return `${s.id} ${fmt(t.meanMs)} (${t.runs} steps)`;
            })
            .join(', ')}`,
        );
      for (const r of rows) {
        if (r.floorGflops === null) continue;
        const floorMs = flops / (r.floorGflops * 1e6);
        summary.push(
          `${r.floorSource}: ${fmt(r.floorGflops)} GFLOP/s at ${limitN}³ (median of ${limits.get(r.system)?.length} rounds: ${r.roundFloorGflops?.map((g) => fmt(g)).join(' / ')}) → step floor ${floorMs.toFixed(2)} ms (${(flops / 1e9).toFixed(2)} GFLOP/step); ${r.system} ${r.msPerStep.toFixed(2)} ms = ${(r.msPerStep / floorMs).toFixed(2)}× the floor`,
        );
      }
      if (rows.length > 1) {
        const losses = rows.map((r) => r.firstLoss);
        const spread = Math.max(...losses) - Math.min(...losses);
        summary.push(
          `first-step loss on every system: ${rows.map((r) => `${r.system} ${r.firstLoss.toFixed(5)}`).join(', ')} (spread ${spread.toExponential(1)}${spread > 1e-5 ? ' — CHECK: the systems disagree' : ''})`,
        );
      }
      for (const r of rows) if (r.notes.length > 1) summary.push(`${r.system}: ${r.notes.slice(1).join('; ')}`);
      summary.push(...loadLines(loads, coreCount()));
      const measures: Record<string, number> = { 'step-flops': flops };
      for (const r of rows) {
        measures[`step-ms:${r.system}`] = r.msPerStep;
        if (r.floorGflops !== null) measures[`floor-gflops:${r.system}`] = r.floorGflops;
      }
      const matmulLimits = Object.fromEntries(
        rows
          .filter((r) => r.floorGflops !== null)
          .map((r) => [r.system, { source: r.floorSource, n: limitN, gflops: r.floorGflops }]),
      );
      return {
        id: 'mlp-step',
        title,
        rows,
        skipped,
        table,
        summary,
        measures,
        loads,
        extra: {
          ...(Object.keys(matmulLimits).length ? { matmulLimits } : {}),
          ...(warmups.size
            ? {
                warmup: Object.fromEntries(
                  [...warmups].map(([id, m]) => [id, { meanMsPerStep: m.timing.meanMs, steps: m.timing.runs }]),
                ),
              }
            : {}),
        },
      };
    },
  };
}
