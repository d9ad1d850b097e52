/** Benchmark: time of one optimizer update over 10M parameters, per optimizer (`benchmarkUpdates`), fused kernels on and off, beside PyTorch. */
import type { Benchmark, BenchmarkReport, Skip } from '../benchmark.js';
import { fmt, formatTable, ratio } from '../report/table.js';
import type { UpdatesMeasurement } from '../system.js';

/** The optimizers in table order: `benchmarkUpdates`' names. */
export const UPDATE_OPTIMIZERS = [
  'SGD',
  'SGD momentum',
  'SGD lecture momentum',
  'Adagrad',
  'RMSprop',
  'Adam',
  'AdamW',
  'Adamax',
  'NAdam',
  'Adadelta',
] as const;

/** The optimizer-update benchmark over `params` parameters, `steps` timed updates (`--quick`: `quickSteps`). */
export function optimizerUpdatesBenchmark({
  params = 10_000_000,
  steps = 5,
  quickSteps = 2,
}: {
  params?: number;
  steps?: number;
  quickSteps?: number;
} = {}): Benchmark {
  const title = `optimizer updates, ${fmt(params / 1e6)}M parameters (ms per step)`;
  return {
    id: 'optimizer-updates',
    title,
    async run(systems, ctx): Promise<BenchmarkReport> {
      const measured: { id: string; label: string; m: UpdatesMeasurement }[] = [];
      const skipped: Skip[] = [];
      for (const s of systems) {
        if (!s.optimizerUpdates) continue;
        ctx.log(`optimizer-updates: ${s.label} ...`);
        try {
          const m = await s.optimizerUpdates({ params, steps: ctx.quick ? quickSteps : steps }, ctx);
          measured.push({ id: s.id, label: s.label, m });
          ctx.log(`optimizer-updates: ${s.label}: Adam ${fmt(m.msPerStep.Adam)} ms`);
        } catch (e) {
          skipped.push({ system: s.id, reason: (e as Error).message.split('\n')[0] });
        }
      }
      const [ours, ...peers] = measured;
      const rows = UPDATE_OPTIMIZERS.map((optimizer: string) => {
        const msPerStep = Object.fromEntries(measured.map(({ id, m }) => [id, m.msPerStep[optimizer] ?? null]));
        const fused = ours?.m.fused?.includes(optimizer) ?? false;
        const unfused = fused ? ours.m.unfusedMsPerStep?.[optimizer] : undefined;
        return { optimizer, msPerStep, fused, unfusedMsPerStep: unfused ?? null };
      });
      const headers = ['optimizer'];
      if (ours) {
        headers.push(`${ours.label} ms`);
        if (ours.m.unfusedMsPerStep) headers.push('fused off ms', 'fused speed-up');
      }
      for (const p of peers) headers.push(`${p.label} ms`, `time ÷ ${p.label}`);
      const table = formatTable(
        headers,
        rows.map((r) => {
          const mine = ours ? (r.msPerStep[ours.id] ?? undefined) : undefined;
          const cells: string[] = [r.optimizer];
          if (ours) {
            cells.push(fmt(mine));
            if (ours.m.unfusedMsPerStep) {
              const off = r.unfusedMsPerStep ?? undefined;
              cells.push(fmt(off), ratio(off !== undefined && mine ? off / mine : undefined));
            }
          }
          for (const p of peers) {
            const theirs = r.msPerStep[p.id] ?? undefined;
            cells.push(fmt(theirs), ratio(mine !== undefined && theirs ? mine / theirs : undefined));
          }
          return cells;
        }),
      );
      const summary = ours
        ? [
            `fused kernels (sgdUpdate, adamUpdate, rmspropUpdate) serve ${ours.m.fused?.join(', ') ?? 'none'}; "fused off" is the same optimizer composed of core ops`,
            'one warm-up update, then the mean of the timed ones; gradients fixed; parameters shaped like an MLP (two weights, two biases)',
          ]
        : [];
      return { id: 'optimizer-updates', title, rows, skipped, table, summary };
    },
  };
}
