/**
 * Running totals of metric sums over an epoch (`fit`) or a dataset (`evaluate`), and their flat
 * layout in the training state, so a run resumed mid-epoch reports the same epoch logs.
 */
import { ShapeError, ValueError } from '../errors.js';
import { isMetric, type Metric, type MetricFn, metricResult } from './metric.js';

/** Resolved metrics: each name with its function or {@link Metric}. */
export type ResolvedMetrics = readonly (readonly [name: string, metric: MetricFn | Metric])[];

/**
 * Adds each batch's metric sums (one array per metric) and turns the totals into values.
 * A metric's sums keep one length through an epoch: its outputs or classes do not change.
 */
export class MetricTotals {
  #totals: number[][] | undefined;

  constructor(
    private readonly op: string,
    private readonly metrics: ResolvedMetrics,
  ) {}

  /** Adds one batch's sums, in `metrics` order. */
  add(sums: readonly ArrayLike<number>[]): void {
    if (!this.#totals) {
      this.#totals = sums.map((s) => Array.from(s));
      return;
    }
    const totals = this.#totals;
    sums.forEach((s, i) => {
      const t = totals[i];
      if (s.length !== t.length)
        throw new ShapeError(
          `${this.op}: metric "${this.metrics[i][0]}" gave ${s.length} sums on this batch and ${t.length} on the earlier ones; its outputs or classes must not change within an epoch`,
        );
      for (let j = 0; j < s.length; j++) t[j] += s[j];
    });
  }

  /** Each metric's value over `count` examples (NaN before any batch). */
  values(count: number): Record<string, number> {
    const totals = this.#totals;
    return Object.fromEntries(
      this.metrics.map(([name, m], i) => [name, totals ? metricResult(m, totals[i], count) : Number.NaN]),
    );
  }

  /**
   * The totals as one array for the training state: each metric's number of sums, then the sums
   * in order (empty before the first batch).
   */
  toArray(): number[] {
    const totals = this.#totals;
    return totals ? [...totals.map((t) => t.length), ...totals.flat()] : [];
  }

  /**
   * Totals after some batches, from {@link toArray}'s layout or the earlier one (one sum per
   * metric, which only plain metric functions have). Throws a ValueError when they do not fit.
   */
  static fromArray(op: string, metrics: ResolvedMetrics, flat: readonly number[]): MetricTotals {
    const out = new MetricTotals(op, metrics);
    const m = metrics.length;
    if (m === 0) {
      if (flat.length !== 0)
        throw new ValueError(
          `${op}: the saved epoch has metric sums but no metrics are given, got ${flat.length} sums`,
        );
      return out;
    }
    if (flat.length === m && metrics.every(([, f]) => !isMetric(f))) {
      out.#totals = flat.map((v) => [v]);
      return out;
    }
    const sizes = flat.slice(0, m);
    const total = sizes.reduce((a, b) => a + b, 0);
    if (!sizes.every((s) => Number.isInteger(s) && s >= 1) || m + total !== flat.length)
      throw new ValueError(
        `${op}: the saved epoch's metric sums do not fit the ${m} metrics [${metrics.map(([n]) => n).join(', ')}], got ${flat.length} numbers`,
      );
    let k = m;
    out.#totals = sizes.map((s) => {
      const t = flat.slice(k, k + s);
      k += s;
      return t;
    });
    return out;
  }
}
