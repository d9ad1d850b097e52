/**
 * Checks of result rows read back from a resume file or handed to `SearchResults`: a search
 * trusts a finished row instead of running its trial again, so a row that is not what a search
 * writes (a truncated or hand-edited file) is an error naming the row, not a trial silently
 * skipped or a crash later in sorting or resuming.
 */
import { formatValue, ValueError } from '@backprop/core';
import { checkHyperValue } from './check-space.js';

const STATUSES = ['ok', 'pruned', 'failed', 'cancelled'];
const FAILURES = ['threw', 'uncaught', 'worker-exit', 'timeout', 'lease-expired'];

const isCount = (v: unknown, min = 0): boolean => Number.isInteger(v) && (v as number) >= min;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why `row` is not a row a search writes (undefined when it is). Metrics may be null: JSON writes NaN so. */
function rowProblem(row: unknown): string | undefined {
  if (!isRecord(row)) return `expected an object, got ${formatValue(row)}`;
  if (!isCount(row.index)) return `index must be an integer ≥ 0, got ${formatValue(row.index)}`;
  if (!isRecord(row.config)) return `config must be an object of hyperparameters, got ${formatValue(row.config)}`;
  if (!STATUSES.includes(row.status as string))
    return `status must be one of ${STATUSES.join(', ')}, got ${formatValue(row.status)}`;
  if (!isRecord(row.metrics)) return `metrics must be an object of numbers, got ${formatValue(row.metrics)}`;
  for (const [k, v] of Object.entries(row.metrics))
    if (typeof v !== 'number' && v !== null) return `metric "${k}" must be a number, got ${formatValue(v)}`;
  if (typeof row.seconds !== 'number' || !(row.seconds >= 0))
    return `seconds must be a number ≥ 0, got ${formatValue(row.seconds)}`;
  const error = row.error;
  if (
    error !== undefined &&
    !(isRecord(error) && FAILURES.includes(error.kind as string) && typeof error.message === 'string')
  )
    return `error must be { kind: ${FAILURES.join(' | ')}, message }, got ${formatValue(error)}`;
  if (row.seed !== undefined && !Number.isSafeInteger(row.seed))
    return `seed must be a safe integer, got ${formatValue(row.seed)}`;
  if (row.stoppedEpoch !== undefined && !isCount(row.stoppedEpoch))
    return `stoppedEpoch must be an integer ≥ 0, got ${formatValue(row.stoppedEpoch)}`;
  if (row.attempts !== undefined && !isCount(row.attempts, 1))
    return `attempts must be an integer ≥ 1, got ${formatValue(row.attempts)}`;
  const curve = row.curve;
  if (
    curve !== undefined &&
    !(
      Array.isArray(curve) &&
      curve.every((p) => Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'number' || x === null))
    )
  )
    return `curve must be a list of [epoch, value] pairs, got ${formatValue(curve)}`;
  return undefined;
}

/**
 * Rows already checked. A search builds its results again after every trial from the same row
 * objects: each is checked once, not once per trial (a search of n trials would check n² rows).
 */
const checked = new WeakSet<object>();

/** Throws ValueError, naming the row and what is wrong, unless every row is one a search writes. */
export function checkRows(op: string, rows: readonly unknown[]): void {
  if (!Array.isArray(rows)) throw new ValueError(`${op}: expected a list of result rows, got ${formatValue(rows)}`);
  rows.forEach((row, i) => {
    if (typeof row === 'object' && row !== null && checked.has(row)) return;
    const problem = rowProblem(row);
    if (problem) throw new ValueError(`${op}: row ${i}: ${problem}`);
    const config = (row as { config: Record<string, unknown> }).config;
    for (const [name, v] of Object.entries(config)) checkHyperValue(op, name, v, `in configuration ${i}`);
  });
  for (const row of rows) checked.add(row as object);
  checkOneRowPerTrial(op, rows as readonly { index: number }[]);
}

/**
 * Throws ValueError, naming the rows, when two rows hold the same trial index: a search writes one
 * row per trial, so a second one (a hand-edited file, two files joined) would make the search take
 * whichever came last, metrics and all, as that trial's result. Checked on every call (rows already
 * checked one by one may still be put in one list twice); a set of indices is cheap next to the rest.
 */
function checkOneRowPerTrial(op: string, rows: readonly { index: number }[]): void {
  const first = new Map<number, number>();
  const clashes: string[] = [];
  rows.forEach((row, i) => {
    const at = first.get(row.index);
    if (at === undefined) first.set(row.index, i);
    else clashes.push(`rows ${at} and ${i} both hold trial ${row.index}`);
  });
  if (clashes.length === 0) return;
  const shown = clashes.slice(0, 5).join('; ') + (clashes.length > 5 ? `; and ${clashes.length - 5} more` : '');
  throw new ValueError(
    `${op}: ${shown}; a search writes one row per trial, so the results were edited or joined by hand: keep one row for each trial`,
  );
}
