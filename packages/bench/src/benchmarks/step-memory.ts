/** Benchmark: memory of one MLP training step, `summary`'s estimate beside each backend's measured peak (`measureTrainingStep`); bytes, not times, so one pass, no rounds. */
import type { Benchmark, BenchmarkReport, Skip } from '../benchmark.js';
import { formatTable, mb, ratio } from '../report/table.js';
import type { StepMemoryMeasurement } from '../system.js';
import { mlpWorkload } from '../workload.js';

/** The step-memory benchmark on the workload's MLP (default 784-512-512-10, batch 128, the run's optimizer). */
export function stepMemoryBenchmark({
  sizes = [784, 512, 512, 10],
  batchSize = 128,
}: {
  sizes?: readonly number[];
  batchSize?: number;
} = {}): Benchmark {
  const title = `memory of one MLP ${sizes.join('-')} training step, batch ${batchSize} (MB = 10⁶ bytes)`;
  return {
    id: 'step-memory',
    title,
    async run(systems, ctx): Promise<BenchmarkReport> {
      const workload = mlpWorkload({ sizes, batchSize, batchCount: 1 });
      const measured: { id: string; label: string; m: StepMemoryMeasurement }[] = [];
      const skipped: Skip[] = [];
      for (const s of systems) {
        if (!s.stepMemory) continue;
        ctx.log(`step-memory: ${s.label} ...`);
        try {
          measured.push({ id: s.id, label: s.label, m: await s.stepMemory(workload, ctx) });
        } catch (e) {
          skipped.push({ system: s.id, reason: (e as Error).message.split('\n')[0] });
          ctx.log(`step-memory: ${s.label}: failed: ${(e as Error).message}`);
        }
      }
      const estimate = measured[0]?.m.estimate;
      const rows = measured.map(({ id, label, m }) => ({
        system: id,
        label,
        backend: m.backend,
        bytesBefore: m.bytesBefore,
        stepBytes: m.stepBytes ?? null,
        peakBytes: m.stepBytes === undefined ? null : m.bytesBefore + m.stepBytes,
        ratio: m.stepBytes === undefined ? null : (m.bytesBefore + m.stepBytes) / m.estimate.total,
        estimate: m.estimate,
      }));
      const e = estimate;
      const table = formatTable(
        ['', 'held before the step', 'step peak above that', 'peak total', 'peak ÷ estimate'],
        [
          ...(e
            ? [
                [
                  'summary estimate (params + optimizer state / grads + activations)',
                  mb(e.parameters + e.optimizerState),
                  mb(e.gradients + e.activations),
                  mb(e.total),
                  ratio(1),
                ],
              ]
            : []),
          ...rows.map((r) => [
            `measured: backend ${r.backend}${r.label.includes('no target') ? ' (software Vulkan)' : ''}`,
            mb(r.bytesBefore),
            mb(r.stepBytes ?? undefined),
            mb(r.peakBytes ?? undefined),
            ratio(r.ratio ?? undefined),
          ]),
        ],
      );
      const summary = e
        ? [
            `estimate (summary(model, { batchSize: ${batchSize}, optimizerSlots: ${ctx.optimizer.name === 'adam' ? 2 : 0} })): parameters ${mb(e.parameters)}, gradients ${mb(e.gradients)}, optimizer state ${mb(e.optimizerState)}, activations ${mb(e.activations)}, total ${mb(e.total)} MB`,
            'measured: measureTrainingStep (eager valueAndGrad + optimizer.step) on the second step (the first creates the optimizer state): bytes the backend held before it, and its peak above that',
          ]
        : [];
      const measures: Record<string, number> = {};
      for (const r of rows) {
        measures[`memory-estimate:${r.system}`] = r.estimate.total;
        if (r.peakBytes !== null) measures[`memory-peak:${r.system}`] = r.peakBytes;
      }
      return { id: 'step-memory', title, rows, skipped, table, summary, measures };
    },
  };
}
