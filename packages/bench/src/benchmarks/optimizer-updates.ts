/** Benchmark: time of one optimizer update over 10M parameters, per optimizer (`benchmarkUpdates`), fused kernels on and off, beside PyTorch at 1 and 2 threads. */
import { BENCHMARKED_OPTIMIZERS } from '@backprop/optimizers';
import type { Benchmark, BenchmarkReport, Skip } from '../benchmark.js';
import { FAMILIES, ratioToBest } from '../peers.js';
import { fmt, formatTable, ratio } from '../report/table.js';
import { aggregateRounds, coreCount, loadLines, runRounds } from '../rounds.js';
import type { System, UpdatesMeasurement } from '../system.js';

/** The optimizers in table order: `benchmarkUpdates`' rows, named as it names them. */
export const UPDATE_OPTIMIZERS: readonly string[] = BENCHMARKED_OPTIMIZERS;

/**
 * Which of a peer's implementations each optimizer's time came from, over the rounds: PyTorch
 * runs every update both per tensor (its CPU default) and with `foreach=True`, and keeps the faster.
 */
function implementationLine(system: System, rounds: readonly UpdatesMeasurement[]): string {
  const counts = new Map<string, Map<string, number>>();
  for (const m of rounds)
    for (const [optimizer, impl] of Object.entries(m.implementation ?? {})) {
      const byImpl = counts.get(optimizer) ?? new Map<string, number>();
      byImpl.set(impl, (byImpl.get(impl) ?? 0) + 1);
      counts.set(optimizer, byImpl);
    }
  if (counts.size === 0) return `${system.id}: one implementation per optimizer`;
  const parts = [...counts].map(
    ([optimizer, byImpl]) =>
      `${optimizer} ${[...byImpl].map(([impl, n]) => `${impl} ${n}/${rounds.length}`).join(', ')}`,
  );
  return `${system.id}, the faster implementation per round (per tensor or foreach): ${parts.join('; ')}`;
}

const isPytorch = (id: string) => (FAMILIES.pytorch.systems as readonly string[]).includes(id);

/**
 * The optimizer-update benchmark over `params` parameters, `steps` updates per optimizer and round
 * (`--quick`: `quickSteps`), each timed alone; a round's value is their median. Ten updates, not
 * three: on a 2-core VM one update over 10M parameters (120 MB moved for SGD) lands in a fast or a
 * slow mode (1.4 or 3 ms here, for PyTorch as for us), and a mean of three read whichever mode hit.
 * Before them each optimizer updates untimed for `warmupMs` on every system: a memory-bound update
 * runs slower for its first few milliseconds after other work (an SGD update over 10M parameters
 * here: 3–4 ms at first, about 2 ms ten steps later), and one warm-up update timed that ramp.
 */
export function optimizerUpdatesBenchmark({
  params = 10_000_000,
  steps = 10,
  quickSteps = 3,
  warmupMs = 50,
}: {
  params?: number;
  steps?: number;
  quickSteps?: number;
  warmupMs?: number;
} = {}): Benchmark {
  const title = `optimizer updates, ${fmt(params / 1e6)}M parameters (ms per step)`;
  return {
    id: 'optimizer-updates',
    title,
    async run(systems, ctx): Promise<BenchmarkReport> {
      const subjects = systems.filter((s) => s.optimizerUpdates);
      const perRound = new Map<string, UpdatesMeasurement[]>();
      const skipped: Skip[] = [];
      const failed = new Set<string>();
      const loads = await runRounds({
        items: subjects,
        rounds: ctx.rounds,
        id: (s: System) => s.id,
        async measure(s, round) {
          if (failed.has(s.id)) return;
          try {
            const update = s.optimizerUpdates as NonNullable<System['optimizerUpdates']>;
            const m = await update({ params, steps: ctx.quick ? quickSteps : steps, warmupMs }, ctx);
            perRound.set(s.id, [...(perRound.get(s.id) ?? []), m]);
            ctx.log(`optimizer-updates round ${round + 1}/${ctx.rounds}: ${s.label}: Adam ${fmt(m.msPerStep.Adam)} ms`);
          } catch (e) {
            failed.add(s.id);
            skipped.push({ system: s.id, reason: (e as Error).message.split('\n')[0] });
          }
        },
      });
      const measured = subjects.filter((s) => perRound.has(s.id));
      const ours = measured.filter((s) => !isPytorch(s.id));
      const torch = measured.filter((s) => isPytorch(s.id));
      const agg = (id: string, optimizer: string, unfused = false) =>
        aggregateRounds(
          (perRound.get(id) ?? [])
            .map((m) => (unfused ? m.unfusedMsPerStep : m.msPerStep)?.[optimizer])
            .filter((v): v is number => v !== undefined),
        );
      const rows = UPDATE_OPTIMIZERS.map((optimizer) => {
        const stats = Object.fromEntries(measured.map((s) => [s.id, agg(s.id, optimizer)]));
        const msPerStep = Object.fromEntries(measured.map((s) => [s.id, stats[s.id]?.median ?? null]));
        const first = ours[0];
        const fused = first ? (perRound.get(first.id)?.[0]?.fused?.includes(optimizer) ?? false) : false;
        const unfused = first && fused ? agg(first.id, optimizer, true)?.median : undefined;
        return {
          optimizer,
          msPerStep,
          roundSpread: Object.fromEntries(measured.map((s) => [s.id, stats[s.id]?.spread ?? null])),
          fused,
          unfusedMsPerStep: unfused ?? null,
          vsPytorchBest: Object.fromEntries(
            ours.map((s) => [s.id, ratioToBest(msPerStep[s.id], msPerStep, FAMILIES.pytorch) ?? null]),
          ),
        };
      });
      const withUnfused = (s: System) => perRound.get(s.id)?.[0]?.unfusedMsPerStep !== undefined && s === ours[0];
      const headers = ['optimizer'];
      for (const s of ours) {
        headers.push(`${s.label} ms`);
        if (withUnfused(s)) headers.push('fused off ms', 'fused speed-up');
      }
      for (const s of torch) headers.push(`${s.label} ms`);
      if (torch.length) for (const s of ours) headers.push(`${s.id} ÷ PyTorch best`);
      const table = formatTable(
        headers,
        rows.map((r) => {
          const cells: string[] = [r.optimizer];
          for (const s of ours) {
            const mine = r.msPerStep[s.id] ?? undefined;
            cells.push(fmt(mine));
            if (withUnfused(s)) {
              const off = r.unfusedMsPerStep ?? undefined;
              cells.push(fmt(off), ratio(off !== undefined && mine ? off / mine : undefined));
            }
          }
          for (const s of torch) cells.push(fmt(r.msPerStep[s.id] ?? undefined));
          if (torch.length) for (const s of ours) cells.push(ratio(r.vsPytorchBest[s.id] ?? undefined));
          return cells;
        }),
      );
      const worstSpread = (id: string) =>
        Math.max(0, ...rows.map((r) => r.roundSpread[id]).filter((v): v is number => v !== null));
      const summary = measured.length
        ? [
            `fused kernels (sgdUpdate, adamUpdate, rmspropUpdate) serve ${perRound.get(ours[0]?.id ?? '')?.[0]?.fused?.join(', ') ?? 'none'}; "fused off" is the same optimizer composed of core ops; backprop's updates write into the parameters and state as a training step does (updateInPlace), PyTorch's are in place too`,
            `${ctx.rounds} interleaved rounds, each: every optimizer updates untimed for ${warmupMs} ms (at least once), then the median of ${ctx.quick ? quickSteps : steps} updates timed one by one; the table holds the median over rounds; gradients fixed; parameters shaped like an MLP (two weights, two biases); "÷ PyTorch best" divides by the faster of ${FAMILIES.pytorch.systems.join(', ')} for each optimizer`,
            ...torch.map((s) => implementationLine(s, perRound.get(s.id) ?? [])),
            `largest per-round spread over the optimizers: ${measured.map((s) => `${s.id} ${(worstSpread(s.id) * 100).toFixed(0)}%`).join(', ')}`,
            ...loadLines(loads, coreCount()),
          ]
        : [];
      const measures: Record<string, number> = {};
      for (const r of rows)
        for (const [id, ms] of Object.entries(r.msPerStep))
          if (ms !== null) measures[`update-ms:${id}:${r.optimizer}`] = ms;
      return { id: 'optimizer-updates', title, rows, skipped, table, summary, measures, loads };
    },
  };
}
