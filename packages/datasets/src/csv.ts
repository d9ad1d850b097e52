/**
 * CSV files as datasets: numeric feature columns and one target column (class labels or
 * numbers), or several numeric target columns. The text is parsed per RFC 4180 by the small
 * parser below (no dependency), and every value is checked: a file is either read exactly or
 * refused with a {@link DataError} that says where and why.
 */
import type { ArrayDataset } from '@backprop/core';
import { ValueError } from '@backprop/core';
import { DataError } from './errors.js';
import { readSource, type Source } from './read-bytes.js';

/** How the target column is read; see {@link CsvOptions.targetType}. */
export type CsvTargetType = 'auto' | 'class' | 'regression' | 'number';

/** Options of {@link parseCsv} and {@link loadCsv}. */
export interface CsvOptions {
  /**
   * Whether the first line names the columns. Default: true, with a safety check — a first
   * line made only of numbers is refused (it is probably data, and reading it as names would
   * drop an example); pass `header: false` for a file without names, or `header: true` to
   * read such a line as names anyway.
   */
  header?: boolean;
  /**
   * The target column: a name, a position from 0 (negative counts from the end), or an array
   * of them for several numeric targets (y becomes [N, k]). Default: the last column.
   */
  target?: string | number | readonly (string | number)[];
  /**
   * How targets are read:
   * - `'class'`: labels, mapped to int32 indices 0…K−1 (y [N]) by the class list: `classes`
   *   when given, else the labels of this file sorted (numbers by value, then text by code point).
   * - `'regression'` (or its older name `'number'`): finite numbers, float32 y [N, k].
   * - `'auto'` (default): `'class'` when `classes` is given or the labels are text; for numbers,
   *   `'regression'` when any is not an integer, `'class'` for integers with at most 20 distinct
   *   values (as scikit-learn reads integer targets), and a DataError for integers with more
   *   (a count? an id? a price in cents?) asking to choose. Several target columns are regression.
   *
   * Load a test file with `targetType: train.targetType` (and `classes: train.classes`) so that
   * it is read the way its training file was.
   */
  targetType?: CsvTargetType;
  /**
   * The class list, in index order, e.g. the `classes` of the training file's dataset, so that
   * a test file maps every label to the same index. A label outside it is a DataError. Labels
   * match after trimming spaces, numeric ones by their exact decimal value (`'1.0'` is `'1'`;
   * the returned `classes` hold that canonical form; integers beyond 2^53 keep every digit).
   * Implies `targetType: 'class'` under `'auto'`.
   */
  classes?: readonly string[];
  /** The field separator, one character: ',' (default), ';', '\t', '|', … */
  delimiter?: string;
  /**
   * What an empty field (or one of only whitespace) and the text `NaN` mean in a feature or a
   * numeric target: `'error'` (default) refuses them with a DataError naming the row and
   * column; `'nan'` reads them as NaN, for you to fill in (training on NaN fails with
   * `NonFiniteLossError`). Class labels can never be missing. `Infinity`, hex and other
   * non-decimal numbers are refused either way.
   */
  missing?: 'error' | 'nan';
}

/** A CSV dataset: core's `ArrayDataset` plus what is needed to read other files the same way. */
export interface CsvDataset extends ArrayDataset {
  /** The feature columns' names, in the order of x's columns. */
  columns: string[];
  /** The target columns' names, in the order of y's columns. */
  targetColumns: string[];
  /** How the targets were read (`'auto'` resolved): class indices int32 [N], or float32 numbers [N, k]. */
  targetType: 'class' | 'regression';
  /**
   * For class targets, the label of each class index (y = i means `classes[i]`). Pass it as
   * the `classes` option when loading the matching test file.
   */
  classes?: string[];
}

/** Integer-valued numeric targets with more distinct values than this are ambiguous under `'auto'`. */
const MAX_AUTO_CLASSES = 20;

const OPTION_NAMES = new Set(['header', 'target', 'targetType', 'classes', 'delimiter', 'missing']);
const TARGET_TYPES = new Set(['auto', 'class', 'regression', 'number']);
/** Delimiters looked for when a file seems to have a single column. */
const COMMON_DELIMITERS = [',', ';', '\t', '|'];

/** Plain decimal notation as `Number()` reads it: optional sign, digits with an optional point, optional exponent. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const FLOAT32_MAX = 3.4028234663852886e38;

/** A record of the file: its fields (unquoted, not trimmed) and the line it starts on (from 1). */
interface CsvRecord {
  fields: string[];
  line: number;
}

const show = (v: unknown): string => (typeof v === 'string' || Array.isArray(v) ? JSON.stringify(v) : String(v));
const showDelimiter = (d: string): string => (d === '\t' ? "'\\t'" : `'${d}'`);

/** The number of line breaks (CRLF, LF or a lone CR) in `s`. */
function lineBreaks(s: string): number {
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || (c === 13 && s.charCodeAt(i + 1) !== 10)) count++;
  }
  return count;
}

/**
 * Splits CSV text into records per RFC 4180: fields separated by `d`; a field that starts with
 * `"` (after optional spaces) is quoted and may hold the delimiter, line breaks and `""` for a
 * quote; records end at CRLF, LF or CR outside quotes; the last line break is optional; a
 * leading byte-order mark and blank lines are skipped. A `"` inside an unquoted field is kept.
 */
function records(op: string, text: string, d: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  const n = text.length;
  const isSpace = (c: string) => c === ' ' || (c === '\t' && d !== '\t');
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let blank = true;
    for (;;) {
      let j = i;
      while (j < n && isSpace(text[j])) j++;
      if (j < n && text[j] === '"') {
        blank = false;
        const open = line;
        let value = '';
        let k = j + 1;
        for (;;) {
          const q = text.indexOf('"', k);
          if (q < 0) {
            const excerpt = text.slice(j, j + 30);
            throw new DataError(
              `${op}: line ${open} opens a quoted field that is never closed, got ${JSON.stringify(excerpt)}${
                j + 30 < n ? '…' : ''
              }; end the field with " and write a quote inside it as ""`,
              { line: open },
            );
          }
          value += text.slice(k, q);
          if (text[q + 1] === '"') {
            value += '"';
            k = q + 2;
          } else {
            k = q + 1;
            break;
          }
        }
        line += lineBreaks(text.slice(j, k));
        while (k < n && isSpace(text[k])) k++;
        if (k < n && text[k] !== d && text[k] !== '\n' && text[k] !== '\r') {
          throw new DataError(
            `${op}: line ${line} has text after a closing quote, got ${JSON.stringify(text.slice(j, k + 10))}; quote the whole field ("a ""b"" c") or none of it`,
            { line },
          );
        }
        fields.push(value);
        i = k;
      } else {
        let k = i;
        while (k < n) {
          const c = text[k];
          if (c === d || c === '\n' || c === '\r') break;
          k++;
        }
        const value = text.slice(i, k);
        if (value.trim() !== '') blank = false;
        fields.push(value);
        i = k;
      }
      if (i < n && text[i] === d) {
        blank = false;
        i++;
        continue;
      }
      if (i < n) {
        i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line++;
      }
      break;
    }
    if (!blank) out.push({ fields, line: start });
  }
  return out;
}

/** True for a finite number in plain decimal notation (surrounding whitespace allowed). */
function isDecimal(s: string): boolean {
  const t = s.trim();
  return DECIMAL.test(t) && Math.abs(Number(t)) <= FLOAT32_MAX;
}

/** True for the values `missing: 'nan'` reads as NaN: empty, whitespace, `NaN` in any case. */
function isMissing(s: string): boolean {
  const t = s.trim();
  return t === '' || t.toLowerCase() === 'nan';
}

/** How one column is named in messages: `column "b" (index 1)`. */
const columnText = (name: string, index: number): string => `column ${JSON.stringify(name)} (index ${index})`;

/** Reads one checked number; see {@link CsvOptions.missing}. */
function numberAt(
  op: string,
  cell: string,
  where: { row: number; line: number; name: string; index: number },
  missing: 'error' | 'nan',
  delimiter: string,
): number {
  const t = cell.trim();
  if (DECIMAL.test(t)) {
    const v = Number(t);
    if (Math.abs(v) <= FLOAT32_MAX) return v;
  }
  if (missing === 'nan' && isMissing(cell)) return Number.NaN;
  let hint: string;
  if (t === '') hint = "a missing value; fill it in, or pass missing: 'nan' to read empty fields as NaN";
  else if (/^[+-]?nan$/i.test(t)) hint = "NaN marks a missing value; pass missing: 'nan' to accept it";
  else if (/^[+-]?inf(inity)?$/i.test(t)) hint = 'only finite numbers can be read';
  else if (/^[+-]?0[xbo]/i.test(t)) hint = 'hexadecimal, binary and octal literals are not read; write it in decimal';
  else if (DECIMAL.test(t)) hint = 'the value overflows float32 (|x| > 3.4e38)';
  else if (/^[+-]?[\d,]*,\d+$/.test(t))
    hint = 'numbers with commas (decimal commas, thousands separators) are not read: write 1.5, 1500';
  else {
    const other = COMMON_DELIMITERS.find((c) => c !== delimiter && t.includes(c));
    hint = other
      ? `is the file ${showDelimiter(other)}-separated? pass delimiter: ${showDelimiter(other)}`
      : 'features must be numbers in decimal notation like -1.5e3: encode text columns as numbers first, or make this the target column';
  }
  throw new DataError(
    `${op}: row ${where.row} (line ${where.line}), ${columnText(where.name, where.index)} is not a finite decimal number, got ${JSON.stringify(cell)}; ${hint}`,
    { row: where.row, line: where.line, column: where.name, columnIndex: where.index, value: cell },
  );
}

/**
 * A decimal number's exact value, ±0.digits × 10^point: the significant digits without leading or
 * trailing zeros ('' for zero) and the point's position (a bigint: any exponent is exact).
 */
interface Decimal {
  negative: boolean;
  digits: string;
  point: bigint;
}

/** The exact value of a number written in plain decimal notation (text that matches DECIMAL). */
function exactDecimal(text: string): Decimal {
  const [, sign, whole, fraction = '', exponent = '0'] = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text)!;
  const all = whole + fraction;
  const lead = all.search(/[1-9]/);
  if (lead < 0) return { negative: false, digits: '', point: 0n };
  return {
    negative: sign === '-',
    digits: all.slice(lead).replace(/0+$/, ''),
    point: BigInt(whole.length - lead) + BigInt(exponent),
  };
}

/**
 * A decimal's text as JavaScript writes numbers (ECMAScript Number::toString: plain notation
 * from 1e-7 to 1e21, else an exponent), from its exact digits: the text of `Number(text)` when
 * that number holds the value exactly (`'1.0'` → `'1'`), every digit otherwise.
 */
function decimalText({ negative, digits: s, point: n }: Decimal): string {
  if (s === '') return '0';
  const k = BigInt(s.length);
  let out: string;
  if (k <= n && n <= 21n) out = s + '0'.repeat(Number(n - k));
  else if (0n < n && n <= 21n) out = `${s.slice(0, Number(n))}.${s.slice(Number(n))}`;
  else if (-6n < n && n <= 0n) out = `0.${'0'.repeat(Number(-n))}${s}`;
  else {
    const e = n - 1n;
    out = `${s[0]}${s.length > 1 ? `.${s.slice(1)}` : ''}e${e < 0n ? '-' : '+'}${e < 0n ? -e : e}`;
  }
  return negative ? `-${out}` : out;
}

/** Orders two decimals by their exact values. */
function compareDecimals(a: Decimal, b: Decimal): number {
  const sign = (v: Decimal) => (v.digits === '' ? 0 : v.negative ? -1 : 1);
  const sa = sign(a);
  if (sa !== sign(b) || sa === 0) return sa - sign(b);
  const magnitude =
    a.point !== b.point ? (a.point < b.point ? -1 : 1) : a.digits < b.digits ? -1 : a.digits > b.digits ? 1 : 0;
  return sa * magnitude;
}

/** True for a decimal that is not an integer: `'2.5'` and `'25e-1'`, not `'2.0'` or `'2e3'`. */
const isFractional = (v: Decimal): boolean => BigInt(v.digits.length) > v.point;

/**
 * The name a class label is known by: numbers by their exact value (`'1'`, `'1.0'` and `'01'`
 * are `'1'`; `'12345678901234567890'` and `'12345678901234567891'` stay two classes even though
 * float64 reads them as one number), text trimmed.
 */
function labelKey(label: string): string {
  const t = label.trim();
  return DECIMAL.test(t) ? decimalText(exactDecimal(t)) : t;
}

/** Numbers by exact value first, then text by UTF-16 code units (the same order on every machine and locale). */
function compareLabels(a: string, b: string): number {
  const na = DECIMAL.test(a);
  const nb = DECIMAL.test(b);
  if (na && nb) return compareDecimals(exactDecimal(a), exactDecimal(b));
  if (na !== nb) return na ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkOptions(op: string, options: CsvOptions): void {
  if (options === null || typeof options !== 'object') {
    throw new ValueError(`${op}: options must be an object, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.has(key) && (options as Record<string, unknown>)[key] !== undefined) {
      throw new ValueError(
        `${op}: unknown option ${JSON.stringify(key)}, got ${show((options as Record<string, unknown>)[key])}; the options are ${[...OPTION_NAMES].join(', ')}`,
      );
    }
  }
  const { header, targetType, delimiter, missing, classes } = options;
  if (header !== undefined && typeof header !== 'boolean') {
    throw new ValueError(`${op}: header must be true or false, got ${show(header)}`);
  }
  if (targetType !== undefined && !TARGET_TYPES.has(targetType)) {
    throw new ValueError(`${op}: targetType must be 'auto', 'class' or 'regression', got ${show(targetType)}`);
  }
  if (
    delimiter !== undefined &&
    (typeof delimiter !== 'string' || delimiter.length !== 1 || ['"', '\r', '\n', ' '].includes(delimiter))
  ) {
    throw new ValueError(
      `${op}: delimiter must be one character other than a quote, a space or a line break, got ${show(delimiter)}; e.g. ',', ';' or '\\t'`,
    );
  }
  if (missing !== undefined && missing !== 'error' && missing !== 'nan') {
    throw new ValueError(`${op}: missing must be 'error' or 'nan', got ${show(missing)}`);
  }
  if (classes !== undefined && (!Array.isArray(classes) || classes.some((c) => typeof c !== 'string'))) {
    throw new ValueError(`${op}: classes must be an array of strings (a dataset's classes), got ${show(classes)}`);
  }
}

/** The positions of the target columns. */
function targetIndices(op: string, target: CsvOptions['target'], names: string[], header: boolean): number[] {
  const list = Array.isArray(target) ? target : [target];
  if (list.length === 0) throw new ValueError(`${op}: target must name at least one column, got []`);
  const width = names.length;
  const indices = list.map((t: string | number) => {
    if (typeof t === 'number') {
      if (!Number.isInteger(t) || t < -width || t >= width) {
        throw new ValueError(`${op}: target must be a column index in [${-width}, ${width}), got ${t}`);
      }
      return t < 0 ? width + t : t;
    }
    if (typeof t !== 'string') throw new ValueError(`${op}: target must be a column name or index, got ${show(t)}`);
    const found = names.flatMap((name, i) => (name === t ? [i] : []));
    if (found.length !== 1) {
      const hint = found.length
        ? 'the header repeats it; pass its index instead'
        : header
          ? `the columns are ${names.map((x) => JSON.stringify(x)).join(', ')}`
          : 'without a header the columns are named c0, c1, …';
      throw new ValueError(`${op}: no single target column ${JSON.stringify(t)}, got ${found.length} matches; ${hint}`);
    }
    return found[0];
  });
  if (new Set(indices).size !== indices.length) {
    throw new ValueError(`${op}: target names a column twice, got ${show(list)}`);
  }
  return indices;
}

/** Decides `'auto'` for one target column, from its (non-missing) values. */
function detectTargetType(op: string, values: string[], data: CsvRecord[], name: string, index: number) {
  let text = -1;
  let number = -1;
  let fractional = false;
  const distinct = new Set<string>();
  values.forEach((v, r) => {
    if (isMissing(v)) return;
    if (isDecimal(v)) {
      if (number < 0) number = r;
      const x = exactDecimal(v.trim());
      if (isFractional(x)) fractional = true;
      distinct.add(decimalText(x));
    } else if (text < 0) text = r;
  });
  if (text >= 0 && number < 0) return 'class';
  if (text >= 0) {
    // A number-like slip (Infinity, 0x10) in a numeric column: read it as numbers so the error names it.
    if (!Number.isNaN(Number(values[text].trim()))) return 'regression';
    throw new DataError(
      `${op}: target ${columnText(name, index)} mixes numbers and text, got ${JSON.stringify(values[number])} at line ${data[number].line} and ${JSON.stringify(values[text])} at line ${data[text].line}; pass targetType: 'class' if every value is a label, or fix the value`,
      { row: text, line: data[text].line, column: name, columnIndex: index, value: values[text] },
    );
  }
  if (fractional || number < 0) return 'regression';
  if (distinct.size <= MAX_AUTO_CLASSES) return 'class';
  const sample = [...distinct].sort(compareLabels).slice(0, 5);
  throw new DataError(
    `${op}: cannot tell whether target ${columnText(name, index)} holds classes or numbers, got ${distinct.size} distinct integer values (${sample.join(', ')}, …); pass targetType: 'regression' to predict the number, or targetType: 'class' for ${distinct.size} classes`,
    { column: name, columnIndex: index },
  );
}

/** Parses CSV text; see {@link parseCsv}. `op` names the public function in messages. */
function parse(op: string, text: string, options: CsvOptions): CsvDataset {
  if (typeof text !== 'string') throw new ValueError(`${op}: the text must be a string, got ${show(typeof text)}`);
  checkOptions(op, options);
  const { target = -1, targetType = 'auto', delimiter = ',', missing = 'error', classes } = options;
  const header = options.header ?? true;
  const recs = records(op, text, delimiter);
  if (recs.length === 0) throw new DataError(`${op}: the file has no lines, got ${show(text.slice(0, 40))}`);
  const first = recs[0].fields;
  const names = header ? first.map((f) => f.trim()) : first.map((_, i) => `c${i}`);
  const width = names.length;
  const what = header ? 'the header' : `line ${recs[0].line}`;
  const data = header ? recs.slice(1) : recs;

  if (width === 1 && recs.every((r) => r.fields.length === 1)) {
    const other = COMMON_DELIMITERS.find(
      (c) => c !== delimiter && recs.slice(0, 50).some((r) => r.fields[0].includes(c)),
    );
    throw new DataError(
      other
        ? `${op}: every line has 1 field when split at ${showDelimiter(delimiter)}, got ${JSON.stringify(first[0].slice(0, 40))} on line ${recs[0].line}; the text contains ${showDelimiter(other)}: pass delimiter: ${showDelimiter(other)}`
        : `${op}: every line has 1 field when split at ${showDelimiter(delimiter)}, got ${JSON.stringify(first[0].slice(0, 40))} on line ${recs[0].line}; a dataset needs a target and at least one feature column (pass the right delimiter option)`,
      { line: recs[0].line },
    );
  }
  // A header names columns; a first line holding numbers is more likely the first example (a
  // UCI file such as iris.data: `5.1,3.5,1.4,0.2,Iris-setosa`), which would be lost as names.
  if (options.header === undefined && first.some(isDecimal)) {
    const all = first.every(isDecimal);
    throw new DataError(
      `${op}: the first line holds ${all ? 'only numbers' : `numbers (${first.filter(isDecimal).slice(0, 3).join(', ')})`}, so it does not look like a header, got ${JSON.stringify(first.join(delimiter).slice(0, 60))}; pass header: false if the file has no header line (the line would be lost as column names), or header: true to read it as names anyway`,
      { line: recs[0].line },
    );
  }
  for (const rec of data) {
    if (rec.fields.length !== width) {
      throw new DataError(
        `${op}: line ${rec.line} must have ${width} fields like ${what}, got ${rec.fields.length}; quote values that contain ${showDelimiter(delimiter)} ("a${delimiter}b"), and check for a missing or extra ${showDelimiter(delimiter)}`,
        { line: rec.line },
      );
    }
  }
  if (data.length === 0) {
    throw new DataError(`${op}: the file has no data rows, got only ${what}; a dataset needs at least one example`);
  }

  const targets = targetIndices(op, target, names, header);
  const features = names.map((_, i) => i).filter((i) => !targets.includes(i));
  if (features.length === 0) {
    throw new DataError(
      `${op}: no feature column is left besides the target, got columns ${show(names)}; a dataset needs at least one feature`,
    );
  }
  const n = data.length;
  const f = features.length;
  const x = new Float32Array(n * f);
  for (let r = 0; r < n; r++) {
    const { fields, line } = data[r];
    for (let k = 0; k < f; k++) {
      const c = features[k];
      x[r * f + k] = numberAt(op, fields[c], { row: r, line, name: names[c], index: c }, missing, delimiter);
    }
  }

  let type: 'class' | 'regression';
  if (targetType === 'class') {
    if (targets.length > 1) {
      throw new ValueError(
        `${op}: class targets take one column, got ${targets.length} (${show(targets.map((t) => names[t]))}); read several targets with targetType: 'regression'`,
      );
    }
    type = 'class';
  } else if (targetType === 'regression' || targetType === 'number') {
    if (classes !== undefined) {
      throw new ValueError(
        `${op}: classes are for class targets, got targetType ${show(targetType)}; drop one of the two options`,
      );
    }
    type = 'regression';
  } else if (classes !== undefined) type = 'class';
  else if (targets.length > 1) type = 'regression';
  else {
    const t = targets[0];
    type = detectTargetType(
      op,
      data.map((rec) => rec.fields[t]),
      data,
      names[t],
      t,
    );
  }
  if (type === 'class' && targets.length > 1) {
    throw new ValueError(`${op}: class targets take one column, got ${targets.length}`);
  }

  const base = {
    x,
    xShape: [n, f],
    columns: features.map((i) => names[i]),
    targetColumns: targets.map((i) => names[i]),
  };
  if (type === 'regression') {
    const k = targets.length;
    const y = new Float32Array(n * k);
    for (let r = 0; r < n; r++) {
      const { fields, line } = data[r];
      for (let j = 0; j < k; j++) {
        const c = targets[j];
        y[r * k + j] = numberAt(op, fields[c], { row: r, line, name: names[c], index: c }, missing, delimiter);
      }
    }
    return { ...base, y, yShape: [n, k], targetType: 'regression' };
  }

  const t = targets[0];
  const labels = data.map((rec) => rec.fields[t]);
  let list: string[];
  if (classes !== undefined) {
    list = classes.map(labelKey);
    const dup = list.find((c, i) => list.indexOf(c) !== i);
    if (dup !== undefined) {
      throw new ValueError(`${op}: classes must be distinct labels, got ${show(classes)} where ${show(dup)} repeats`);
    }
  } else list = [...new Set(labels.filter((l) => !isMissing(l)).map(labelKey))].sort(compareLabels);
  const index = new Map(list.map((c, i) => [c, i]));
  const y = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const key = labelKey(labels[r]);
    const i = isMissing(labels[r]) ? undefined : index.get(key);
    if (i !== undefined) {
      y[r] = i;
      continue;
    }
    const where = `row ${r} (line ${data[r].line}), target ${columnText(names[t], t)}`;
    const details = { row: r, line: data[r].line, column: names[t], columnIndex: t, value: labels[r] };
    if (isMissing(labels[r])) {
      throw new DataError(
        `${op}: ${where} has no class label, got ${JSON.stringify(labels[r])}; every example needs a label: fill it in or drop the row`,
        details,
      );
    }
    throw new DataError(
      `${op}: ${where} holds a label outside the given classes, got ${JSON.stringify(labels[r])}; the known classes are ${show(list)} — load the training file first and pass its classes, including this label if it is real`,
      details,
    );
  }
  return { ...base, y, yShape: [n], targetType: 'class', classes: list };
}

/**
 * Parses CSV text into a dataset: x float32 [N, features] from every column but the target,
 * and y from the target column(s) — int32 class indices [N] or float32 numbers [N, k], ready
 * for `fit` with `losses.softmaxCrossEntropy` or `losses.mse` as returned.
 *
 * The text is read per RFC 4180: quoted fields may hold the delimiter, line breaks and `""`;
 * CRLF, LF and CR line ends; the last line break is optional; blank lines and a byte-order mark
 * are skipped. Spaces around a value (also inside quotes) are ignored. Every feature must be a
 * finite number in decimal notation (`-1.5e3`, `.5`, `+2`); `NaN`, `Infinity`, hex `0x10`,
 * empty fields and numbers beyond float32 are refused (see `missing` to accept blanks as NaN).
 *
 * Class indices follow the sorted label list (numbers by value, then text by code point), not
 * the order labels first appear, and the list is returned as `classes`: pass it back when
 * loading the test file so both files use one map.
 *
 * @example
 * ```ts
 * import { parseCsv } from '@backprop/datasets';
 *
 * const data = parseCsv('x1,x2,label\n0.5,1,cat\n2,0,dog\n', { target: 'label' });
 * console.log(data.xShape, data.targetType, data.columns); // [2, 2] 'class' ['x1', 'x2']
 * ```
 * @throws DataError (a ValueError) for malformed text or values, naming the line, row, column and value.
 * @throws ValueError for bad options.
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvDataset {
  return parse('parseCsv', text, options);
}

/**
 * Reads a CSV file (a path or `file:` URL in Node, or the bytes; gzip is decompressed) and
 * parses it as {@link parseCsv} does. The text must be UTF-8 (a byte-order mark is skipped):
 * other bytes are a DataError naming the first one and its line, as pandas refuses them, since
 * reading them as U+FFFD would merge labels such as Latin-1 `café` and `cafè`. A path that does
 * not exist is a MissingFileError naming the absolute path; gzip data that does not decompress is
 * a DataError.
 *
 * @example
 * ```ts
 * import { loadCsv } from '@backprop/datasets';
 *
 * const iris = await loadCsv('iris.csv', { target: 'species' }); // a path, a file: URL, bytes or a Blob
 * ```
 */
export async function loadCsv(source: Source, options: CsvOptions = {}): Promise<CsvDataset> {
  return loadCsvAs('loadCsv', source, options);
}

/** The offset of the first byte that does not start a well-formed UTF-8 sequence, or -1. */
function invalidUtf8At(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    let more: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c < 0x80) more = 0;
    else if (c >= 0xc2 && c <= 0xdf) more = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      more = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      more = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= more; k++) {
      const next = b[i + k];
      if (!(next >= (k === 1 ? lo : 0x80) && next <= (k === 1 ? hi : 0xbf))) return i;
    }
    i += more + 1;
  }
  return -1;
}

/**
 * The text of UTF-8 bytes (a leading byte-order mark dropped); a DataError naming the first
 * byte that is not UTF-8 and its line, where a lenient decoder would put U+FFFD in its place
 * (and, in a label column, merge labels such as Latin-1 `café` and `cafè` into one class).
 */
function decodeUtf8(op: string, bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = invalidUtf8At(bytes);
    let line = 1;
    for (let i = 0; i < at; i++) if (bytes[i] === 10 || (bytes[i] === 13 && bytes[i + 1] !== 10)) line++;
    const where =
      at < 0
        ? 'bytes that do not decode'
        : `the byte 0x${bytes[at].toString(16).padStart(2, '0')} at line ${line} (byte offset ${at})`;
    throw new DataError(
      `${op}: ${what} is not UTF-8 text, got ${where}; save the file as UTF-8, or decode it yourself (e.g. new TextDecoder('windows-1252') for Latin-1) and pass the text to parseCsv`,
      at < 0 ? {} : { line },
    );
  }
}

/** Reads `source` with `options`, naming `op` in messages (for loaders built on CSV). */
export async function loadCsvAs(op: string, source: Source, options: CsvOptions, missingHint?: string) {
  const { bytes, what } = await readSource(op, source, { missingHint });
  return parse(op, decodeUtf8(op, bytes, what), options);
}
