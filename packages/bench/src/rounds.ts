/**
 * Interleaved rounds: instead of timing system A fully, then B, every round gives each system a
 * short timed run, in an order rotated by one each round, so a drift in the machine's load hits
 * every system alike. A system's time is the median over rounds of its per-round medians.
 */
import { cpus, loadavg } from 'node:os';
import { median } from './timing.js';

/** Rounds of a full run and of `--quick`. */
export const ROUNDS = { full: 5, quick: 3 } as const;

/** The order of round `round` (from 0): `items` rotated left by `round` (round 0 keeps the registry order). */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  const n = items.length;
  if (n === 0) return [];
  const k = ((round % n) + n) % n;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** One system's per-round values, aggregated. */
export interface RoundStats {
  /** The median of the per-round values (each itself a median of that round's timed runs). */
  median: number;
  min: number;
  max: number;
  /** (max − min) ÷ median: the per-round spread, 0 for a single round. */
  spread: number;
  /** The per-round values, in round order. */
  values: number[];
}

/** Median of round medians, with the spread; undefined when no round produced a value. */
export function aggregateRounds(values: readonly number[]): RoundStats | undefined {
  if (values.length === 0) return undefined;
  const m = median(values);
  const min = Math.min(...values);
  const max = Math.max(...values);
  return { median: m, min, max, spread: m > 0 ? (max - min) / m : 0, values: [...values] };
}

/** The machine's load around one round: 1-, 5- and 15-minute load averages before and after it. */
export interface RoundLoad {
  round: number;
  /** System ids in the order they ran. */
  order: string[];
  before: number[];
  after: number[];
}

const load = (): number[] => loadavg().map((v) => Math.round(v * 100) / 100);

/** Options of {@link runRounds}. */
export interface RunRoundsOptions<T> {
  items: readonly T[];
  rounds: number;
  id: (item: T) => string;
  /** Measures one item in one round (its setup is its own business, outside its timed part). */
  measure: (item: T, round: number) => Promise<void>;
  /** Runs once per item, in `items` order, before the first round (an untimed warm-up round). */
  warmup?: (item: T) => Promise<void>;
  /** Reads the load average (injectable for tests). */
  loadAverage?: () => number[];
}

/** Runs the warm-up, then `rounds` rounds over `items` in rotated order; returns the load recorded around each round. */
export async function runRounds<T>({
  items,
  rounds,
  id,
  measure,
  warmup,
  loadAverage = load,
}: RunRoundsOptions<T>): Promise<RoundLoad[]> {
  const loads: RoundLoad[] = [];
  if (warmup) for (const item of items) await warmup(item);
  for (let r = 0; r < rounds; r++) {
    const order = roundOrder(items, r);
    const before = loadAverage();
    for (const item of order) await measure(item, r);
    loads.push({ round: r, order: order.map(id), before, after: loadAverage() });
  }
  return loads;
}

/** The cores the load average is compared with. */
export const coreCount = (): number => cpus().length;

/** Lines describing the load of each round, and a warning for every round whose 1-minute load exceeded `cores`. */
export function loadLines(loads: readonly RoundLoad[], cores: number): string[] {
  if (loads.length === 0) return [];
  const lines = [
    `load average (1 min) before → after each round, ${cores} cores: ${loads.map((l) => `${l.before[0]} → ${l.after[0]}`).join(', ')}`,
  ];
  const busy = loads.filter((l) => Math.max(l.before[0], l.after[0]) > cores);
  if (busy.length)
    lines.push(
      `WARNING: the 1-minute load exceeded the ${cores} cores in round${busy.length > 1 ? 's' : ''} ${busy.map((l) => l.round + 1).join(', ')}: other work competed for the CPU, so these times are pessimistic`,
    );
  return lines;
}

/** Per-round values as "6.2 / 6.5 / 7.1 (±14%)" for a table cell. */
export function formatRounds(stats: RoundStats | undefined, format: (v: number) => string): string {
  if (!stats) return '—';
  const values = stats.values.map(format).join(' / ');
  return stats.values.length > 1 ? `${values} (spread ${(stats.spread * 100).toFixed(0)}%)` : values;
}
