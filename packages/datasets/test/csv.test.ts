/** CSV: RFC 4180 parsing, one rule for numbers, class maps shared between files, safe target types, regression shapes. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { cpu } from '@backprop/backend-cpu';
import { fit, losses, nn, setBackend, ValueError } from '@backprop/core';
import { PlainSGD } from '@backprop/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, loadCsv, MissingFileError, parseCsv } from '../src/index.js';

const tempDirs: string[] = [];
/** A fresh temporary folder, removed after the tests. */
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs `f`, expecting a DataError; returns it for field checks. */
function dataError(f: () => unknown): DataError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    expect(e).toBeInstanceOf(ValueError);
    return e as DataError;
  }
  return expect.fail('expected a DataError');
}

describe('CSV parsing (RFC 4180)', () => {
  it('reads quoted fields holding the delimiter, line breaks and doubled quotes', () => {
    const ds = parseCsv('"a,1",b,"say ""hi"""\n"1.5",2,x\n3,"4",y\n', { target: 'say "hi"', targetType: 'class' });
    expect(ds.columns).toEqual(['a,1', 'b']);
    expect(ds.targetColumns).toEqual(['say "hi"']);
    expect(Array.from(ds.y)).toEqual([0, 1]);
    const labels = parseCsv('x,label\n1,"two\nlines"\n2,"a ""quoted"", label"\n');
    expect(labels.classes).toEqual(['a "quoted", label', 'two\nlines']);
    expect(Array.from(labels.x)).toEqual([1, 2]);
  });

  it('reads a quoted number, and rejects "1,5" as a number (it is not decimal notation)', () => {
    expect(Array.from(parseCsv('a,y\n"1.5",0.5\n').x)).toEqual([1.5]);
    const e = dataError(() => parseCsv('a,y\n"1,5",0.5\n'));
    expect(e.message).toContain('got "1,5"');
  });

  it('reads CRLF, LF and CR line ends, with or without a final line break, and skips blank lines and a BOM', () => {
    const want = { x: [1, 2, 3, 4], y: [0.5, 1.5] };
    for (const text of [
      'a,b,y\r\n1,2,0.5\r\n3,4,1.5\r\n',
      'a,b,y\n1,2,0.5\n3,4,1.5',
      'a,b,y\r1,2,0.5\r3,4,1.5\r',
      '\uFEFFa,b,y\n\n1,2,0.5\n   \n3,4,1.5\n\n',
    ]) {
      const ds = parseCsv(text, { targetType: 'regression' });
      expect(ds.columns).toEqual(['a', 'b']);
      expect({ x: Array.from(ds.x), y: Array.from(ds.y) }).toEqual(want);
    }
  });

  it('counts lines inside quoted fields when naming a line', () => {
    const e = dataError(() => parseCsv('a,b,label\n1,2,"multi\r\nline"\n3,oops,x\n'));
    expect(e.line).toBe(4);
    expect(e.message).toContain('row 1 (line 4)');
  });

  it('takes ; and tab as delimiters', () => {
    for (const d of [';', '\t']) {
      const ds = parseCsv(`${['a', 'b', 'y'].join(d)}\n${['1.5', '2', 'cat'].join(d)}\n`, { delimiter: d });
      expect([ds.columns, Array.from(ds.x), ds.classes]).toEqual([['a', 'b'], [1.5, 2], ['cat']]);
    }
    expect(parseCsv('a;b;y\n1.5;2;"x;y"\n', { delimiter: ';' }).classes).toEqual(['x;y']);
    const euro = dataError(() => parseCsv('a;b;y\n"1,5";2;x\n', { delimiter: ';' }));
    expect(euro.message).toMatch(
      /got "1,5"; numbers with commas \(decimal commas, thousands separators\) are not read/,
    );
  });

  it('refuses a file that has one field a line when another delimiter is in the text', () => {
    const e = dataError(() => parseCsv('a;b;y\n1;2;3\n4;5;6\n'));
    expect(e.message).toMatch(
      /^parseCsv: every line has 1 field when split at ',', got "a;b;y" on line 1;.*pass delimiter: ';'$/,
    );
    expect(dataError(() => parseCsv('a\tb\n1\t2\n')).message).toContain("pass delimiter: '\\t'");
    expect(dataError(() => parseCsv('a,b\n1,2\n', { delimiter: ';' })).message).toContain("pass delimiter: ','");
    expect(dataError(() => parseCsv('y\n1\n2\n')).message).toContain('at least one feature column');
  });

  it('hints at the delimiter when a value holds another common delimiter', () => {
    const e = dataError(() => parseCsv('a,b;c,y\n1,2;3,4\n'));
    expect(e.message).toContain("pass delimiter: ';'");
  });

  it('names the line, the expected and the actual field count of a ragged row', () => {
    const e = dataError(() => parseCsv('a,b,y\n1,2,3\n4,5\n6,7,8\n'));
    expect(e.message).toMatch(/^parseCsv: line 3 must have 3 fields like the header, got 2; /);
    expect(e.line).toBe(3);
    expect(dataError(() => parseCsv('1,2,3\n4,5,6,7\n', { header: false })).message).toMatch(
      /line 2 must have 3 fields like line 1, got 4/,
    );
  });

  it('names the line where an unterminated quote opens', () => {
    const e = dataError(() => parseCsv('a,b,y\n1,2,3\n4,"5,6\n7,8,9\n'));
    expect(e.message).toMatch(/^parseCsv: line 3 opens a quoted field that is never closed, got "\\"5,6\\n7,8,9\\n"; /);
    expect(e.line).toBe(3);
    expect(dataError(() => parseCsv('a,b\n"1"2,3\n')).message).toMatch(/line 2 has text after a closing quote/);
  });

  it('refuses a header of numbers unless header is given, and reads files without a header', () => {
    const e = dataError(() => parseCsv('1,2,0\n3,4,1\n'));
    expect(e.message).toMatch(/the first line holds only numbers.*pass header: false/);
    const plain = parseCsv('1,2,0\n3,4,1\n', { header: false });
    expect([plain.xShape, plain.columns, plain.targetColumns]).toEqual([[2, 2], ['c0', 'c1'], ['c2']]);
    expect(parseCsv('1,2,0\n3,4,1\n', { header: true }).columns).toEqual(['1', '2']);
  });

  it('refuses a first line with numbers and text unless header is given (a UCI iris.data row was lost as names)', () => {
    const iris = '5.1,3.5,setosa\n4.9,3.0,setosa\n6.3,2.9,virginica\n';
    const e = dataError(() => parseCsv(iris));
    expect(e.message).toMatch(
      /^parseCsv: the first line holds numbers \(5\.1, 3\.5\), so it does not look like a header.*pass header: false/,
    );
    expect(e.line).toBe(1);
    const rows = parseCsv(iris, { header: false });
    expect(rows.xShape).toEqual([3, 2]);
    expect(Array.from(rows.y)).toEqual([0, 0, 1]);
    // A header of names only is read as before.
    expect(parseCsv('sepal,petal,species\n5.1,3.5,setosa\n', { target: 'species' }).xShape).toEqual([1, 2]);
  });

  it('refuses bad options and empty files', () => {
    expect(() => parseCsv('a,y\n1,2\n', { sep: ';' } as never)).toThrow(/unknown option "sep"/);
    expect(() => parseCsv('a,y\n1,2\n', { delimiter: ';;' })).toThrow(ValueError);
    expect(() => parseCsv('a,y\n1,2\n', { targetType: 'numeric' as never })).toThrow(/targetType must be/);
    expect(() => parseCsv('a,y\n1,2\n', { missing: 'zero' as never })).toThrow(/missing must be/);
    expect(() => parseCsv('a,y\n1,2\n', { target: 'z' })).toThrow(/no single target column "z", got 0 matches/);
    expect(() => parseCsv('a,y\n1,2\n', { target: 2 })).toThrow(/column index in \[-2, 2\), got 2/);
    expect(dataError(() => parseCsv('')).message).toMatch(/no lines/);
    expect(dataError(() => parseCsv('a,y\n')).message).toMatch(/no data rows/);
  });
});

describe('CSV numbers', () => {
  it('reads plain decimal and exponent notation, with spaces around', () => {
    const ds = parseCsv('a,b,c,d,y\n-1.5e3, .5 ,+2,"  7.  ",1E-2\n', { targetType: 'regression' });
    expect(Array.from(ds.x)).toEqual([-1500, 0.5, 2, 7]);
    expect(ds.y[0]).toBeCloseTo(0.01, 8);
  });

  it.each([
    ['NaN', /NaN marks a missing value; pass missing: 'nan'/],
    ['Infinity', /only finite numbers/],
    ['-Infinity', /only finite numbers/],
    ['0x10', /hexadecimal, binary and octal/],
    ['0b1', /hexadecimal, binary and octal/],
    ['0o7', /hexadecimal, binary and octal/],
    ['', /missing value.*missing: 'nan'/],
    ['   ', /missing value/],
    ['1e39', /overflows float32/],
    ['1_000', /decimal notation/],
  ])('refuses the feature %j, naming row, column, index and value', (value, hint) => {
    const e = dataError(() => parseCsv(`a,b,y\n1,2,0.5\n3,${value},1.5\n`));
    expect(
      e.message.startsWith(
        `parseCsv: row 1 (line 3), column "b" (index 1) is not a finite decimal number, got ${JSON.stringify(value)}; `,
      ),
    ).toBe(true);
    expect(e.message).toMatch(hint);
    expect([e.row, e.line, e.column, e.columnIndex, e.value]).toEqual([1, 3, 'b', 1, value]);
  });

  it('applies the same rule to numeric targets', () => {
    for (const value of ['NaN', 'Infinity', '0x10', '']) {
      const e = dataError(() => parseCsv(`a,y\n1,0.5\n2,${value}\n`, { targetType: 'regression' }));
      expect([e.column, e.columnIndex, e.row]).toEqual(['y', 1, 1]);
    }
    // Under 'auto' too: a number-like slip in a numeric column is reported as a bad number.
    expect(dataError(() => parseCsv('a,y\n1,0.5\n2,Infinity\n')).message).toMatch(
      /column "y" \(index 1\).*only finite/,
    );
  });

  it("reads empty fields and NaN as NaN with missing: 'nan', and still refuses Infinity", () => {
    const ds = parseCsv('a,b,y\n1,,0.5\n NaN ,nan,\n', { missing: 'nan', targetType: 'regression' });
    expect(Array.from(ds.x).map(Number.isNaN)).toEqual([false, true, true, true]);
    expect(Number.isNaN(ds.y[1])).toBe(true);
    expect(() => parseCsv('a,y\nInfinity,1.5\n', { missing: 'nan' })).toThrow(DataError);
    // A class label can never be missing.
    expect(dataError(() => parseCsv('a,y\n1,cat\n2,\n', { missing: 'nan' })).message).toMatch(/has no class label/);
    expect(dataError(() => parseCsv('a,y\n1,cat\n2,NaN\n', { targetType: 'class' })).message).toMatch(
      /^parseCsv: row 1 \(line 3\), target column "y" \(index 1\) has no class label, got "NaN"/,
    );
  });
});

describe('CSV class targets', () => {
  it('numbers classes by sorted label (numbers by value, then text), not by first appearance', () => {
    const ds = parseCsv('a,y\n1,10\n2,9\n3,7\n4,9\n');
    expect(ds.targetType).toBe('class');
    expect(ds.classes).toEqual(['7', '9', '10']);
    expect(Array.from(ds.y)).toEqual([2, 1, 0, 1]);
    expect(ds.yShape).toEqual([4]);
    expect(ds.y).toBeInstanceOf(Int32Array);
    const words = parseCsv('a,y\n1,dog\n2,Cat\n3,cat\n4,2\n', { targetType: 'class' });
    expect(words.classes).toEqual(['2', 'Cat', 'cat', 'dog']);
  });

  it('maps the same label to the same index in a train and a test file whose labels appear in other orders', () => {
    const train = parseCsv('a,digit\n0.1,3\n0.2,7\n0.3,5\n0.4,3\n');
    const testAlone = parseCsv('a,digit\n0.5,7\n0.6,5\n0.7,3\n');
    const test = parseCsv('a,digit\n0.5,7\n0.6,5\n0.7,3\n', { classes: train.classes });
    expect(train.classes).toEqual(['3', '5', '7']);
    expect(testAlone.classes).toEqual(train.classes);
    const label = (ds: typeof train, i: number) => ds.classes![ds.y[i]];
    expect([0, 1, 2].map((i) => label(test, i))).toEqual(['7', '5', '3']);
    expect(Array.from(test.y)).toEqual([2, 1, 0]);
    expect(Array.from(testAlone.y)).toEqual([2, 1, 0]);
    // A test file holding only some of the classes still uses the training map.
    const partial = parseCsv('a,digit\n1,7\n', { classes: train.classes });
    expect([Array.from(partial.y), partial.classes]).toEqual([[2], ['3', '5', '7']]);
  });

  it('keeps the order of a given class list and reads 1.0 as the class 1', () => {
    const ds = parseCsv('a,y\n1,no\n2,yes\n', { classes: ['yes', 'no'] });
    expect([Array.from(ds.y), ds.classes]).toEqual([
      [1, 0],
      ['yes', 'no'],
    ]);
    expect(Array.from(parseCsv('a,y\n1,1.0\n2,0\n', { classes: ['0', '1'] }).y)).toEqual([1, 0]);
  });

  it('keeps integer labels beyond 2^53 apart and returns them as written (both became one class "12345678901234567000")', () => {
    const ds = parseCsv('a,y\n1,12345678901234567891\n2,12345678901234567890\n3,12345678901234567891\n4,9\n');
    expect(ds.classes).toEqual(['9', '12345678901234567890', '12345678901234567891']);
    expect(Array.from(ds.y)).toEqual([2, 1, 2, 0]);
    // One value written two ways is still one class; a test file maps to the training indices.
    const same = parseCsv('a,y\n1,012345678901234567890\n2,1.2345678901234567890e19\n3,12345678901234567891.0\n', {
      classes: ds.classes,
    });
    expect(Array.from(same.y)).toEqual([1, 1, 2]);
    expect(() => parseCsv('a,y\n1,1\n', { classes: ['12345678901234567890', '12345678901234567891'] })).toThrow(
      /outside the given classes, got "1"/,
    );
    // Decimals beyond float64's digits too, ordered by their exact values.
    const tenths = parseCsv('a,y\n1,0.10000000000000000001\n2,0.1\n3,0.100\n', { targetType: 'class' });
    expect([tenths.classes, Array.from(tenths.y)]).toEqual([
      ['0.1', '0.10000000000000000001'],
      [1, 0, 0],
    ]);
    // A fraction float64 reads as an integer is still a fraction: 'auto' reads it as a number.
    expect(parseCsv('a,y\n1,12345678901234567890.5\n2,3\n').targetType).toBe('regression');
  });

  it('refuses a label outside the given classes, naming it, the row and the known classes', () => {
    const e = dataError(() => parseCsv('a,y\n1,cat\n2,bird\n', { classes: ['cat', 'dog'] }));
    expect(e.message).toBe(
      'parseCsv: row 1 (line 3), target column "y" (index 1) holds a label outside the given classes, got "bird"; the known classes are ["cat","dog"] — load the training file first and pass its classes, including this label if it is real',
    );
    expect([e.row, e.line, e.value]).toEqual([1, 3, 'bird']);
    expect(() => parseCsv('a,y\n1,cat\n', { classes: ['cat', 'cat'] })).toThrow(/distinct labels/);
    expect(() => parseCsv('a,y\n1,2\n', { classes: ['2'], targetType: 'regression' })).toThrow(ValueError);
  });
});

describe('CSV target types', () => {
  const column = (values: (string | number)[]) => `a,y\n${values.map((v, i) => `${i},${v}`).join('\n')}\n`;

  it("'auto' reads non-integer numbers as regression, float32 [N, 1]", () => {
    const ds = parseCsv(column([0.5, 1, 2.25]));
    expect([ds.targetType, ds.yShape, ds.classes]).toEqual(['regression', [3, 1], undefined]);
    expect(ds.y).toBeInstanceOf(Float32Array);
    expect(Array.from(ds.y)).toEqual([0.5, 1, 2.25]);
  });

  it("'auto' reads text labels and integers with at most 20 distinct values as classes", () => {
    expect(parseCsv(column(['b', 'a'])).targetType).toBe('class');
    const twenty = parseCsv(column(Array.from({ length: 40 }, (_, i) => i % 20)));
    expect([twenty.targetType, twenty.classes!.length]).toEqual(['class', 20]);
  });

  it("'auto' refuses integers with many distinct values instead of making hundreds of classes", () => {
    const values = Array.from({ length: 194 }, (_, i) => 1000 + 7 * i);
    const e = dataError(() => parseCsv(column(values)));
    expect(e.message).toMatch(
      /^parseCsv: cannot tell whether target column "y" \(index 1\) holds classes or numbers, got 194 distinct integer values \(1000, 1007, 1014, 1021, 1028, …\); pass targetType: 'regression'/,
    );
    expect(parseCsv(column(values), { targetType: 'regression' }).yShape).toEqual([194, 1]);
    expect(parseCsv(column(values), { targetType: 'class' }).classes!.length).toBe(194);
  });

  it("'auto' refuses a column mixing numbers and text", () => {
    const e = dataError(() => parseCsv(column([1, 2, 'three'])));
    expect(e.message).toMatch(
      /mixes numbers and text, got "1" at line 2 and "three" at line 4; pass targetType: 'class'/,
    );
    expect(parseCsv(column([1, 2, 'three']), { targetType: 'class' }).classes).toEqual(['1', '2', 'three']);
  });

  it("reads several numeric targets as [N, k], and keeps 'number' as a name for 'regression'", () => {
    const ds = parseCsv('a,y1,b,y2\n1,0.5,2,5\n3,1.5,4,6\n', { target: ['y1', -1] });
    expect([ds.targetType, ds.yShape, ds.columns, ds.targetColumns]).toEqual([
      'regression',
      [2, 2],
      ['a', 'b'],
      ['y1', 'y2'],
    ]);
    expect([Array.from(ds.y), Array.from(ds.x)]).toEqual([
      [0.5, 5, 1.5, 6],
      [1, 2, 3, 4],
    ]);
    expect(parseCsv('a,y\n1,2\n', { targetType: 'number' }).yShape).toEqual([1, 1]);
    expect(() => parseCsv('a,y1,y2\n1,2,3\n', { target: ['y1', 'y2'], targetType: 'class' })).toThrow(ValueError);
  });
});

describe('CSV files', () => {
  it('loads a path, a file: URL and bytes alike, and names the absolute path of a missing file', async () => {
    const dir = tempDir('backprop-csv-');
    const file = join(dir, 'train.csv');
    writeFileSync(file, 'a,b,y\n1,2,0.5\n3,4,1.5\n');
    for (const source of [
      file,
      pathToFileURL(file),
      pathToFileURL(file).href,
      new TextEncoder().encode('a,b,y\n1,2,0.5\n3,4,1.5\n'),
    ]) {
      const ds = await loadCsv(source);
      expect([ds.xShape, ds.yShape, ds.targetType]).toEqual([[2, 2], [2, 1], 'regression']);
    }
    const missing = join(dir, 'nope.csv');
    const e = await loadCsv(missing).catch((err) => err);
    expect(e).toBeInstanceOf(MissingFileError);
    expect(e.paths).toEqual([missing]);
    expect(e.message).toContain(`loadCsv: no file at ${missing}`);
    await expect(loadCsv(new URL('https://example.com/a.csv'))).rejects.toThrow(/only file: URLs/);
    await expect(loadCsv(new TextEncoder().encode('a;y\n1;2\n'))).rejects.toThrow(/^loadCsv: every line has 1 field/);
  });

  it('refuses a file that is not UTF-8, naming the byte and its line (Latin-1 café and cafè became one class "caf\uFFFD")', async () => {
    const text = (t: string) => Array.from(new TextEncoder().encode(t));
    const latin1 = Uint8Array.from([...text('a,y\n1,caf'), 0xe9, 10, ...text('2,caf'), 0xe8, 10]);
    const e = await loadCsv(latin1).catch((err) => err);
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toBe(
      "loadCsv: the data is not UTF-8 text, got the byte 0xe9 at line 2 (byte offset 9); save the file as UTF-8, or decode it yourself (e.g. new TextDecoder('windows-1252') for Latin-1) and pass the text to parseCsv",
    );
    expect(e.line).toBe(2);
    const file = join(tempDir('backprop-csv-'), 'latin1.csv');
    writeFileSync(file, gzipSync(latin1));
    await expect(loadCsv(file)).rejects.toThrow(`loadCsv: ${file} is not UTF-8 text, got the byte 0xe9 at line 2`);
    // Decoded by the caller, both labels are kept.
    expect(parseCsv(new TextDecoder('windows-1252').decode(latin1)).classes).toEqual(['cafè', 'café']);
    // A UTF-8 byte-order mark is still skipped, and UTF-8 labels are read as written.
    const bom = await loadCsv(Uint8Array.from([0xef, 0xbb, 0xbf, ...text('a,y\n1,café\n2,cafè\n')]));
    expect([bom.columns, bom.classes]).toEqual([['a'], ['cafè', 'café']]);
  });

  it('loads an ArrayBuffer, a Blob and a fetch Response (browsers), gzipped or not', async () => {
    const text = 'a,b,y\n1,2,cat\n3,4,dog\n';
    const bytes = new TextEncoder().encode(text);
    for (const source of [bytes.buffer, new Blob([text]), new Response(text), new Response(gzipSync(bytes))]) {
      const ds = await loadCsv(source);
      expect([ds.xShape, ds.classes, Array.from(ds.y)]).toEqual([
        [2, 2],
        ['cat', 'dog'],
        [0, 1],
      ]);
    }
    const notFound = new Response('<h1>Not found</h1>', { status: 404, statusText: 'Not Found' });
    const e = await loadCsv(notFound).catch((err) => err);
    expect(e).toBeInstanceOf(MissingFileError);
    expect(e.message).toMatch(/^loadCsv: the response for .* is not ok, got 404 Not Found; check the URL/);
    await expect(loadCsv(42 as never)).rejects.toThrow(/a Blob or a fetch Response, got number/);
  });
});

describe('CSV regression with fit', () => {
  it('trains a dense model with losses.mse on a loaded regression CSV as returned', async () => {
    const backend = cpu({ threads: 1 });
    await setBackend(backend);
    const lines = ['x1,x2,price'];
    for (let i = 0; i < 24; i++)
      lines.push(`${(i / 24).toFixed(3)},${((i * 7) % 5) / 5},${(2.5 * i + 0.25).toFixed(2)}`);
    const ds = parseCsv(lines.join('\r\n'));
    expect([ds.targetType, ds.yShape]).toEqual(['regression', [24, 1]]);
    const model = nn.sequential(nn.dense(2, 4, { seed: 1 }), nn.tanh(), nn.dense(4, 1, { seed: 2 }));
    const history = await fit(model, ds, {
      loss: losses.mse,
      optimizer: new PlainSGD(1e-3),
      batchSize: 8,
      epochs: 3,
      verbose: false,
    });
    expect(history.epochs).toHaveLength(3);
    for (const epoch of history.epochs) expect(Number.isFinite(epoch.loss)).toBe(true);
  });
});
