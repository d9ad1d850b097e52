/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON
 * header mapping names to { dtype, shape, data_offsets }, then the raw little-endian data.
 * Files written here load in Python with `safetensors.torch.load_file`.
 *
 * The reader trusts nothing: it checks the whole file against the format before it creates
 * a tensor, and throws a CheckpointError naming the entry and the rule it breaks. The writer
 * records two CRC-32 checksums in `__metadata__` so that a corrupted file is caught on load:
 * `backprop.crc32` of the data section (Python: `zlib.crc32(data)`), and
 * `backprop.header-crc32` of the tensor table and the other metadata (see `headerChecksum`).
 * Metadata keys starting with `backprop.` (and a `format` starting with `backprop-`) are
 * Backprop's: a file that has any was written here, with both checksums, so the reader refuses
 * one that lacks either (a bit flipped in a checksum's key name must not turn the check off).
 * Files without such keys (written by other tools) load without checksums.
 */
import { bytesPerElement, type DType } from '../dtype.js';
import { keep } from '../engine.js';
import { CheckpointError, ValueError } from '../errors.js';
import { tensor } from '../ops/creation.js';
import { stopGradient } from '../ops/reshape.js';
import { Tensor } from '../tensor.js';
import { boolean, checkOptionNames, formatValue, optionNames } from '../validate.js';

/** One tensor of a safetensors file, as `parseSafetensors` found it. */
export interface SafetensorsEntry {
  /** The tensor's name in the file. */
  name: string;
  /** Its dtype (F32 → float32, I32 → int32, BOOL → bool). */
  dtype: DType;
  /** Its shape; `[]` for a scalar. */
  shape: number[];
  /** Its little-endian bytes: a view into the file (not a copy), exactly as long as the tensor. */
  data: Uint8Array;
}

/** Options of `loadSafetensors` and `parseSafetensors`. */
export interface LoadSafetensorsOptions {
  /**
   * Check the CRC-32 checksums Backprop writes (default true). Set false to load a file whose
   * checksum no longer matches or is missing, e.g. to salvage a damaged checkpoint. A file with
   * Backprop's metadata (a key starting with `backprop.`, or a `format` starting with
   * `backprop-`) must hold both checksums; files without (written by other tools) load either way.
   */
  verifyChecksum?: boolean;
}

/** The Rust reference implementation refuses headers above 100 MB; so do we. */
const MAX_HEADER_BYTES = 100_000_000;
const DATA_CRC_KEY = 'backprop.crc32';
const HEADER_CRC_KEY = 'backprop.header-crc32';
/** Metadata keys starting with this are Backprop's own (checksums, a checkpoint's state). */
export const OWN_KEY_PREFIX = 'backprop.';
/** A `format` value starting with this is one of Backprop's file formats (`backprop-checkpoint-2`). */
const OWN_FORMAT_PREFIX = 'backprop-';
/**
 * Throws a ValueError naming `op` for options a loader does not have (`{ verifychecksum: false }`)
 * or a `verifyChecksum` that is not true or false (`'no'` would have been read as "verify").
 */
export function checkLoadOptions(op: string, options: unknown): void {
  checkOptionNames(op, options, optionNames<LoadSafetensorsOptions>({ verifyChecksum: true }));
  const v = (options as LoadSafetensorsOptions | undefined)?.verifyChecksum;
  if (v !== undefined) boolean(op, 'verifyChecksum', v);
}
const METADATA = '__metadata__';
const ENTRY_KEYS = ['data_offsets', 'dtype', 'shape'];
const TO_FORMAT = new Map<DType, string>([
  ['float32', 'F32'],
  ['int32', 'I32'],
  ['bool', 'BOOL'],
]);
const FROM_FORMAT = new Map<string, DType>([...TO_FORMAT].map(([d, f]) => [f, d]));
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const SKIP_HINT = 'load with { verifyChecksum: false } to skip the check';

/**
 * Serializes named tensors (and string metadata) into safetensors bytes, with CRC-32 checksums
 * of the data and of the header in `__metadata__` so `loadSafetensors` detects corruption.
 * Refuses (CheckpointError, before reading any tensor) what the reader would refuse: a dtype
 * other than float32/int32/bool, an empty name or `__metadata__`, a disposed tensor, a
 * non-string metadata value, or a caller-supplied `backprop.crc32`/`backprop.header-crc32` key.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, saveSafetensors, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(4, 2));
 * const bytes = await saveSafetensors(model.stateDict(), { framework: 'backprop' });
 * ```
 */
export async function saveSafetensors(
  tensors: ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>,
  metadata: Record<string, string> = {},
): Promise<Uint8Array> {
  const op = 'saveSafetensors';
  const meta = checkedMetadata(op, metadata);
  const list: { name: string; t: Tensor; format: string }[] = [];
  // A Map, or a plain object of tensors by name (as loadStateDict takes; PyTorch's state dict is a dict).
  let entries: Iterable<[string, unknown]>;
  if (tensors instanceof Map) entries = tensors;
  else if (isPlainObject(tensors)) entries = Object.entries(tensors);
  else
    throw new ValueError(
      `${op}: expected a Map or an object of tensors by name (model.stateDict()), got ${formatValue(tensors)}`,
    );
  for (const [name, t] of entries) {
    if (typeof name !== 'string' || name === '' || name === METADATA || !isWellFormed(name)) {
      throw failure(
        op,
        String(name),
        'name',
        `a tensor name must be a non-empty string other than "${METADATA}"`,
        name,
      );
    }
    if (!(t instanceof Tensor)) throw failure(op, name, 'input', 'expected a Tensor', typeof t);
    if (t.disposed) throw failure(op, name, 'disposed', 'the tensor was disposed', t.toString());
    const format = TO_FORMAT.get(t.dtype);
    if (!format) {
      throw failure(op, name, 'dtype', 'safetensors files here hold float32, int32 or bool tensors', t.dtype);
    }
    list.push({ name, t, format });
  }
  // Views, read one after another across awaits: a training step meanwhile cannot change what is
  // saved (a tensor with a view is never updated in place) or free it.
  const views = list.map((e) => keep(stopGradient(e.t)));
  try {
    return await encode(
      list.map((e, i) => ({ ...e, t: views[i] })),
      meta,
      op,
    );
  } finally {
    for (const v of views) v.dispose();
  }
}

async function encode(
  list: readonly { name: string; t: Tensor; format: string }[],
  meta: Record<string, string>,
  op: string,
): Promise<Uint8Array> {
  const header: Record<string, unknown> = Object.create(null);
  const table: TableRow[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  let dataCrc = 0;
  for (const { name, t, format } of list) {
    const values = await t.data();
    let bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    const expected = t.size * bytesPerElement(t.dtype);
    if (bytes.byteLength !== expected) {
      throw failure(op, name, 'byte-length', 'the backend returned the wrong number of bytes', [
        bytes.byteLength,
        expected,
      ]);
    }
    if (!LITTLE_ENDIAN && t.dtype !== 'bool') bytes = swap32(bytes.slice());
    const row: TableRow = { name, format, shape: [...t.shape], begin: offset, end: offset + bytes.byteLength };
    header[name] = { dtype: format, shape: row.shape, data_offsets: [row.begin, row.end] };
    table.push(row);
    chunks.push(bytes);
    dataCrc = crc32(bytes, dataCrc);
    offset = row.end;
  }
  meta[DATA_CRC_KEY] = hex(dataCrc);
  meta[HEADER_CRC_KEY] = headerChecksum(table, Object.entries(meta));
  const json = JSON.stringify({ [METADATA]: meta, ...header });
  const unpadded = new TextEncoder().encode(json);
  const padding = (8 - ((unpadded.byteLength + 8) % 8)) % 8;
  const headerLength = unpadded.byteLength + padding;
  if (headerLength > MAX_HEADER_BYTES) {
    throw failure(op, 'header', 'header-length', `the header exceeds ${MAX_HEADER_BYTES} bytes`, headerLength);
  }
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(unpadded, 8);
  out.fill(0x20, 8 + unpadded.byteLength, 8 + headerLength);
  let at = 8 + headerLength;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * Checks safetensors bytes against the format and returns the tensors' descriptions and views of
 * their bytes, in file order, without creating any tensor. Everything is validated first: the
 * header length and JSON, each entry's keys, dtype (F32, I32, BOOL), shape and offsets, that the
 * tensors tile the data section exactly (no overlap, gap or trailing bytes), BOOL bytes, and the
 * checksums: both must be present (rule `missing-checksum`) when the metadata says the file is
 * Backprop's (a key starting with `backprop.`, or a `format` starting with `backprop-`), and
 * those present must match (rule `checksum`). `{ verifyChecksum: false }` skips both checks.
 * Throws a CheckpointError naming the entry and the rule on any problem. The metadata returned
 * leaves out Backprop's checksum keys.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { parseSafetensors, saveSafetensors, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const bytes = await saveSafetensors(new Map([['w', tensor([1, 2, 3])]]));
 * const { entries } = parseSafetensors(bytes); // validates; creates no tensor
 * console.log(entries[0].name, entries[0].shape); // 'w' [3]
 * ```
 */
export function parseSafetensors(
  bytes: Uint8Array,
  options: LoadSafetensorsOptions = {},
): { entries: SafetensorsEntry[]; metadata: Record<string, string> } {
  const fail = (entry: string | undefined, rule: string, problem: string, got: unknown, hint?: string): never => {
    throw failure('loadSafetensors', entry, rule, problem, got, hint);
  };
  checkLoadOptions('loadSafetensors', options);
  if (!(bytes instanceof Uint8Array)) {
    fail(undefined, 'input', 'expected the file as a Uint8Array', Object.prototype.toString.call(bytes));
  }
  if (bytes.byteLength < 8) {
    fail(
      'header',
      'header-length',
      'a file starts with an 8-byte header length, so it needs at least 8 bytes',
      bytes.byteLength,
    );
  }
  const n64 = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (n64 > BigInt(Number.MAX_SAFE_INTEGER))
    fail('header', 'header-length', 'the header length is not a safe integer', n64);
  const headerLength = Number(n64);
  if (headerLength > MAX_HEADER_BYTES) {
    fail('header', 'header-length', `the header length exceeds the ${MAX_HEADER_BYTES}-byte limit`, headerLength);
  }
  if (8 + headerLength > bytes.byteLength) {
    fail('header', 'header-length', `the header length overruns the file of ${bytes.byteLength} bytes`, headerLength);
  }

  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    fail('header', 'header-json', 'the header is not valid UTF-8', headerLength);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail('header', 'header-json', `the header is not valid JSON (${(e as Error).message})`, text.slice(0, 200));
  }
  if (!isPlainObject(header)) fail('header', 'header-object', 'the header must be a JSON object', header);
  const top = header as Record<string, unknown>;
  const duplicate = findDuplicateKey(text);
  if (duplicate) {
    const where = duplicate.entry === duplicate.key ? 'the header' : 'this entry';
    fail(duplicate.entry, 'duplicate-name', `a name appears twice in ${where}`, duplicate.key);
  }

  // __metadata__: strings to strings; the checksums are 8 hex digits.
  const metadata: Record<string, string> = {};
  let storedDataCrc: string | undefined;
  let storedHeaderCrc: string | undefined;
  const metaPairs: [string, string][] = [];
  if (Object.hasOwn(top, METADATA)) {
    const raw = top[METADATA];
    if (!isPlainObject(raw)) fail(METADATA, 'metadata', 'the metadata must be an object of strings', raw);
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof v !== 'string') fail(METADATA, 'metadata', `metadata value "${k}" must be a string`, v);
      const value = v as string;
      if (k === DATA_CRC_KEY || k === HEADER_CRC_KEY) {
        if (!/^[0-9a-fA-F]{8}$/.test(value)) fail(METADATA, 'metadata', `"${k}" must be 8 hex digits`, value);
        if (k === DATA_CRC_KEY) storedDataCrc = value.toLowerCase();
        else storedHeaderCrc = value.toLowerCase();
        continue;
      }
      metaPairs.push([k, value]);
      Object.defineProperty(metadata, k, { value, enumerable: true, writable: true, configurable: true });
    }
  }

  // Each entry on its own.
  const base = 8 + headerLength;
  const dataLength = bytes.byteLength - base;
  const rows: (TableRow & { dtype: DType })[] = [];
  for (const name of Object.keys(top)) {
    if (name === METADATA) continue;
    const raw = top[name];
    if (!isPlainObject(raw)) fail(name, 'entry-keys', 'expected an object { dtype, shape, data_offsets }', raw);
    const entry = raw as Record<string, unknown>;
    const keys = Object.keys(entry).sort();
    if (keys.length !== ENTRY_KEYS.length || keys.some((k, i) => k !== ENTRY_KEYS[i])) {
      fail(name, 'entry-keys', 'expected exactly the keys dtype, shape, data_offsets', Object.keys(entry));
    }
    const dtype = typeof entry.dtype === 'string' ? FROM_FORMAT.get(entry.dtype) : undefined;
    if (!dtype) fail(name, 'dtype', 'the dtype must be F32, I32 or BOOL (the dtypes Backprop has)', entry.dtype);
    const shape = entry.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(name, 'shape', 'the shape must be a list of non-negative integers', shape);
    }
    const dims = shape as number[];
    let count = 1;
    if (!dims.includes(0)) for (const d of dims) count *= d;
    else count = 0;
    if (!Number.isSafeInteger(count)) fail(name, 'shape', 'the shape has too many elements', dims);
    const offsets = entry.data_offsets;
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offsets[0] > offsets[1]
    ) {
      fail(name, 'offsets-range', 'data_offsets must be [begin, end] with 0 <= begin <= end', offsets);
    }
    const [begin, end] = offsets as number[];
    if (end > dataLength) {
      fail(name, 'offsets-range', `data_offsets run past the data section of ${dataLength} bytes`, offsets);
    }
    const expected = count * bytesPerElement(dtype as DType);
    if (end - begin !== expected) {
      fail(
        name,
        'byte-length',
        `shape ${JSON.stringify(dims)} of ${entry.dtype} needs ${expected} bytes but data_offsets hold ${end - begin}`,
        offsets,
      );
    }
    rows.push({
      name,
      format: entry.dtype as string,
      dtype: dtype as DType,
      shape: dims.map((d) => d + 0),
      begin,
      end,
    });
  }

  // Together, the tensors tile the data section: contiguous from 0, no overlap, nothing after.
  rows.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const r of rows) {
    if (r.begin !== at) {
      const how = r.begin < at ? 'overlaps the tensor before it' : 'leaves a gap after the tensor before it';
      fail(r.name, 'offsets-contiguous', `the data ${how} (expected it to start at byte ${at})`, [r.begin, r.end]);
    }
    at = r.end;
  }
  if (at !== dataLength) {
    fail(
      'header',
      'trailing-bytes',
      `the tensors cover ${at} bytes but the data section holds ${dataLength}`,
      dataLength - at,
    );
  }

  if (options?.verifyChecksum !== false) {
    // Backprop writes both checksums into every file it marks as its own; one missing there means
    // damage (a flipped bit in its key name), not a file by another tool.
    const ours =
      storedDataCrc !== undefined ||
      storedHeaderCrc !== undefined ||
      metaPairs.some(([k, v]) => k.startsWith(OWN_KEY_PREFIX) || (k === 'format' && v.startsWith(OWN_FORMAT_PREFIX)));
    const missing = [
      ...(storedDataCrc === undefined ? [DATA_CRC_KEY] : []),
      ...(storedHeaderCrc === undefined ? [HEADER_CRC_KEY] : []),
    ];
    if (ours && missing.length > 0) {
      fail(
        METADATA,
        'missing-checksum',
        `the file has Backprop's metadata, which is always written with both checksums, but ${missing.map((k) => `"${k}"`).join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing (the file is damaged)`,
        metaPairs.map(([k]) => k),
        SKIP_HINT,
      );
    }
    if (storedHeaderCrc !== undefined) {
      const actual = headerChecksum(rows, metaPairs);
      if (actual !== storedHeaderCrc) {
        fail(
          METADATA,
          'checksum',
          `the header is corrupted (tensor names, dtypes, shapes, offsets or metadata): its CRC-32 does not match ${HEADER_CRC_KEY} "${storedHeaderCrc}"`,
          actual,
          SKIP_HINT,
        );
      }
    }
    if (storedDataCrc !== undefined) {
      const actual = hex(crc32(bytes.subarray(base)));
      if (actual !== storedDataCrc) {
        fail(
          METADATA,
          'checksum',
          `the data is corrupted: its CRC-32 does not match ${DATA_CRC_KEY} "${storedDataCrc}"`,
          actual,
          SKIP_HINT,
        );
      }
    }
  }

  const entries = rows.map((r) => ({
    name: r.name,
    dtype: r.dtype,
    shape: r.shape,
    data: new Uint8Array(bytes.buffer, bytes.byteOffset + base + r.begin, r.end - r.begin),
  }));
  for (const e of entries) {
    if (e.dtype !== 'bool') continue;
    const bad = e.data.findIndex((b) => b > 1);
    if (bad >= 0) fail(e.name, 'bool-value', `a BOOL tensor holds bytes 0 or 1 (byte ${bad})`, e.data[bad]);
  }
  return { entries, metadata };
}

/**
 * Reads safetensors bytes into tensors on the current backend, and the metadata (without
 * Backprop's checksum keys). The file is validated completely first (see `parseSafetensors`:
 * a file with Backprop's `backprop.` metadata must hold both of its checksums), so
 * a bad file throws a CheckpointError and creates nothing; the tensors copy their values and do
 * not share memory with `bytes`. The caller owns (and disposes) the tensors.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { loadSafetensors, nn, saveSafetensors, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(4, 2));
 * const bytes = await saveSafetensors(model.stateDict());
 * const { tensors, metadata } = loadSafetensors(bytes);
 * model.loadStateDict(tensors); // tensors.keys(): '0.weight', '0.bias'
 * ```
 */
export function loadSafetensors(
  bytes: Uint8Array,
  options?: LoadSafetensorsOptions,
): { tensors: Map<string, Tensor>; metadata: Record<string, string> } {
  const { entries, metadata } = parseSafetensors(bytes, options);
  const tensors = new Map<string, Tensor>();
  try {
    for (const e of entries) {
      // A fresh, aligned copy: typed arrays need 4-byte alignment, and the tensor must not alias the file.
      const raw = new Uint8Array(e.data.byteLength);
      raw.set(e.data);
      if (!LITTLE_ENDIAN && e.dtype !== 'bool') swap32(raw);
      const values =
        e.dtype === 'float32' ? new Float32Array(raw.buffer) : e.dtype === 'int32' ? new Int32Array(raw.buffer) : raw;
      tensors.set(e.name, tensor(values, e.shape, e.dtype));
    }
  } catch (err) {
    for (const t of tensors.values()) t.dispose();
    throw err;
  }
  return { tensors, metadata };
}

interface TableRow {
  name: string;
  format: string;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * The header checksum: CRC-32 of the UTF-8 of `JSON.stringify([metadata, tensors])`, where
 * metadata is `[[key, value], ...]` sorted by key (without the checksum keys) and tensors is
 * `[[name, dtype, shape, begin, end], ...]` sorted by begin, end, then name. It does not depend
 * on how the header JSON is laid out, only on what it says.
 */
function headerChecksum(table: readonly TableRow[], metadata: readonly [string, string][]): string {
  const meta = metadata
    .filter(([k]) => k !== DATA_CRC_KEY && k !== HEADER_CRC_KEY)
    .sort((a, b) => compareStrings(a[0], b[0]));
  const rows = [...table]
    .sort((a, b) => a.begin - b.begin || a.end - b.end || compareStrings(a.name, b.name))
    .map((r) => [r.name, r.format, r.shape, r.begin, r.end]);
  return hex(crc32(new TextEncoder().encode(JSON.stringify([meta, rows]))));
}

/** The writer's metadata: a null-prototype copy, after checking keys and values. */
function checkedMetadata(op: string, metadata: unknown): Record<string, string> {
  if (!isPlainObject(metadata)) {
    throw failure(op, METADATA, 'metadata', 'metadata must be a plain object of strings', metadata);
  }
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(metadata as Record<string, unknown>)) {
    if (k === DATA_CRC_KEY || k === HEADER_CRC_KEY) {
      throw failure(op, METADATA, 'metadata', `"${k}" is written by saveSafetensors itself`, k);
    }
    if (typeof v !== 'string') {
      throw failure(op, METADATA, 'metadata', `metadata value "${k}" must be a string`, v);
    }
    if (!isWellFormed(k) || !isWellFormed(v)) {
      throw failure(op, METADATA, 'metadata', 'metadata must be well-formed Unicode (no lone surrogates)', k);
    }
    out[k] = v;
  }
  return out;
}

/** A CheckpointError whose message reads `<op>: <entry>: <problem>, got <value as JSON>[; <hint>]`. */
function failure(
  op: string,
  entry: string | undefined,
  rule: string,
  problem: string,
  got: unknown,
  hint?: string,
): CheckpointError {
  const where = entry === undefined ? '' : `${clip(entry, 80)}: `;
  return new CheckpointError(entry, rule, `${op}: ${where}${problem}, got ${preview(got)}${hint ? `; ${hint}` : ''}`);
}

/** `value` as JSON.stringify prints it, cut to a readable length (files can hold huge or odd values). */
function preview(value: unknown): string {
  if (typeof value === 'bigint') return `${value}`;
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return clip(text, 160);
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function isPlainObject(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** False for strings with lone surrogates, which UTF-8 cannot hold (they would load back changed). */
function isWellFormed(s: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The first key that appears twice in one object of `text` (valid JSON), which JSON.parse would
 * silently collapse. `entry` is the top-level name the duplicate sits in (or the name itself).
 */
function findDuplicateKey(text: string): { entry: string; key: string } | undefined {
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  let topName = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const start = i++;
      let escaped = false;
      for (; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) {
          escaped = true;
          i++;
        } else if (d === 0x22) break;
      }
      const frame = stack[stack.length - 1];
      if (expectKey && frame) {
        const key = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
        if (frame.has(key)) return { entry: stack.length === 1 ? key : topName, key };
        frame.add(key);
        if (stack.length === 1) topName = key;
        expectKey = false;
      }
    } else if (c === 0x7b) {
      stack.push(new Set());
      expectKey = true;
    } else if (c === 0x5b) {
      stack.push(null);
      expectKey = false;
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c) {
      expectKey = stack[stack.length - 1] instanceof Set;
    }
  }
  return undefined;
}

let crcTable: Int32Array | undefined;

/** CRC-32 (IEEE 802.3, the zlib polynomial) of `bytes`, continuing from `crc`. */
function crc32(bytes: Uint8Array, crc = 0): number {
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  const table = crcTable;
  let c = ~crc;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

function hex(crc: number): string {
  return (crc >>> 0).toString(16).padStart(8, '0');
}

/** Reverses the bytes of each 4-byte word in place (for big-endian hosts); returns `bytes`. */
function swap32(bytes: Uint8Array): Uint8Array {
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const a = bytes[i];
    const b = bytes[i + 1];
    bytes[i] = bytes[i + 3];
    bytes[i + 1] = bytes[i + 2];
    bytes[i + 2] = b;
    bytes[i + 3] = a;
  }
  return bytes;
}
