/** File formats and scaling: IDX (Fashion-MNIST), CSV, scikit-learn's digits, scalers fitted on training data. */
import { existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { ShapeError, ValueError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { digits, fashionMnist, loadCsv, minMaxScaler, parseCsv, parseIdx, standardScaler } from '../src/index.js';

/** Encodes an IDX file the way the MNIST distribution does. */
function idx(type: number, shape: number[], values: number[]): Uint8Array {
  const size = { 8: 1, 12: 4 }[type]!;
  const out = new Uint8Array(4 + 4 * shape.length + values.length * size);
  const v = new DataView(out.buffer);
  v.setUint8(2, type);
  v.setUint8(3, shape.length);
  shape.forEach((d, i) => v.setUint32(4 + 4 * i, d));
  values.forEach((x, i) =>
    size === 1 ? v.setUint8(4 + 4 * shape.length + i, x) : v.setInt32(4 + 4 * shape.length + 4 * i, x),
  );
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

  it('rejects files whose size does not match the header', () => {
    expect(() => parseIdx(idx(8, [2, 3], [1, 2, 3]))).toThrow(ShapeError);
    expect(() => parseIdx(new Uint8Array([1, 0, 8, 1]))).toThrow(/not an IDX file/);
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
  );
});

describe('CSV', () => {
  it('maps class labels in order of appearance and reads numeric features', () => {
    const ds = parseCsv('a,b,kind\n1,2,cat\n3,4.5,dog\n5,6,cat\n');
    expect(ds.columns).toEqual(['a', 'b']);
    expect(ds.classes).toEqual(['cat', 'dog']);
    expect(Array.from(ds.y)).toEqual([0, 1, 0]);
    expect(Array.from(ds.x)).toEqual([1, 2, 3, 4.5, 5, 6]);
  });

  it('takes a named numeric target', async () => {
    const ds = await loadCsv(new TextEncoder().encode('y;x\n0.5;1\n1.5;2'), {
      target: 'y',
      targetType: 'number',
      delimiter: ';',
    });
    expect([Array.from(ds.y), Array.from(ds.x)]).toEqual([
      [0.5, 1.5],
      [1, 2],
    ]);
  });

  it('names the line and column of a bad cell', () => {
    expect(() => parseCsv('a,b\nx,1\n')).toThrow(/line 2, column 1 is not a number/);
    expect(() => parseCsv('a,b\n1,2,3\n')).toThrow(ValueError);
    expect(() => parseCsv('a,b\n1,2\n', { target: 'z' })).toThrow(/no target column "z"/);
  });

  it('reads scikit-learn’s digits format from a gzipped buffer', async () => {
    const ds = await digits.load(gzipSync(new TextEncoder().encode(`${'16,'.repeat(64)}3\n${'0,'.repeat(64)}7\n`)));
    expect(ds.xShape).toEqual([2, 64]);
    expect([ds.x[0], ds.x[64], Array.from(ds.y)]).toEqual([1, 0, [3, 7]]);
  });

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
});
