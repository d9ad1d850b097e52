/**
 * The IDX format of MNIST and Fashion-MNIST: two zero bytes, a type byte, the number of
 * dimensions, each dimension as a big-endian uint32, then the values big-endian.
 */
import { ValueError } from '@backprop/core';
import { DataError } from './errors.js';
import { type ReadOptions, readSource, type Source } from './read-bytes.js';

/** The values and shape of an IDX file. */
export interface IdxArray {
  shape: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

type IdxType = [
  name: string,
  size: number,
  get: (v: DataView, o: number) => number,
  Ctor: new (n: number) => IdxArray['data'],
];

const TYPES: Record<number, IdxType> = {
  8: ['uint8', 1, (v, o) => v.getUint8(o), Uint8Array],
  9: ['int8', 1, (v, o) => v.getInt8(o), Int8Array],
  11: ['int16', 2, (v, o) => v.getInt16(o), Int16Array],
  12: ['int32', 4, (v, o) => v.getInt32(o), Int32Array],
  13: ['float32', 4, (v, o) => v.getFloat32(o), Float32Array],
  14: ['float64', 8, (v, o) => v.getFloat64(o), Float64Array],
};

const hex = (b: number): string => `0x${b.toString(16).padStart(2, '0')}`;

/** The element type's name of parsed IDX values (`uint8`, `float32`, …). */
export function idxTypeName(data: IdxArray['data']): string {
  return Object.values(TYPES).find((t) => data instanceof t[3])?.[0] ?? 'unknown';
}

/** Parses IDX bytes; `fn` names the public function, `what` the file, in messages. */
export function decodeIdx(fn: string, bytes: Uint8Array, what: string): IdxArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 4 || view.getUint16(0) !== 0) {
    throw new DataError(
      `${fn}: ${what} is not an IDX file, got ${bytes.byteLength} bytes starting [${Array.from(bytes.subarray(0, 4), hex).join(', ')}]; an IDX file starts with two zero bytes, its element type and its number of dimensions`,
    );
  }
  const type = TYPES[view.getUint8(2)];
  if (!type) {
    throw new DataError(
      `${fn}: ${what} has an unknown IDX element type, got ${hex(view.getUint8(2))}; the types are ${Object.entries(
        TYPES,
      )
        .map(([code, t]) => `${hex(Number(code))} (${t[0]})`)
        .join(', ')}`,
    );
  }
  const rank = view.getUint8(3);
  const offset = 4 + 4 * rank;
  if (bytes.byteLength < offset) {
    throw new DataError(
      `${fn}: ${what} is cut off in its header, got ${bytes.byteLength} bytes where ${rank} dimensions need ${offset}; the file is truncated — download or copy it again`,
    );
  }
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const [, size, get, Ctor] = type;
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.byteLength !== offset + count * size) {
    throw new DataError(
      `${fn}: ${what} of shape [${shape}] needs ${offset + count * size} bytes, got ${bytes.byteLength}; the file is truncated or has extra bytes`,
    );
  }
  if (size === 1 && Ctor === Uint8Array) return { shape, data: bytes.slice(offset) };
  const data = new Ctor(count);
  for (let i = 0; i < count; i++) data[i] = get(view, offset + i * size);
  return { shape, data };
}

/**
 * Parses uncompressed IDX bytes.
 *
 * @example
 * ```ts
 * import { parseIdx } from '@backprop/datasets';
 *
 * // Magic 0x00000801 (uint8, one dimension), size 3, then the values.
 * const { shape, data } = parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]));
 * console.log(shape, data); // [3] Uint8Array [7, 2, 1]
 * ```
 * @throws ValueError when `bytes` is not a Uint8Array.
 * @throws DataError when the bytes are not an IDX file (a wrong start, an unknown element type, a
 *   header cut off), or when the values do not fill the shape the header declares (a truncated
 *   file, or extra bytes).
 */
export function parseIdx(bytes: Uint8Array): IdxArray {
  if (!(bytes instanceof Uint8Array)) {
    const got =
      bytes === null ? 'null' : typeof bytes === 'object' ? (bytes as object).constructor?.name : typeof bytes;
    throw new ValueError(
      `parseIdx: bytes must be a Uint8Array, got ${got}; wrap an ArrayBuffer as new Uint8Array(buffer), or pass a path, a Blob or a fetch Response to loadIdx`,
    );
  }
  return decodeIdx('parseIdx', bytes, 'the data');
}

/** Reads and parses one IDX file for the loader `fn`; messages name it by `options.role` and its path. */
export async function readIdx(
  fn: string,
  source: Source,
  options: ReadOptions = {},
): Promise<IdxArray & { what: string }> {
  const { bytes, what } = await readSource(fn, source, options);
  return { ...decodeIdx(fn, bytes, what), what };
}

/**
 * Reads an IDX file from a path (Node) or bytes, gzipped or not.
 *
 * @example
 * ```ts
 * import { loadIdx } from '@backprop/datasets';
 *
 * const labels = await loadIdx('t10k-labels-idx1-ubyte.gz'); // gzip is detected and inflated
 * ```
 * @throws DataError when the file is not an IDX file or its gzip data does not decompress
 *   (truncated, corrupt), naming the path; MissingFileError when there is no file.
 */
export async function loadIdx(source: Source): Promise<IdxArray> {
  const { shape, data } = await readIdx('loadIdx', source);
  return { shape, data };
}
