/** Turning whatever a trial threw into a message, and checking what it returned. */
import { formatValue, ValueError } from '@backprop/core';

/** The message of a thrown value: an Error's message (its name when empty), else `threw <value>`. */
export function describeThrown(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string')
    return (e as { message: string }).message;
  return `threw ${formatValue(e)} (not an Error)`;
}

/** A trial's return value as metrics, or the reason it is not. */
export function checkMetrics(m: unknown): { metrics: Record<string, number> } | { message: string } {
  if (m === null || typeof m !== 'object' || Array.isArray(m))
    return { message: `trial returned ${formatValue(m)}; expected an object of metrics, e.g. { valLoss: 0.3 }` };
  // Sorting and selection compare numbers: a string "0.3" would be coerced, undefined dropped.
  for (const [k, v] of Object.entries(m))
    if (typeof v !== 'number')
      return { message: `trial returned metric "${k}" = ${formatValue(v)}; every metric must be a number` };
  return { metrics: m as Record<string, number> };
}

/** The largest epoch `report` takes: the distributed search stores epochs as PostgreSQL integers. */
const MAX_EPOCH = 2 ** 31 - 1;

/**
 * Why a trial's `report(epoch, value)` call is malformed (undefined when it is fine): `epoch` must
 * be an integer from 0 to 2³¹ − 1 and `value` a number (NaN and ±Infinity are numbers: a diverged
 * epoch, which the pruners treat as the worst value). The one check of every executor (this
 * thread, worker threads, distributed workers), so the row written later is always valid.
 */
export function reportProblem(index: number, epoch: unknown, value: unknown): string | undefined {
  if (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 0 || epoch > MAX_EPOCH)
    return `report: trial ${index}: epoch must be an integer ≥ 0 (the epochs finished), got ${formatValue(epoch)}`;
  if (typeof value !== 'number')
    return `report: trial ${index}: value must be a number (the search's metric after epoch ${epoch}), got ${formatValue(value)}`;
  return undefined;
}

/**
 * A trial's `report` around `decide`: a malformed call throws a ValueError at once (synchronously,
 * so the trial sees it whether or not it awaits the call) and is remembered in `bad`, so the trial
 * is recorded as failed even if it catches the error and returns metrics.
 */
export function checkedReport(
  index: number,
  decide: (epoch: number, value: number) => Promise<boolean>,
  bad: { message?: string },
): (epoch: number, value: number) => Promise<boolean> {
  return (epoch, value) => {
    const problem = reportProblem(index, epoch, value);
    if (problem) {
      bad.message ??= problem;
      throw new ValueError(problem);
    }
    return decide(epoch, value);
  };
}

/** Why a trial's metrics lack the search's metric (undefined when they have it). */
export function missingMetric(metrics: Record<string, number>, metric: string): string | undefined {
  if (Object.hasOwn(metrics, metric)) return undefined;
  const keys = Object.keys(metrics);
  return `trial returned no "${metric}" (the search's metric); it returned ${keys.length ? keys.map((k) => `"${k}"`).join(', ') : 'no metrics ({})'}`;
}
