/** File formats and scaling: IDX (Fashion-MNIST), CSV, scikit-learn's digits, scalers fitted on training data. */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ShapeError, ValueError } from '@backprop/core';
import { afterAll, describe, expect, it } from 'vitest';

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

import {
  DATA_DIR_ENV,
  DataError,
  dataDir,
  digits,
  fashionMnist,
  loadCsv,
  loadIdx,
  MissingFileError,
  minMaxScaler,
  parseIdx,
  standardScaler,
} from '../src/index.js';
import { isConstantFeature } from '../src/scaler.js';

/** The error `promise` rejects with (fails when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<any> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (e) => e,
  );
}

/** Runs `fn` with BACKPROP_DATA_DIR set to `dir` (unset when undefined), then restores it. */
async function withDataDir<T>(dir: string | undefined, fn: () => Promise<T>): Promise<T> {
  const before = process.env[DATA_DIR_ENV];
  if (dir === undefined) delete process.env[DATA_DIR_ENV];
  else process.env[DATA_DIR_ENV] = dir;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env[DATA_DIR_ENV];
    else process.env[DATA_DIR_ENV] = before;
  }
}

describe('the data folder', () => {
  it('is $BACKPROP_DATA_DIR (resolved) when set, else .backprop/datasets in the home folder, on every OS', async () => {
    const dir = tempDir('backprop-data-');
    await withDataDir(dir, async () => {
      expect(dataDir()).toBe(dir);
      expect(fashionMnist.defaultDirs()).toEqual([join(dir, 'fashion-mnist'), fashionMnist.defaultDir]);
      expect(digits.defaultPaths()).toEqual([join(dir, 'digits', 'digits.csv.gz'), digits.defaultPath]);
    });
    await withDataDir(relative(process.cwd(), dir), async () => expect(dataDir()).toBe(dir));
    await withDataDir(undefined, async () => expect(dataDir()).toBe(join(homedir(), '.backprop', 'datasets')));
  });
});

/** Encodes an IDX file the way the MNIST distribution does. */
function idx(type: number, shape: number[], values: number[]): Uint8Array {
  const size = { 8: 1, 12: 4, 13: 4 }[type]!;
  const out = new Uint8Array(4 + 4 * shape.length + values.length * size);
  const v = new DataView(out.buffer);
  v.setUint8(2, type);
  v.setUint8(3, shape.length);
  shape.forEach((d, i) => v.setUint32(4 + 4 * i, d));
  values.forEach((x, i) => {
    const at = 4 + 4 * shape.length + size * i;
    if (type === 8) v.setUint8(at, x);
    else if (type === 12) v.setInt32(at, x);
    else v.setFloat32(at, x);
  });
  return out;
}

describe('IDX', () => {
  it('parses unsigned bytes and big-endian int32', () => {
    expect(parseIdx(idx(8, [2, 3], [0, 1, 2, 253, 254, 255]))).toEqual({
      shape: [2, 3],
      data: new Uint8Array([0, 1, 2, 253, 254, 255]),
    });
    expect(Array.from(parseIdx(idx(12, [2], [-5, 70000])).data)).toEqual([-5, 70000]);
  });

  it('rejects files whose size does not match the header with a DataError (a ShapeError before)', () => {
    expect(() => parseIdx(idx(8, [2, 3], [1, 2, 3]))).toThrow(DataError);
    expect(() => parseIdx(idx(8, [2, 3], [1, 2, 3]))).toThrow(
      /^parseIdx: the data of shape \[2,3\] needs 18 bytes, got 15; the file is truncated or has extra bytes$/,
    );
    const extra = new Uint8Array([...idx(8, [2], [1, 2]), 9]);
    expect(() => parseIdx(extra)).toThrow(DataError);
    expect(() => parseIdx(new Uint8Array([1, 0, 8, 1]))).toThrow(/not an IDX file/);
  });

  it('refuses a cut-off header, an unknown type, and input that is not a Uint8Array with typed errors (RangeError, TypeError before)', () => {
    const cut = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1]);
    expect(() => parseIdx(cut)).toThrow(DataError);
    expect(() => parseIdx(cut)).toThrow(
      /^parseIdx: the data is cut off in its header, got 8 bytes where 3 dimensions need 16; the file is truncated/,
    );
    expect(() => parseIdx(new Uint8Array([0, 0, 7, 1, 0, 0, 0, 0]))).toThrow(
      /^parseIdx: the data has an unknown IDX element type, got 0x07; the types are 0x08 \(uint8\), 0x09 \(int8\)/,
    );
    expect(() => parseIdx(new Uint8Array([1, 0, 8, 1]))).toThrow(DataError);
    expect(() => parseIdx(new ArrayBuffer(8) as never)).toThrow(ValueError);
    expect(() => parseIdx(new ArrayBuffer(8) as never)).toThrow(
      /^parseIdx: bytes must be a Uint8Array, got ArrayBuffer; wrap an ArrayBuffer as new Uint8Array\(buffer\)/,
    );
    expect(() => parseIdx(null as never)).toThrow(/^parseIdx: bytes must be a Uint8Array, got null;/);
  });

  it('names the file when its gzip data is truncated, for every loader (a plain Error "unexpected end of file" before)', async () => {
    const dir = tempDir('backprop-gzip-');
    const gz = (bytes: Uint8Array) => {
      const full = gzipSync(bytes);
      return full.subarray(0, full.length - 6);
    };
    const cut = join(dir, 'cut.gz');
    writeFileSync(cut, gz(idx(8, [64], new Array(64).fill(3))));
    const message = (what: string) =>
      new RegExp(
        `^${what} is gzip-compressed \\(it starts with 1f 8b\\) but does not decompress, got ".+"; it is truncated or corrupt`,
      );
    for (const [load, what] of [
      [() => loadIdx(cut), `loadIdx: ${cut}`],
      [() => loadIdx(gz(idx(8, [64], new Array(64).fill(3)))), 'loadIdx: the data'],
      [() => loadCsv(new Response(gz(new TextEncoder().encode('a,y\n1,2\n'.repeat(20))))), 'loadCsv: the Response'],
      [() => digits.load(gz(new TextEncoder().encode(`${'0,'.repeat(64)}1\n`))), 'digits.load: the data'],
    ] as const) {
      const e = await rejection(load());
      expect(e).toBeInstanceOf(DataError);
      expect(e.message).toMatch(message(what.replaceAll('.', '\\.')));
    }
    const labels = idx(8, [1], [3]);
    const e = await rejection(
      fashionMnist.load({
        files: { trainImages: cut, trainLabels: labels, testImages: idx(8, [1, 1, 1], [0]), testLabels: labels },
      }),
    );
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toContain(`fashionMnist.load: trainImages (${cut}) is gzip-compressed`);
  });

  it('loads Fashion-MNIST from gzipped buffers: pixels / 255, int32 labels', async () => {
    const images = gzipSync(idx(8, [2, 2, 2], [0, 255, 51, 102, 1, 2, 3, 4]));
    const labels = gzipSync(idx(8, [2], [9, 0]));
    const { train, test } = await fashionMnist.load({
      files: { trainImages: images, trainLabels: labels, testImages: images, testLabels: labels },
    });
    expect(train.xShape).toEqual([2, 4]);
    expect(Array.from(train.x.slice(0, 4))).toEqual([0, 1, 0.2, 0.4].map(Math.fround));
    expect(Array.from(test.y)).toEqual([9, 0]);
  });

  it('refuses files that are not what their role needs, naming the role (swapped files gave x of length 0 and xShape [2, NaN])', async () => {
    const images = idx(8, [2, 2, 2], [0, 255, 51, 102, 1, 2, 3, 4]);
    const labels = idx(8, [2], [9, 0]);
    const load = (files: Partial<fashionMnist.FashionMnistFiles>) =>
      rejection(
        fashionMnist.load({
          files: { trainImages: images, trainLabels: labels, testImages: images, testLabels: labels, ...files },
        }),
      );
    const cases: [Partial<fashionMnist.FashionMnistFiles>, RegExp][] = [
      [
        { trainImages: labels },
        /^fashionMnist\.load: trainImages must hold uint8 images \[n, height, width\], got uint8 values of shape \[2\]; it looks like a labels file: are trainImages and trainLabels swapped\?$/,
      ],
      [
        { testLabels: images },
        /^fashionMnist\.load: testLabels must hold uint8 labels \[n\], got uint8 values of shape \[2, 2, 2\]; it looks like an images file: are testLabels and testImages swapped\?$/,
      ],
      [
        { trainImages: idx(8, [2, 4], [0, 1, 2, 3, 4, 5, 6, 7]) },
        /^fashionMnist\.load: trainImages must hold uint8 images \[n, height, width\], got uint8 values of shape \[2, 4\]; is it Fashion-MNIST's train-images-idx3-ubyte\?$/,
      ],
      [
        { testImages: idx(13, [2, 2, 2], [0, 0.5, 1, 0, 0, 0, 0, 0]) },
        /^fashionMnist\.load: testImages must hold uint8 images \[n, height, width\], got float32 values of shape \[2, 2, 2\]/,
      ],
      [
        { trainLabels: idx(12, [2], [1, 2]) },
        /^fashionMnist\.load: trainLabels must hold uint8 labels \[n\], got int32 values of shape \[2\]/,
      ],
      [
        { testLabels: idx(8, [2], [3, 10]) },
        /^fashionMnist\.load: testLabels holds a label outside the classes 0…9 at row 1, got 10; is it Fashion-MNIST's t10k-labels-idx1-ubyte\?$/,
      ],
      [
        { trainLabels: idx(8, [3], [1, 2, 3]) },
        /^fashionMnist\.load: every image needs one label, got 2 images in trainImages and 3 labels in trainLabels; are both files of the same split/,
      ],
      [
        { testImages: idx(8, [2, 1, 4], [0, 1, 2, 3, 4, 5, 6, 7]) },
        /^fashionMnist\.load: test images must have the size of the training images, got 1×4 in testImages and 2×2 in trainImages;/,
      ],
    ];
    for (const [files, message] of cases) {
      const e = await load(files);
      expect(e).toBeInstanceOf(DataError);
      expect(e.message).toMatch(message);
    }
    expect((await load({ testLabels: idx(8, [2], [3, 10]) })).row).toBe(1);
    expect((await load({ testImages: undefined })).message).toMatch(
      /^fashionMnist\.load: testImages must be a path, a file: URL, a Uint8Array, an ArrayBuffer, a Blob or a fetch Response, got undefined$/,
    );
    // A file on disk is named by its role and its path.
    const dir = tempDir('backprop-fashion-');
    writeFileSync(join(dir, 'swapped'), labels);
    const e = await load({ trainImages: join(dir, 'swapped') });
    expect(e.message).toContain(`fashionMnist.load: trainImages (${join(dir, 'swapped')}) must hold uint8 images`);
  });

  it('reads a folder given as a relative path, an absolute path or a file: URL, gzipped or not', async () => {
    const dir = tempDir('backprop-fashion-');
    const images = idx(8, [1, 2, 2], [0, 255, 51, 102]);
    const labels = idx(8, [1], [7]);
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(images));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), labels);
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), images);
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(labels));
    for (const d of [dir, `${dir}/`, pathToFileURL(dir), pathToFileURL(dir).href, relative(process.cwd(), dir)]) {
      const { train, test } = await fashionMnist.load({ dir: d });
      expect([train.xShape, Array.from(test.y)]).toEqual([[1, 4], [7]]);
    }
  });

  it('reads the data folder by default, before Debian’s folder', async () => {
    const data = tempDir('backprop-data-');
    const dir = join(data, 'fashion-mnist');
    mkdirSync(dir);
    const images = idx(8, [1, 2, 2], [0, 255, 51, 102]);
    for (const [name, bytes] of [
      ['train-images-idx3-ubyte.gz', gzipSync(images)],
      ['train-labels-idx1-ubyte', idx(8, [1], [3])],
      ['t10k-images-idx3-ubyte', images],
      ['t10k-labels-idx1-ubyte', idx(8, [1], [4])],
    ] as const) {
      writeFileSync(join(dir, name), bytes);
    }
    const { train, test } = await withDataDir(data, () => fashionMnist.load());
    expect([train.xShape, Array.from(train.y), Array.from(test.y)]).toEqual([[1, 4], [3], [4]]);
  });

  it.skipIf(existsSync(fashionMnist.defaultDir))(
    'says which default folders it tried and where to put the files (or which variable to set)',
    async () => {
      const data = tempDir('backprop-data-');
      const e = await withDataDir(data, () => fashionMnist.load()).catch((err) => err);
      expect(e).toBeInstanceOf(MissingFileError);
      expect(e.message).toContain(`into ${join(data, 'fashion-mnist')} (the data folder is $BACKPROP_DATA_DIR`);
      expect(e.paths).toContain(join(data, 'fashion-mnist', 'train-images-idx3-ubyte.gz'));
      expect(e.paths).toContain(join(fashionMnist.defaultDir, 'train-images-idx3-ubyte.gz'));
    },
  );

  it('says where it looked and how to get the files when they are missing', async () => {
    const dir = tempDir('backprop-fashion-');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'train-images-idx3-ubyte.gz'), gzipSync(idx(8, [1, 1, 1], [0])));
    const e = await fashionMnist.load({ dir: join(dir, 'sub') }).catch((err) => err);
    expect(e).toBeInstanceOf(MissingFileError);
    expect(e.message).toMatch(
      /^fashionMnist\.load: the Fashion-MNIST files are not in .*sub, got no train-labels-idx1-ubyte\(\.gz\), t10k-images-idx3-ubyte\(\.gz\), t10k-labels-idx1-ubyte\(\.gz\); download train-images-idx3-ubyte\.gz, .* from https:\/\/github\.com\/zalandoresearch\/fashion-mnist into that folder, or pass another one as fashionMnist\.load\(\{ dir \}\)/,
    );
    expect(e.paths).toContain(join(dir, 'sub', 't10k-labels-idx1-ubyte.gz'));
    expect(e.paths).toContain(join(dir, 'sub', 't10k-labels-idx1-ubyte'));
    await expect(fashionMnist.load({ dir, files: {} as never })).rejects.toThrow(/pass dir or files, got both/);
  });

  it.skipIf(!existsSync(fashionMnist.defaultDir))(
    'loads the full Fashion-MNIST from Debian’s dataset-fashion-mnist',
    async () => {
      const { train, test } = await fashionMnist.load();
      expect([train.xShape, test.xShape]).toEqual([
        [60000, 784],
        [10000, 784],
      ]);
      expect(new Set(test.y).size).toBe(10);
    },
    // Reads and unzips 30 MB: about 2 s here, more on a slower machine.
    60_000,
  );
});

describe('digits', () => {
  it('reads scikit-learn’s digits format from a gzipped buffer', async () => {
    const ds = await digits.load(gzipSync(new TextEncoder().encode(`${'16,'.repeat(64)}3\n${'0,'.repeat(64)}7\n`)));
    expect(ds.xShape).toEqual([2, 64]);
    expect([ds.x[0], ds.x[64], Array.from(ds.y)]).toEqual([1, 0, [3, 7]]);
  });

  it('refuses a file whose labels are not digits', async () => {
    const bytes = new TextEncoder().encode(`${'0,'.repeat(64)}12\n`);
    await expect(digits.load(bytes)).rejects.toThrow(DataError);
    await expect(digits.load(bytes)).rejects.toThrow(/row 0 has a label outside the digits 0…9, got 12/);
  });

  it('refuses lines that are not 64 pixels and a label, as its TSDoc promised (4 columns gave xShape [2, 4])', async () => {
    const text = (s: string) => new TextEncoder().encode(s);
    const four = await rejection(digits.load(text('1,2,3,4,5\n6,7,8,9,0\n')));
    expect(four).toBeInstanceOf(DataError);
    expect(four.message).toBe(
      "digits.load: each line must hold 65 numbers (64 pixels, then the digit), got 5; is this scikit-learn's digits.csv.gz?",
    );
  });

  it('refuses pixels outside the integers 0…16 (17 was read as 1.0625)', async () => {
    for (const [pixel, shown] of [
      ['17', '17'],
      ['-1', '-1'],
      ['1.5', '1.5'],
    ]) {
      const line = `${'0,'.repeat(64)}3\n${'0,'.repeat(10)}${pixel},${'0,'.repeat(53)}3\n`;
      const e = await rejection(digits.load(new TextEncoder().encode(line)));
      expect(e).toBeInstanceOf(DataError);
      expect(e.message).toBe(
        `digits.load: row 1 has pixel 10 outside the integers 0…16, got ${shown}; is this scikit-learn's digits.csv.gz?`,
      );
      expect([e.row, e.column, e.columnIndex, e.value]).toEqual([1, 'c10', 10, shown]);
    }
  });

  it('says where it looked and how to get the file when it is missing', async () => {
    const path = join(tempDir('backprop-digits-'), 'digits.csv.gz');
    const e = await digits.load(path).catch((err) => err);
    expect(e).toBeInstanceOf(MissingFileError);
    expect(e.paths).toEqual([path]);
    expect(e.message).toMatch(
      /^digits\.load: no file at .*digits\.csv\.gz, got ".*"; pass the path of digits\.csv\.gz to digits\.load\(path\), or its bytes — .*apt install python3-sklearn/,
    );
    expect(await digits.available(path)).toBe(false);
    writeFileSync(path, gzipSync(new TextEncoder().encode(`${'8,'.repeat(64)}5\n`)));
    expect(await digits.available(pathToFileURL(path))).toBe(true);
    expect(Array.from((await digits.load(pathToFileURL(path))).y)).toEqual([5]);
  });

  it('reads digits/digits.csv.gz in the data folder by default', async () => {
    const data = tempDir('backprop-data-');
    mkdirSync(join(data, 'digits'));
    writeFileSync(join(data, 'digits', 'digits.csv.gz'), gzipSync(new TextEncoder().encode(`${'4,'.repeat(64)}6\n`)));
    await withDataDir(data, async () => {
      expect(await digits.available()).toBe(true);
      const ds = await digits.load();
      expect([ds.xShape, ds.x[0], Array.from(ds.y)]).toEqual([[1, 64], 0.25, [6]]);
    });
  });

  it.skipIf(existsSync(digits.defaultPath))(
    'names the default paths and the variable when the file is nowhere',
    async () => {
      const data = tempDir('backprop-data-');
      await withDataDir(data, async () => {
        expect(await digits.available()).toBe(false);
        const e = await digits.load().catch((err) => err);
        expect(e).toBeInstanceOf(MissingFileError);
        expect(e.paths).toEqual([join(data, 'digits', 'digits.csv.gz'), digits.defaultPath]);
        expect(e.message).toMatch(/^digits\.load: digits\.csv\.gz is at none of the default paths, got no /);
        expect(e.message).toContain(
          `copy it to ${join(data, 'digits', 'digits.csv.gz')} (the data folder is $BACKPROP_DATA_DIR`,
        );
      });
    },
  );

  it.skipIf(!existsSync(digits.defaultPath))('loads the 1,797 digits of an installed scikit-learn', async () => {
    const ds = await digits.load();
    expect(ds.xShape).toEqual([1797, 64]);
    expect(Math.max(...ds.x)).toBe(1);
  });
});

describe('scalers', () => {
  const train = { x: new Float32Array([0, 10, 2, 10, 4, 10]), xShape: [3, 2], y: new Int32Array(3), yShape: [3] };
  const test = { x: new Float32Array([6, 11]), xShape: [1, 2], y: new Int32Array(1), yShape: [1] };

  it('standardizes with the training mean and population std only', () => {
    const s = standardScaler(train);
    expect(Array.from(s.shift)).toEqual([2, 10]);
    expect(s.scale[0]).toBeCloseTo(Math.sqrt(8 / 3), 6);
    expect(s.scale[1]).toBe(1);
    const t = s.transform(test);
    expect(t.x[0]).toBeCloseTo(4 / Math.sqrt(8 / 3), 5);
    expect(t.x[1]).toBe(1);
  });

  it('min-max scales with the training range (test values may fall outside [0, 1])', () => {
    expect(Array.from(minMaxScaler(train).transform(test).x)).toEqual([1.5, 1]);
    expect(() => minMaxScaler(train).transform({ ...test, x: new Float32Array(3), xShape: [1, 3] })).toThrow(
      ShapeError,
    );
  });

  // scikit-learn's StandardScaler / MinMaxScaler on [[1, NaN], [3, 4], [5, 8]]: mean_ [3, 6], scale_
  // [√(8/3), 2]; data_min_ [1, 4], data_max_ [5, 8]; transform keeps NaN.
  const gappy = { x: Float32Array.of(1, Number.NaN, 3, 4, 5, 8), xShape: [3, 2], y: new Int32Array(3), yShape: [3] };
  const gappyTest = { x: Float32Array.of(Number.NaN, 6), xShape: [1, 2], y: new Int32Array(1), yShape: [1] };

  it('leaves a missing value (NaN) out of the fit and keeps it NaN, as scikit-learn (it turned the whole feature into NaN)', () => {
    const s = standardScaler(gappy);
    expect(Array.from(s.shift)).toEqual([3, 6]);
    expect(s.scale[0]).toBeCloseTo(Math.sqrt(8 / 3), 6);
    expect(s.scale[1]).toBe(2);
    expect(Array.from(s.transform(gappyTest).x)).toEqual([Number.NaN, 0]);
    const m = minMaxScaler(gappy);
    expect(Array.from(m.shift)).toEqual([1, 4]);
    expect(Array.from(m.scale)).toEqual([4, 4]);
    expect(Array.from(m.transform(gappyTest).x)).toEqual([Number.NaN, 0.5]);
  });

  it('gives a constant feature scale 1 even when float64 rounding leaves it a tiny std, as scikit-learn (0.2 became 7.2e15)', () => {
    const tenth = { x: new Float32Array(10).fill(0.1), xShape: [10, 1], y: new Int32Array(10), yShape: [10] };
    const s = standardScaler(tenth);
    expect(Array.from(s.scale)).toEqual([1]);
    expect(Array.from(s.shift)).toEqual([Math.fround(0.1)]);
    const x = s.transform({ x: Float32Array.of(0.2, 0.1), xShape: [2, 1], y: new Int32Array(2), yShape: [2] }).x;
    expect(Array.from(x)).toEqual([Math.fround(Math.fround(0.2) - Math.fround(0.1)), 0]);
    // scikit-learn's _is_constant_feature, on the std 1.39e-17 that rounding gave this feature before
    expect(isConstantFeature(1.3877787807814457e-17 ** 2, 0.1, 10)).toBe(true);
    expect(isConstantFeature(0, 5, 3)).toBe(true);
    expect(isConstantFeature(8 / 3, 2, 3)).toBe(false);
    expect(isConstantFeature(1e-30, 1e-14, 10)).toBe(false);
  });

  it('refuses a std or range float32 cannot hold as a scale, instead of NaN, ∞ or all zeros', () => {
    const one = (...v: number[]) => ({
      x: Float32Array.from(v),
      xShape: [v.length, 1],
      y: new Int32Array(v.length),
      yShape: [v.length],
    });
    // The std of [0, 1.4e-45] is 7e-46, which float32 rounds to 0: transform gave NaN and ±∞.
    expect(() => standardScaler(one(0, 1e-45))).toThrow(ValueError);
    expect(() => standardScaler(one(0, 1e-45))).toThrow(
      /^standardScaler: feature 0's std must lie in float32's normal range \[1\.2e-38, 3\.4e38\] to serve as its scale, got 7\.0\d*e-46; multiply the feature by a large constant/,
    );
    // The range 6e38 overflows float32: transform gave 0 for every value.
    expect(() => minMaxScaler(one(-3e38, 3e38, 0))).toThrow(
      /^minMaxScaler: feature 0's range \(max − min\) must lie in float32's normal range \[1\.2e-38, 3\.4e38\] to serve as its scale, got 6\.\d*e\+38; divide the feature by a large constant/,
    );
    // Extremes whose scale fits are scaled exactly.
    expect(Array.from(minMaxScaler(one(-1.5e38, 1.5e38)).transform(one(-1.5e38, 0, 1.5e38)).x)).toEqual([0, 0.5, 1]);
    expect(Array.from(standardScaler(one(-3e38, 3e38)).transform(one(-3e38, 3e38)).x)).toEqual([-1, 1]);
    // A value far outside the fitted data that scales past float32 is refused, not turned into ∞.
    const narrow = standardScaler(one(0, 2e-30));
    expect(() => narrow.transform(one(1e10))).toThrow(
      /^Scaler\.transform: feature 0 of row 0 must scale into float32's range \(±3\.4e38\), got 10000000000, which scales to [\d.]+e\+(39|40);/,
    );
  });

  it('refuses a dataset without xShape, or with a fractional shape, with a ShapeError (TypeError before)', () => {
    const noShape = { x: train.x, y: train.y, yShape: train.yShape } as never;
    for (const [name, scaler] of [
      ['standardScaler', standardScaler],
      ['minMaxScaler', minMaxScaler],
    ] as const) {
      expect(() => scaler(noShape)).toThrow(ShapeError);
      expect(() => scaler(noShape)).toThrow(
        new RegExp(`^${name}: ds\\.xShape must be a list of non-negative integers, got undefined$`),
      );
      expect(() => scaler({ ...train, xShape: [3, 2.5, 0.8] })).toThrow(
        /ds\.xShape must be a list of non-negative integers, got \[3,2\.5,0\.8\]/,
      );
      expect(() => scaler(train).transform(noShape)).toThrow(/^Scaler\.transform: ds\.xShape must be a list/);
    }
  });

  it('rejects ±∞ (fit and transform), a feature with no value, and arrays that do not fill their shape', () => {
    const inf = { ...train, x: Float32Array.of(0, 10, Number.POSITIVE_INFINITY, 10, 4, 10) };
    for (const scaler of [standardScaler, minMaxScaler]) {
      expect(() => scaler(inf)).toThrow(ValueError);
      expect(() => scaler(inf)).toThrow(/feature 0 of row 1 is Infinity; scaling needs finite values/);
      const allMissing = { ...train, x: Float32Array.of(Number.NaN, 1, Number.NaN, 2, Number.NaN, 3) };
      expect(() => scaler(allMissing)).toThrow(/feature 0 has no value to fit/);
      expect(() => scaler({ ...train, xShape: [3, 0] })).toThrow(ShapeError);
      expect(() => scaler(train).transform({ ...test, x: Float32Array.of(Number.NEGATIVE_INFINITY, 1) })).toThrow(
        /^Scaler.transform: feature 0 of row 0 is -Infinity/,
      );
    }
  });
});
