/**
 * A picture of a search: one panel per hyperparameter that varied, the metric of every trial
 * against that hyperparameter's value. Finished trials are filled dots, pruned trials hollow
 * (their metric is the one they were stopped at), failed and cancelled trials are crosses on the
 * bottom edge; the best trial is ringed. Numbers spread over more than a decade are drawn on a
 * log axis; other values (strings, booleans, lists) as evenly spaced categories.
 */
import { checkOptionNames, optionNames, ValueError } from '@backprop/core';
import type { SearchResults, TrialResult } from './results.js';
import type { HyperValue } from './space.js';

/** Options of {@link searchPlot}. */
export interface SearchPlotOptions {
  /** The metric on the vertical axis (default: the search's). */
  metric?: string;
  /** Hyperparameters to draw, in order (default: every one that takes more than one value). */
  params?: readonly string[];
  /** Title above the panels. */
  title?: string;
  /** Panel size in pixels (default 220 × 170). */
  panel?: { width: number; height: number };
}

const COLORS = { ok: '#2563eb', pruned: '#64748b', failed: '#dc2626', best: '#f59e0b' };
const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
const label = (v: HyperValue) => (Array.isArray(v) ? `[${v.join(',')}]` : String(v));
const fmt = (v: number) =>
  Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(1) : `${+v.toPrecision(3)}`;

/** An axis: value → [0, 1], and its tick labels. */
function axisOf(values: readonly HyperValue[]): { at(v: HyperValue): number; ticks: [number, string][] } {
  const numbers = values.every((v) => typeof v === 'number' && Number.isFinite(v));
  const distinct = [...new Set(values.map(label))];
  if (!numbers || distinct.length <= 4) {
    const order = numbers ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct;
    const at = (v: HyperValue) => (order.indexOf(label(v)) + 0.5) / order.length;
    return { at, ticks: order.map((s) => [(order.indexOf(s) + 0.5) / order.length, s]) };
  }
  const xs = values as number[];
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const log = lo > 0 && hi / lo > 10;
  const f = (v: number) => (log ? Math.log10(v) : v);
  const [a, b] = [f(lo), f(hi)];
  const at = (v: HyperValue) => (b === a ? 0.5 : (f(v as number) - a) / (b - a));
  const ticks: [number, string][] = [0, 0.5, 1].map((t) => {
    const v = log ? 10 ** (a + t * (b - a)) : a + t * (b - a);
    return [t, fmt(v)];
  });
  return { at, ticks };
}

/**
 * The search as an SVG document (a string to write to a `.svg` file or put in a page):
 * `writeFileSync('search.svg', searchPlot(results))`.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { choice, gridSearch, searchPlot } from '@backprop/tuning';
 *
 * const results = await gridSearch(
 *   { lr: [0.001, 0.01, 0.1], units: choice([16, 64]) },
 *   async (config) => ({ valLoss: Math.abs(Math.log10(Number(config.lr)) + 2) + 16 / Number(config.units) }),
 *   { metric: 'valLoss', verbose: false },
 * );
 * writeFileSync('search.svg', searchPlot(results, { title: 'valLoss by hyperparameter' })); // two panels: lr, units
 * ```
 * @throws ValueError when no trial has the metric.
 */
export function searchPlot(results: SearchResults, options: SearchPlotOptions = {}): string {
  checkOptionNames(
    'searchPlot',
    options,
    optionNames<SearchPlotOptions>({ metric: true, params: true, title: true, panel: true }),
  );
  const metric = options.metric ?? results.metric;
  const rows = results.rows;
  const scored = rows.filter((r) => (r.status === 'ok' || r.status === 'pruned') && Number.isFinite(r.metrics[metric]));
  if (scored.length === 0) throw new ValueError(`searchPlot: no trial has the metric "${metric}"`);
  const names =
    options.params ??
    [...new Set(rows.flatMap((r) => Object.keys(r.config)))].filter(
      (k) => new Set(rows.map((r) => label(r.config[k] ?? ''))).size > 1,
    );
  const { width: pw, height: ph } = options.panel ?? { width: 220, height: 170 };
  const cols = Math.min(3, Math.max(1, names.length));
  const gridRows = Math.max(1, Math.ceil(names.length / cols));
  const [ml, mr, mt, mb] = [46, 12, options.title ? 46 : 24, 36];
  const W = cols * (pw + ml + mr);
  const H = mt + gridRows * (ph + mb + 18) + 24;
  const ys = scored.map((r) => r.metrics[metric] as number);
  let [ylo, yhi] = [Math.min(...ys), Math.max(...ys)];
  if (ylo === yhi) [ylo, yhi] = [ylo - 1, yhi + 1];
  const pad = (yhi - ylo) * 0.06;
  [ylo, yhi] = [ylo - pad, yhi + pad];
  const best = results.sorted(metric).find((r) => r.status === 'ok' && Number.isFinite(r.metrics[metric]));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<title>${esc(options.title ?? `${metric} per hyperparameter`)}</title>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
  ];
  if (options.title)
    out.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(options.title)}</text>`);
  names.forEach((name, i) => {
    const x0 = (i % cols) * (pw + ml + mr) + ml;
    const y0 = mt + Math.floor(i / cols) * (ph + mb + 18) + 14;
    const axis = axisOf(rows.map((r) => r.config[name] ?? ''));
    const px = (v: HyperValue) => x0 + axis.at(v) * pw;
    const py = (m: number) => y0 + ph - ((m - ylo) / (yhi - ylo)) * ph;
    out.push(`<g class="panel" data-param="${esc(name)}">`);
    out.push(`<rect x="${x0}" y="${y0}" width="${pw}" height="${ph}" fill="none" stroke="#cbd5e1"/>`);
    out.push(`<text x="${x0 + pw / 2}" y="${y0 + ph + 30}" text-anchor="middle">${esc(name)}</text>`);
    for (const [t, s] of axis.ticks)
      out.push(`<text x="${x0 + t * pw}" y="${y0 + ph + 14}" text-anchor="middle" fill="#475569">${esc(s)}</text>`);
    for (const t of [0, 0.5, 1]) {
      const m = ylo + t * (yhi - ylo);
      out.push(`<text x="${x0 - 4}" y="${py(m) + 4}" text-anchor="end" fill="#475569">${fmt(m)}</text>`);
    }
    if (i % cols === 0)
      out.push(
        `<text transform="translate(${x0 - 36} ${y0 + ph / 2}) rotate(-90)" text-anchor="middle">${esc(metric)}</text>`,
      );
    for (const r of rows) out.push(marker(r, px(r.config[name] ?? ''), py, metric, y0 + ph));
    if (best) {
      const m = best.metrics[metric] as number;
      out.push(
        `<circle class="best" cx="${px(best.config[name] ?? '')}" cy="${py(m)}" r="7" fill="none" stroke="${COLORS.best}" stroke-width="2"/>`,
      );
    }
    out.push('</g>');
  });
  const ly = H - 10;
  out.push(
    `<circle cx="${ml}" cy="${ly - 4}" r="4" fill="${COLORS.ok}"/><text x="${ml + 8}" y="${ly}">finished</text>`,
    `<circle cx="${ml + 80}" cy="${ly - 4}" r="4" fill="none" stroke="${COLORS.pruned}" stroke-width="1.5"/><text x="${ml + 88}" y="${ly}">pruned (metric when stopped)</text>`,
    `<text x="${ml + 270}" y="${ly}" fill="${COLORS.failed}">× failed</text>`,
    `<circle cx="${ml + 340}" cy="${ly - 4}" r="6" fill="none" stroke="${COLORS.best}" stroke-width="2"/><text x="${ml + 350}" y="${ly}">best</text>`,
    '</svg>',
  );
  return out.join('\n');
}

/** One trial's marker in a panel. */
function marker(r: TrialResult, x: number, py: (m: number) => number, metric: string, bottom: number): string {
  const m = r.metrics[metric];
  const title = `<title>trial ${r.index}: ${esc(r.status)}${Number.isFinite(m) ? ` ${metric} ${m}` : ''}</title>`;
  if ((r.status === 'ok' || r.status === 'pruned') && Number.isFinite(m)) {
    const y = py(m as number);
    return r.status === 'ok'
      ? `<circle class="trial ok" cx="${x}" cy="${y}" r="3.5" fill="${COLORS.ok}" fill-opacity="0.8">${title}</circle>`
      : `<circle class="trial pruned" cx="${x}" cy="${y}" r="3.5" fill="none" stroke="${COLORS.pruned}" stroke-width="1.5">${title}</circle>`;
  }
  const y = bottom - 5;
  return `<text class="trial failed" x="${x}" y="${y + 4}" text-anchor="middle" fill="${COLORS.failed}">×${title}</text>`;
}
