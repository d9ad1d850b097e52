/** Benchmark: one training step of an MLP 784-512-512-10 at batch 128, the same optimizer, weights and data on every system. */
import type { Benchmark, BenchmarkReport, Skip } from '../benchmark.js';
import { fmt, formatTable, mb, ratio } from '../report/table.js';
import type { MatmulLimit, MlpMeasurement } from '../system.js';
import { mlpStepFlops, mlpWorkload } from '../workload.js';
import { onnxTargetLines } from './onnx-targets.js';

/** The issue's target: backend-cpu's step at least this many times faster than tfjs-backend-cpu's. */
export const TARGET_VS_TFJS_CPU = 3;

/** Options of {@link mlpStepBenchmark}. */
export interface MlpStepOptions {
  sizes?: readonly number[];
  batchSize?: number;
  seed?: number;
  /** Size of the matmul whose rate bounds a step (systems with `matmulLimit`; default 1024). */
  limitN?: number;
}

/** The MLP training-step benchmark (ms/step, samples/s, peak MB, ratio to the baseline). */
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
      const measured: { id: string; label: string; m: MlpMeasurement }[] = [];
      const skipped: Skip[] = [];
      let limit: MatmulLimit | undefined;
      for (const s of systems) {
        if (!s.mlpStep) continue;
        ctx.log(`mlp-step: ${s.label} ...`);
        try {
          const m = await s.mlpStep(workload, { ...ctx, timing: { ...ctx.timing, ...s.timing } });
          measured.push({ id: s.id, label: s.label, m });
          ctx.log(
            `mlp-step: ${s.label}: ${fmt(m.timing.medianMs)} ms/step over ${m.timing.runs} steps, first loss ${m.firstLoss.toFixed(5)}`,
          );
        } catch (e) {
          skipped.push({ system: s.id, reason: (e as Error).message });
          ctx.log(`mlp-step: ${s.label}: failed: ${(e as Error).message}`);
        }
        if (s.matmulLimit && !limit) {
          try {
            limit = await s.matmulLimit(limitN, ctx);
          } catch (e) {
            skipped.push({ system: s.id, reason: `matmul limit failed: ${(e as Error).message}` });
          }
        }
      }
      const base = measured.find((r) => r.id === ctx.baseline)?.m.timing.medianMs;
      const rows = measured.map(({ id, label, m }) => ({
        system: id,
        label,
        msPerStep: m.timing.medianMs,
        meanMsPerStep: m.timing.meanMs,
        minMsPerStep: m.timing.minMs,
        steps: m.timing.runs,
        samplesPerSec: (batchSize * 1000) / m.timing.medianMs,
        gflops: flops / (m.timing.medianMs * 1e6),
        peakBytes: m.peakBytes ?? null,
        rssDeltaBytes: m.rssDeltaBytes ?? null,
        ratio: base === undefined ? null : m.timing.medianMs / base,
        firstLoss: m.firstLoss,
        notes: m.notes,
      }));
      const table = formatTable(
        ['system', 'ms/step', 'samples/s', 'peak MB', 'RSS Δ MB', 'GFLOP/s', 'time ÷ backend-cpu'],
        rows.map((r) => [
          r.label,
          fmt(r.msPerStep),
          fmt(r.samplesPerSec),
          mb(r.peakBytes ?? undefined),
          mb(r.rssDeltaBytes ?? undefined),
          fmt(r.gflops),
          ratio(r.ratio ?? undefined),
        ]),
      );
      const summary: string[] = [
        `optimizer: ${ctx.optimizer.name} lr ${ctx.optimizer.lr}; ours: ${measured.find((r) => r.id === ctx.baseline)?.m.notes.join(', ') ?? '—'}`,
      ];
      const tfjsCpu = rows.find((r) => r.system === 'tfjs-cpu');
      if (base !== undefined && tfjsCpu) {
        const speedup = tfjsCpu.msPerStep / base;
        summary.push(
          `target: backend-cpu ≥ ${TARGET_VS_TFJS_CPU}× faster than tfjs-cpu per step: ${speedup.toFixed(2)}× (${speedup >= TARGET_VS_TFJS_CPU ? 'met' : 'NOT met'})`,
        );
      }
      summary.push(...onnxTargetLines(new Map(rows.map((r) => [r.system, r.msPerStep])), limit, flops));
      if (rows.length > 1) {
        const losses = rows.map((r) => r.firstLoss);
        const spread = Math.max(...losses) - Math.min(...losses);
        summary.push(
          `first-step loss on every system: ${rows.map((r) => `${r.system} ${r.firstLoss.toFixed(5)}`).join(', ')} (spread ${spread.toExponential(1)}${spread > 1e-5 ? ' — CHECK: the systems disagree' : ''})`,
        );
      }
      for (const r of rows) if (r.notes.length > 1) summary.push(`${r.system}: ${r.notes.slice(1).join('; ')}`);
      return {
        id: 'mlp-step',
        title,
        rows,
        skipped,
        table,
        summary,
        ...(limit ? { extra: { matmulLimit: limit } } : {}),
      };
    },
  };
}
