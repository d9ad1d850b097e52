/** CSV files as datasets: numeric feature columns and one target column (class labels or numbers). */
import type { ArrayDataset } from '@backprop/core';
import { ValueError } from '@backprop/core';
import { readBytes, type Source } from './read-bytes.js';

/** Options of {@link parseCsv}. */
export interface CsvOptions {
  /** The first line names the columns (default true). */
  header?: boolean;
  /** The target column, by name or index (default: the last). */
  target?: string | number;
  /** 'class': targets are labels mapped to 0..K−1 in order of first appearance (int32); 'number': float32 targets. Default 'class'. */
  targetType?: 'class' | 'number';
  /** Field separator (default ','). */
  delimiter?: string;
}

/** A CSV dataset with its column names and, for classes, the label of each class index. */
export interface CsvDataset extends ArrayDataset {
  columns: string[];
  classes?: string[];
}

/** Parses CSV text; every feature must be a number, and rows must have the same number of fields. */
export function parseCsv(
  text: string,
  { header = true, target = -1, targetType = 'class', delimiter = ',' }: CsvOptions = {},
): CsvDataset {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const rows = lines.map((l) => l.split(delimiter).map((c) => c.trim().replace(/^"(.*)"$/, '$1')));
  const columns = header ? (rows.shift() ?? []) : (rows[0]?.map((_, i) => `c${i}`) ?? []);
  const width = columns.length;
  const t = typeof target === 'string' ? columns.indexOf(target) : target < 0 ? width + target : target;
  if (t < 0 || t >= width)
    throw new ValueError(`parseCsv: no target column ${JSON.stringify(target)} among [${columns.join(', ')}]`);
  const n = rows.length;
  const x = new Float32Array(n * (width - 1));
  const classes: string[] = [];
  const y = targetType === 'class' ? new Int32Array(n) : new Float32Array(n);
  rows.forEach((row, r) => {
    if (row.length !== width)
      throw new ValueError(`parseCsv: line ${r + (header ? 2 : 1)} has ${row.length} fields, expected ${width}`);
    let k = 0;
    row.forEach((cell, c) => {
      if (c === t) {
        if (targetType === 'class') {
          let idx = classes.indexOf(cell);
          if (idx < 0) idx = classes.push(cell) - 1;
          y[r] = idx;
        } else y[r] = numberOf(cell, r, c, header);
      } else x[r * (width - 1) + k++] = numberOf(cell, r, c, header);
    });
  });
  return {
    x,
    xShape: [n, width - 1],
    y,
    yShape: [n],
    columns: columns.filter((_, i) => i !== t),
    ...(targetType === 'class' ? { classes } : {}),
  };
}

function numberOf(cell: string, r: number, c: number, header: boolean): number {
  const v = Number(cell);
  if (cell === '' || Number.isNaN(v))
    throw new ValueError(
      `parseCsv: line ${r + (header ? 2 : 1)}, column ${c + 1} is not a number, got ${JSON.stringify(cell)}`,
    );
  return v;
}

/** Reads and parses a CSV file (path in Node, or bytes; gzip is decompressed). */
export async function loadCsv(source: Source, options?: CsvOptions): Promise<CsvDataset> {
  return parseCsv(new TextDecoder().decode(await readBytes('loadCsv', source)), options);
}
