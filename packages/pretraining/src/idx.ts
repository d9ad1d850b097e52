/** IDX files (the MNIST / Fashion-MNIST format): a parser, and a Node loader for image and label files. */
import { type ArrayDataset, ValueError } from '@backprop/core';

/** A parsed IDX array. */
export interface IdxArray {
  shape: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const types: Record<number, [number, (b: DataView, o: number) => number]> = {
  8: [1, (b, o) => b.getUint8(o)],
  9: [1, (b, o) => b.getInt8(o)],
  11: [2, (b, o) => b.getInt16(o)],
  12: [4, (b, o) => b.getInt32(o)],
  13: [4, (b, o) => b.getFloat32(o)],
  14: [8, (b, o) => b.getFloat64(o)],
};

/**
 * Parses an IDX file: magic 0x0000 TT DD (type TT, DD dimensions), DD big-endian uint32 sizes,
 * then the values big-endian. Throws ValueError on a bad magic, type or length.
 */
export function readIdx(bytes: Uint8Array): IdxArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 || view.getUint16(0) !== 0)
    throw new ValueError('readIdx: not an IDX file, got a bad magic number');
  const type = bytes[2];
  const dims = bytes[3];
  const spec = types[type];
  if (!spec) throw new ValueError(`readIdx: unknown element type, got 0x${type.toString(16)}`);
  const shape = Array.from({ length: dims }, (_, i) => view.getUint32(4 + 4 * i));
  const n = shape.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * dims;
  const [size, get] = spec;
  if (bytes.length !== start + n * size)
    throw new ValueError(`readIdx: expected ${start + n * size} bytes for shape [${shape}], got ${bytes.length}`);
  if (type === 0x08) return { shape, data: bytes.slice(start) };
  const ctor = { 9: Int8Array, 11: Int16Array, 12: Int32Array, 13: Float32Array, 14: Float64Array }[type]!;
  const data = new ctor(n);
  for (let i = 0; i < n; i++) data[i] = get(view, start + i * size);
  return { shape, data };
}

/**
 * Reads an IDX image file and its label file (optionally gzipped, by the `.gz` suffix) into
 * an ArrayDataset: x float32 [N, rows·cols] scaled to [0, 1], y int32 [N]. Node only.
 */
export async function loadIdxDataset(imagesPath: string, labelsPath: string): Promise<ArrayDataset> {
  const { readFile } = await import('node:fs/promises');
  const { gunzipSync } = await import('node:zlib');
  const read = async (p: string) => {
    const raw = new Uint8Array(await readFile(p));
    return readIdx(p.endsWith('.gz') ? new Uint8Array(gunzipSync(raw)) : raw);
  };
  const [images, labels] = await Promise.all([read(imagesPath), read(labelsPath)]);
  const n = images.shape[0];
  if (labels.shape.length !== 1 || labels.shape[0] !== n)
    throw new ValueError(`loadIdxDataset: ${n} images but labels of shape [${labels.shape}]`);
  const d = images.shape.slice(1).reduce((a, b) => a * b, 1);
  const x = new Float32Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i] / 255;
  return { x, xShape: [n, d], y: Int32Array.from(labels.data), yShape: [n] };
}
