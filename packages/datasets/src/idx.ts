/**
 * The IDX format of MNIST and Fashion-MNIST: two zero bytes, a type byte, the number of
 * dimensions, each dimension as a big-endian uint32, then the values big-endian.
 */
import { ShapeError, ValueError } from '@backprop/core';
import { readBytes, type Source } from './read-bytes.js';

/** The values and shape of an IDX file. */
export interface IdxArray {
  shape: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPES: Record<number, [number, (v: DataView, o: number) => number, new (n: number) => IdxArray['data']]> = {
  8: [1, (v, o) => v.getUint8(o), Uint8Array],
  9: [1, (v, o) => v.getInt8(o), Int8Array],
  11: [2, (v, o) => v.getInt16(o), Int16Array],
  12: [4, (v, o) => v.getInt32(o), Int32Array],
  13: [4, (v, o) => v.getFloat32(o), Float32Array],
  14: [8, (v, o) => v.getFloat64(o), Float64Array],
};

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
 */
export function parseIdx(bytes: Uint8Array): IdxArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 4 || view.getUint16(0) !== 0)
    throw new ValueError('parseIdx: not an IDX file (the first two bytes must be zero)');
  const type = TYPES[view.getUint8(2)];
  if (!type) throw new ValueError(`parseIdx: unknown element type 0x${view.getUint8(2).toString(16)}`);
  const rank = view.getUint8(3);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const [size, get, Ctor] = type;
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = 4 + 4 * rank;
  if (bytes.byteLength !== offset + count * size) {
    throw new ShapeError(`parseIdx: shape [${shape}] needs ${offset + count * size} bytes, got ${bytes.byteLength}`);
  }
  if (size === 1 && Ctor === Uint8Array) return { shape, data: bytes.slice(offset) };
  const data = new Ctor(count);
  for (let i = 0; i < count; i++) data[i] = get(view, offset + i * size);
  return { shape, data };
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
 */
export async function loadIdx(source: Source): Promise<IdxArray> {
  return parseIdx(await readBytes('loadIdx', source));
}
