/** Plain-text tables for the console and the README (Markdown pipe syntax, padded to line up). */

/**
 * Formats `rows` under `headers` as an aligned Markdown table; the first `left` columns (default 1)
 * are left-aligned, the others right-aligned.
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  { left = 1 }: { left?: number } = {},
): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, c) => (c < left ? (cell ?? '').padEnd(widths[c]) : (cell ?? '').padStart(widths[c]))).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (c < left ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/** A number with `digits` significant figures, thousands separated; '—' when missing. */
export function fmt(value: number | undefined, digits = 3): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  if (Math.abs(value) >= 10 ** digits) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(digits)).toLocaleString('en-US', { maximumFractionDigits: 20 });
}

/** Bytes as MB (10⁶), '—' when missing. */
export const mb = (bytes: number | undefined): string => (bytes === undefined ? '—' : fmt(bytes / 1e6));

/** A ratio as "3.21×", '—' when missing. */
export const ratio = (r: number | undefined): string =>
  r === undefined || !Number.isFinite(r) ? '—' : `${r.toFixed(2)}×`;
