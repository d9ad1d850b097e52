/** Turning whatever a trial threw into a message, and checking what it returned. */
import { formatValue } from '@backprop/core';

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
