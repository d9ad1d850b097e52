/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON
 * header mapping names to { dtype, shape, data_offsets }, then the raw little-endian data.
 * Files written here load in Python with `safetensors.torch.load_file`.
 */
import type { DType, TypedArray } from '../dtype.js';
import { ValueError } from '../errors.js';
import { tensor } from '../ops/creation.js';
import { sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';

const TO_FORMAT: Record<DType, string> = { float32: 'F32', int32: 'I32', bool: 'BOOL' };
const FROM_FORMAT: Record<string, DType> = { F32: 'float32', I32: 'int32', BOOL: 'bool' };

/** Serializes named tensors (and string metadata) into safetensors bytes. */
export async function saveSafetensors(
  tensors: ReadonlyMap<string, Tensor>,
  metadata: Record<string, string> = {},
): Promise<Uint8Array> {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    const values = await t.data();
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    header[name] = {
      dtype: TO_FORMAT[t.dtype],
      shape: [...t.shape],
      data_offsets: [offset, offset + bytes.byteLength],
    };
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((json.length + 8) % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.byteLength), true);
  out.set(head, 8);
  let at = 8 + head.byteLength;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Parses safetensors bytes into tensors on the current backend, and the metadata. */
export function loadSafetensors(bytes: Uint8Array): { tensors: Map<string, Tensor>; metadata: Record<string, string> } {
  if (bytes.byteLength < 8) throw new ValueError(`loadSafetensors: expected at least 8 bytes, got ${bytes.byteLength}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.byteLength)
    throw new ValueError(`loadSafetensors: header of ${headerLength} bytes overruns a file of ${bytes.byteLength}`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (e) {
    throw new ValueError(`loadSafetensors: the header is not valid JSON (${(e as Error).message})`);
  }
  const base = 8 + headerLength;
  const metadata = (header.__metadata__ ?? {}) as unknown as Record<string, string>;
  const tensors = new Map<string, Tensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const dtype = FROM_FORMAT[entry.dtype];
    if (!dtype) throw new ValueError(`loadSafetensors: ${name} has dtype ${entry.dtype}; supported: F32, I32, BOOL`);
    const [begin, end] = entry.data_offsets;
    const expected = sizeOf(entry.shape) * (dtype === 'bool' ? 1 : 4);
    if (end - begin !== expected || base + end > bytes.byteLength) {
      throw new ValueError(
        `loadSafetensors: ${name} has ${end - begin} bytes for shape [${entry.shape}] (expected ${expected})`,
      );
    }
    const raw = bytes.slice(base + begin, base + end);
    const values: TypedArray =
      dtype === 'float32' ? new Float32Array(raw.buffer) : dtype === 'int32' ? new Int32Array(raw.buffer) : raw;
    tensors.set(name, tensor(values, entry.shape, dtype));
  }
  return { tensors, metadata };
}
