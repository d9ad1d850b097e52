/** Search results: one row per trial, sortable, exportable as CSV and JSON, printable as a table. */
import { resolveMetricMode, ValueError } from '@backprop/core';
import { checkRows } from './check-rows.js';
import type { Config } from './space.js';

/**
 * How a trial ended: `ok` ran to the end; `pruned` was stopped early by the pruner (its metrics
 * are those of the epoch it stopped at); `failed` threw, crashed or ran out of time (see
 * `error`); `cancelled` was running when the search was aborted.
 */
export type TrialStatus = 'ok' | 'pruned' | 'failed' | 'cancelled';

/**
 * Why a trial failed: `threw` — the trial threw or rejected (any value; non-Errors are
 * formatted); `uncaught` — an exception escaped the trial (e.g. thrown from a timer) and killed
 * its worker; `worker-exit` — its worker exited (`process.exit`, out of memory); `timeout` — it
 * ran past `trialTimeoutMs`; `lease-expired` — (distributed search) the worker holding it
 * stopped sending heartbeats and the retries ran out.
 */
export type FailureKind = 'threw' | 'uncaught' | 'worker-exit' | 'timeout' | 'lease-expired';

/** The reason of a failed trial. */
export interface TrialError {
  kind: FailureKind;
  message: string;
}

/** One trial of a search. */
export interface TrialResult {
  /** Position in the search (0-based). */
  index: number;
  config: Config;
  /**
   * The seed the trial ran with (the search's seed + its index). A resumed search takes a
   * finished row only when its seed is the one the trial would get now. Absent in rows written
   * by older versions.
   */
  seed?: number;
  status: TrialStatus;
  /** What the trial returned (e.g. valLoss, valAccuracy, epochs); empty when it failed. */
  metrics: Record<string, number>;
  seconds: number;
  /** Set when `status` is 'failed'. */
  error?: TrialError;
  /** Set when `status` is 'pruned': the last epoch it reported before it was stopped. */
  stoppedEpoch?: number;
  /** Runs of this trial (more than 1 when `retries` re-ran it after a crash or timeout). */
  attempts?: number;
  /** The intermediate values it reported, `[epoch, value]` (kept so a resumed search prunes the same way). */
  curve?: [number, number][];
}

/** Whether smaller or larger is better; 'auto' reads it from the metric's name (core's `metricMode`). */
export type Mode = 'min' | 'max' | 'auto';

/**
 * Resolves 'auto' for a metric name with core's `metricMode`: 'min' for losses and errors
 * (`valLoss`, `valMae`), 'max' for scores (`valAccuracy`, `valR2`, `valF1`, names containing
 * "acc"); a name it cannot place is a ValueError asking for the mode, since a search that minimized
 * an R² would report its worst configuration as the best. 'min' and 'max' are returned as given.
 *
 * @example
 * ```ts
 * import { resolveMode } from '@backprop/tuning';
 *
 * console.log(resolveMode('valAccuracy')); // 'max'
 * console.log(resolveMode('valLoss')); // 'min'
 * console.log(resolveMode('valLoss', 'max')); // 'max'
 * ```
 */
export function resolveMode(metric: string, mode: Mode = 'auto', op = 'resolveMode'): 'min' | 'max' {
  return resolveMetricMode(op, metric, mode);
}

const statusOrder: Record<TrialStatus, number> = { ok: 0, pruned: 1, failed: 2, cancelled: 3 };

/** Reads a row written by an older version (`error` as a string, no `status`). */
function normalizeRow(
  r: TrialResult | (Omit<TrialResult, 'status' | 'error'> & { status?: TrialStatus; error?: unknown }),
): TrialResult {
  // Anything but an object is left for checkRows to name.
  if (r === null || typeof r !== 'object') return r as TrialResult;
  const restored = restoreNaN(r as TrialResult);
  if (restored.status && (restored.error === undefined || typeof restored.error === 'object')) return restored;
  const error =
    typeof restored.error === 'string'
      ? { kind: 'threw' as const, message: restored.error as string }
      : (restored.error as TrialError);
  const row: TrialResult = { ...restored, status: restored.status ?? (error ? 'failed' : 'ok'), error };
  if (!row.error) delete row.error;
  return row;
}

/**
 * JSON writes NaN as null: a null metric or curve value read back is NaN again (a copy of the row;
 * the row itself when it has none), so a resumed pruner sees a diverged epoch as NaN, not as 0.
 */
function restoreNaN(r: TrialResult): TrialResult {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const nullMetric = isObj(r.metrics) && Object.values(r.metrics).some((v) => v === null);
  const nullCurve =
    Array.isArray(r.curve) && r.curve.some((p) => Array.isArray(p) && p.length === 2 && p[1] === (null as never));
  if (!nullMetric && !nullCurve) return r;
  const row: TrialResult = { ...r };
  if (nullMetric)
    row.metrics = Object.fromEntries(Object.entries(r.metrics).map(([k, v]) => [k, v === null ? Number.NaN : v]));
  if (nullCurve)
    row.curve = (r.curve as [number, number][]).map((p) =>
      Array.isArray(p) && p.length === 2 && p[1] === (null as never) ? [p[0], Number.NaN] : p,
    );
  return row;
}

/**
 * The results of a search: one row per trial, with the metric that selects the best and whether
 * smaller or larger is better. Sort them, take the `best`, print them as a table (`String(results)`),
 * export them as CSV, or save them as JSON to `resume` the search later.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { gridSearch, SearchResults } from '@backprop/tuning';
 *
 * const results = await gridSearch({ lr: [0.3, 0.1, 0.03] }, async (config) => ({ valLoss: Math.abs(Number(config.lr) - 0.1) }), {
 *   metric: 'valLoss',
 *   verbose: false,
 * });
 * console.log(results.best.config); // { lr: 0.1 }
 * console.log(results.sorted().map((r) => r.index)); // [1, 2, 0]
 * writeFileSync('search.csv', results.toCSV());
 * const restored = SearchResults.fromJSON(JSON.stringify(results)); // the same rows, metric and mode
 * ```
 */
export class SearchResults {
  readonly rows: readonly TrialResult[];

  constructor(
    rows: readonly TrialResult[],
    readonly metric: string,
    readonly mode: 'min' | 'max',
  ) {
    const normalized = rows.map(normalizeRow);
    checkRows('SearchResults', normalized);
    this.rows = normalized;
  }

  /** Rows by status (ok, pruned, failed, cancelled), each group sorted by `metric` (default: the search's), best first. */
  sorted(metric = this.metric, mode: Mode = metric === this.metric ? this.mode : 'auto'): TrialResult[] {
    const m = resolveMode(metric, mode, 'SearchResults.sorted');
    const value = (r: TrialResult) => r.metrics[metric] ?? Number.NaN;
    return [...this.rows].sort((a, b) => {
      const s = statusOrder[a.status] - statusOrder[b.status];
      if (s !== 0) return s;
      const [x, y] = [value(a), value(b)];
      if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
      return m === 'min' ? x - y : y - x;
    });
  }

  /** Rows with the given status. */
  withStatus(status: TrialStatus): TrialResult[] {
    return this.rows.filter((r) => r.status === status);
  }

  /**
   * The best trial that ran to the end (pruned, failed and cancelled trials are not candidates),
   * among those whose `metric` is finite: a NaN or ±Infinity (a diverged run) is never the best.
   */
  get best(): TrialResult {
    const best = this.sorted().find((r) => r.status === 'ok' && Number.isFinite(r.metrics[this.metric]));
    if (!best) {
      const ok = this.rows.filter((r) => r.status === 'ok').length;
      throw new ValueError(
        ok === 0
          ? `SearchResults.best: no trial ran to the end (status 'ok'), so there is no best "${this.metric}"`
          : `SearchResults.best: none of the ${ok} completed trial(s) reported a finite "${this.metric}" (NaN, ±Infinity or missing)`,
      );
    }
    return best;
  }

  private columns(): [string[], string[]] {
    const hypers = [...new Set(this.rows.flatMap((r) => Object.keys(r.config)))];
    const metrics = [...new Set(this.rows.flatMap((r) => Object.keys(r.metrics)))];
    return [hypers, metrics];
  }

  /** CSV with a header: trial, each hyperparameter, each metric, seconds, status, stoppedEpoch, error. */
  toCSV(rows: readonly TrialResult[] = this.sorted()): string {
    const [hypers, metrics] = this.columns();
    const cell = (v: unknown) => {
      const s = v === undefined ? '' : Array.isArray(v) ? v.join(' ') : String(v);
      return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
    };
    const head = ['trial', ...hypers, ...metrics, 'seconds', 'status', 'stoppedEpoch', 'error'];
    const body = rows.map((r) =>
      [
        r.index,
        ...hypers.map((h) => r.config[h]),
        ...metrics.map((m) => r.metrics[m]),
        r.seconds.toFixed(2),
        r.status,
        r.stoppedEpoch,
        r.error ? `${r.error.kind}: ${r.error.message}` : undefined,
      ]
        .map(cell)
        .join(','),
    );
    return [head.join(','), ...body].join('\n');
  }

  /** JSON that `SearchResults.fromJSON` reads back (and `resume` accepts). */
  toJSON(): { metric: string; mode: 'min' | 'max'; rows: readonly TrialResult[] } {
    return { metric: this.metric, mode: this.mode, rows: this.rows };
  }

  /**
   * Reads what `toJSON` wrote (also files of earlier versions, whose `error` was a string). A null
   * metric or curve value (JSON's NaN) is read as NaN; without `mode`, the direction comes from the
   * metric's name as with mode 'auto' (a name it cannot place is a ValueError asking for the mode).
   */
  static fromJSON(json: string | { metric: string; mode: 'min' | 'max'; rows: TrialResult[] }): SearchResults {
    let o: { metric?: unknown; mode?: unknown; rows?: unknown } | undefined;
    try {
      o = typeof json === 'string' ? JSON.parse(json) : json;
    } catch (e) {
      throw new ValueError(
        `SearchResults.fromJSON: the text is not JSON (${(e as Error).message}); a resume file cut short?`,
      );
    }
    if (!o || !Array.isArray(o.rows) || typeof o.metric !== 'string')
      throw new ValueError('SearchResults.fromJSON: expected { metric, mode, rows }');
    // No mode (a hand-written file): the direction the metric's name tells, as a search resolves 'auto'.
    const mode = resolveMode(o.metric, o.mode === undefined ? 'auto' : (o.mode as Mode), 'SearchResults.fromJSON');
    return new SearchResults(o.rows as TrialResult[], o.metric, mode);
  }

  /** An aligned text table, best first; the last column is the seconds, or the status with the reason. */
  toString(): string {
    const [hypers, metrics] = this.columns();
    const fmt = (v: unknown) =>
      typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : v === undefined ? '' : String(v);
    const head = ['#', ...hypers, ...metrics, 's', 'status'];
    const status = (r: TrialResult) =>
      r.status === 'pruned'
        ? `pruned@${r.stoppedEpoch}`
        : r.status === 'failed'
          ? `failed (${r.error?.kind ?? '?'})`
          : r.status;
    const body = this.sorted().map((r) => [
      String(r.index),
      ...hypers.map((h) => fmt(r.config[h])),
      ...metrics.map((m) => fmt(r.metrics[m])),
      r.seconds.toFixed(1),
      status(r),
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    return [head, ...body].map((row) => row.map((c, i) => c.padStart(widths[i])).join('  ')).join('\n');
  }
}
