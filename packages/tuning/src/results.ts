/** Search results: one row per trial, sortable, exportable as CSV and JSON, printable as a table. */
import { ValueError } from '@backprop/core';
import type { Config } from './space.js';

/** One finished trial. */
export interface TrialResult {
  /** Position in the search (0-based). */
  index: number;
  config: Config;
  /** What the trial returned (e.g. valLoss, valAccuracy, epochs). */
  metrics: Record<string, number>;
  seconds: number;
  /** Set when the trial threw; its metrics are empty. */
  error?: string;
}

/** Whether smaller or larger is better; 'auto' is max for names containing "acc", else min (Keras' rule). */
export type Mode = 'min' | 'max' | 'auto';

/** Resolves 'auto' for a metric name. */
export function resolveMode(metric: string, mode: Mode = 'auto'): 'min' | 'max' {
  return mode === 'auto' ? (/acc/i.test(metric) ? 'max' : 'min') : mode;
}

/** The results of a search. */
export class SearchResults {
  constructor(
    readonly rows: readonly TrialResult[],
    readonly metric: string,
    readonly mode: 'min' | 'max',
  ) {}

  /** Rows sorted by `metric` (default: the search's), best first; failed trials last. */
  sorted(metric = this.metric, mode: Mode = metric === this.metric ? this.mode : 'auto'): TrialResult[] {
    const m = resolveMode(metric, mode);
    const value = (r: TrialResult) => r.metrics[metric] ?? Number.NaN;
    return [...this.rows].sort((a, b) => {
      const [x, y] = [value(a), value(b)];
      if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
      return m === 'min' ? x - y : y - x;
    });
  }

  /** The best successful trial by the search's metric. */
  get best(): TrialResult {
    const best = this.sorted()[0];
    if (!best || best.error || !Number.isFinite(best.metrics[this.metric])) {
      throw new ValueError(`SearchResults.best: no trial reported a finite "${this.metric}"`);
    }
    return best;
  }

  private columns(): [string[], string[]] {
    const hypers = [...new Set(this.rows.flatMap((r) => Object.keys(r.config)))];
    const metrics = [...new Set(this.rows.flatMap((r) => Object.keys(r.metrics)))];
    return [hypers, metrics];
  }

  /** CSV with a header: trial, each hyperparameter, each metric, seconds, error. */
  toCSV(rows: readonly TrialResult[] = this.sorted()): string {
    const [hypers, metrics] = this.columns();
    const cell = (v: unknown) => {
      const s = v === undefined ? '' : Array.isArray(v) ? v.join(' ') : String(v);
      return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
    };
    const head = ['trial', ...hypers, ...metrics, 'seconds', 'error'];
    const body = rows.map((r) =>
      [r.index, ...hypers.map((h) => r.config[h]), ...metrics.map((m) => r.metrics[m]), r.seconds.toFixed(2), r.error]
        .map(cell)
        .join(','),
    );
    return [head.join(','), ...body].join('\n');
  }

  /** JSON that `SearchResults.fromJSON` reads back (and `resume` accepts). */
  toJSON(): { metric: string; mode: 'min' | 'max'; rows: readonly TrialResult[] } {
    return { metric: this.metric, mode: this.mode, rows: this.rows };
  }

  /** Reads what `toJSON` wrote. */
  static fromJSON(json: string | { metric: string; mode: 'min' | 'max'; rows: TrialResult[] }): SearchResults {
    const o = typeof json === 'string' ? JSON.parse(json) : json;
    if (!o || !Array.isArray(o.rows) || typeof o.metric !== 'string')
      throw new ValueError('SearchResults.fromJSON: expected { metric, mode, rows }');
    return new SearchResults(o.rows, o.metric, o.mode === 'max' ? 'max' : 'min');
  }

  /** An aligned text table, best first. */
  toString(): string {
    const [hypers, metrics] = this.columns();
    const fmt = (v: unknown) =>
      typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : v === undefined ? '' : String(v);
    const head = ['#', ...hypers, ...metrics, 's'];
    const body = this.sorted().map((r) => [
      String(r.index),
      ...hypers.map((h) => fmt(r.config[h])),
      ...metrics.map((m) => fmt(r.metrics[m])),
      r.error ? 'error' : r.seconds.toFixed(1),
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    return [head, ...body].map((row) => row.map((c, i) => c.padStart(widths[i])).join('  ')).join('\n');
  }
}
