/** The safetensors reader and writer: the format's rules, checksums, writer refusals, and a seeded fuzz. */
import {
  CheckpointError,
  getBackend,
  liveTensorCount,
  loadSafetensors,
  parseSafetensors,
  saveSafetensors,
  scalar,
  type Tensor,
  tensor,
  ValueError,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  crc32,
  dataOf,
  file,
  headerLengthOf,
  headerOf,
  rawFile,
  SAFETENSORS_KINDS,
  type SafetensorsKind,
  safetensorsMutator,
  uniformStream,
} from './mutate.js';
import { useCpu } from './setup.js';

beforeAll(useCpu);

const enc = new TextEncoder();

function f32Bytes(...values: number[]): number[] {
  return Array.from(new Uint8Array(new Float32Array(values).buffer));
}

/** A file with the same data as `bytes` and the header `header`. */
function withHeader(bytes: Uint8Array, header: unknown): Uint8Array {
  return file(header, dataOf(bytes));
}

/** Runs `fn`, expects a CheckpointError with `rule` and `entry`, and that no tensor leaked. */
function rejects(fn: () => unknown, rule: string, entry: string | undefined): CheckpointError {
  const live = liveTensorCount();
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(CheckpointError);
  const err = caught as CheckpointError;
  expect({ rule: err.rule, entry: err.entry }).toEqual({ rule, entry });
  expect(err.message).toMatch(/^loadSafetensors: .*, got /);
  expect(liveTensorCount()).toBe(live);
  return err;
}

async function refuses(promise: Promise<unknown>, rule: string, entry: string | undefined): Promise<CheckpointError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CheckpointError);
  expect({ rule: (err as CheckpointError).rule, entry: (err as CheckpointError).entry }).toEqual({ rule, entry });
  expect((err as Error).message).toMatch(/^saveSafetensors: /);
  return err as CheckpointError;
}

function bytesOf(t: Tensor): Uint8Array {
  const v = t.dataSync();
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
}

function disposeAll(tensors: Map<string, Tensor>): void {
  for (const t of tensors.values()) t.dispose();
}

describe('safetensors round trip', () => {
  it('round-trips float32, int32 and bool tensors, a scalar and an empty tensor', async () => {
    const input = new Map<string, Tensor>([
      [
        'w',
        tensor([
          [1.5, -2],
          [3, Number.NaN],
        ]),
      ],
      ['i', tensor(new Int32Array([7, -8, 2147483647]))],
      ['b', tensor([true, false, true])],
      ['s', scalar(3.25)],
      ['e', tensor(new Float32Array(0), [0, 3])],
      ['ei', tensor(new Int32Array(0), [0], 'int32')],
    ]);
    const bytes = await saveSafetensors(input, { note: 'hi', '': 'empty key', ü: 'ß' });
    const { tensors, metadata } = loadSafetensors(bytes);
    expect(metadata).toEqual({ note: 'hi', '': 'empty key', ü: 'ß' });
    expect([...tensors.keys()].sort()).toEqual([...input.keys()].sort());
    for (const [k, t] of input) {
      const back = tensors.get(k)!;
      expect([back.shape, back.dtype]).toEqual([t.shape, t.dtype]);
      expect(bytesOf(back)).toEqual(bytesOf(t));
    }
    disposeAll(tensors);
    disposeAll(input);
  });

  it('writes the Python layout: u64 header length, space-padded JSON header, checksums of data and header', async () => {
    const input = new Map<string, Tensor>([
      ['w', tensor([1, 2])],
      ['n', tensor(new Int32Array([5]), [1, 1], 'int32')],
    ]);
    const bytes = await saveSafetensors(input, { epoch: '4' });
    const n = headerLengthOf(bytes);
    expect((8 + n) % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text.startsWith('{')).toBe(true);
    expect(text.trimEnd().endsWith('}')).toBe(true);
    expect(text.slice(text.trimEnd().length)).toMatch(/^ *$/);
    const header = headerOf(bytes);
    expect(header.w).toEqual({ dtype: 'F32', shape: [2], data_offsets: [0, 8] });
    expect(header.n).toEqual({ dtype: 'I32', shape: [1, 1], data_offsets: [8, 12] });
    const meta = header.__metadata__;
    expect(meta.epoch).toBe('4');
    // backprop.crc32 is zlib.crc32 of the data section.
    expect(meta['backprop.crc32']).toBe(crc32(dataOf(bytes)));
    // backprop.header-crc32 covers the tensor table and the other metadata, layout-independently.
    const canonical = JSON.stringify([
      [['epoch', '4']],
      [
        ['w', 'F32', [2], 0, 8],
        ['n', 'I32', [1, 1], 8, 12],
      ],
    ]);
    expect(meta['backprop.header-crc32']).toBe(crc32(enc.encode(canonical)));
    expect(dataOf(bytes)).toEqual(new Uint8Array([...f32Bytes(1, 2), 5, 0, 0, 0]));
    disposeAll(input);
  });

  it('always writes __metadata__ with the checksums, even with no tensors or metadata', async () => {
    const bytes = await saveSafetensors(new Map());
    expect(Object.keys(headerOf(bytes).__metadata__).sort()).toEqual(['backprop.crc32', 'backprop.header-crc32']);
    const { tensors, metadata } = loadSafetensors(bytes);
    expect([tensors.size, metadata]).toEqual([0, {}]);
  });

  it('loads files without checksums, as other tools write them', () => {
    const bytes = file(
      {
        __metadata__: { format: 'pt' },
        b: { dtype: 'BOOL', shape: [2], data_offsets: [8, 10] },
        a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      },
      [...f32Bytes(0.5, -1), 1, 0],
    );
    const { tensors, metadata } = loadSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt' });
    expect(Array.from(tensors.get('a')!.dataSync())).toEqual([0.5, -1]);
    expect(Array.from(tensors.get('b')!.dataSync())).toEqual([1, 0]);
    disposeAll(tensors);
    expect(loadSafetensors(file({})).tensors.size).toBe(0);
  });

  it('parseSafetensors returns views in file order and creates no tensor', async () => {
    const input = new Map<string, Tensor>([
      ['z', tensor([true])],
      ['a', tensor([1, 2, 3])],
    ]);
    const bytes = await saveSafetensors(input, { k: 'v' });
    const live = liveTensorCount();
    const { entries, metadata } = parseSafetensors(bytes);
    expect(liveTensorCount()).toBe(live);
    expect(metadata).toEqual({ k: 'v' });
    expect(entries.map((e) => [e.name, e.dtype, e.shape, e.data.byteLength])).toEqual([
      ['z', 'bool', [1], 1],
      ['a', 'float32', [3], 12],
    ]);
    expect(entries[0].data.buffer).toBe(bytes.buffer);
    expect(Array.from(entries[1].data)).toEqual(f32Bytes(1, 2, 3));
    disposeAll(input);
  });

  it('copies the values: unaligned input and Node Buffers load right and are not aliased', async () => {
    const input = new Map<string, Tensor>([
      ['b', tensor([true, false, true])],
      ['w', tensor([1, 2, 3])],
    ]);
    const bytes = await saveSafetensors(input);
    const shifted = new Uint8Array(bytes.byteLength + 3);
    shifted.set(bytes, 3);
    for (const source of [shifted.subarray(3), Buffer.from(bytes)]) {
      const { tensors } = loadSafetensors(source);
      expect(Array.from(tensors.get('w')!.dataSync())).toEqual([1, 2, 3]);
      source.fill(0, 8 + headerLengthOf(source));
      expect(Array.from(tensors.get('w')!.dataSync())).toEqual([1, 2, 3]);
      expect(Array.from(tensors.get('b')!.dataSync())).toEqual([1, 0, 1]);
      disposeAll(tensors);
    }
    disposeAll(input);
  });

  it('verifyChecksum: false loads a file whose data was corrupted', async () => {
    const input = new Map<string, Tensor>([['w', tensor([1, 2])]]);
    const bytes = await saveSafetensors(input);
    bytes[bytes.byteLength - 1] ^= 0x01;
    const err = rejects(() => loadSafetensors(bytes), 'checksum', '__metadata__');
    expect(err.message).toMatch(/data is corrupted/);
    expect(err.message).toMatch(/\{ verifyChecksum: false \}/);
    const { tensors } = loadSafetensors(bytes, { verifyChecksum: false });
    expect(tensors.get('w')!.dataSync()[0]).toBe(1);
    expect(tensors.get('w')!.dataSync()[1]).not.toBe(2);
    disposeAll(tensors);
    disposeAll(input);
  });

  it('disposes the tensors already created when creating a later one fails', async () => {
    const input = new Map<string, Tensor>([
      ['a', tensor([1])],
      ['b', tensor([2])],
      ['c', tensor([3])],
    ]);
    const bytes = await saveSafetensors(input);
    const backend = getBackend() as unknown as Record<string, unknown>;
    const own = Object.hasOwn(backend, 'write');
    const write = backend.write as (...args: unknown[]) => unknown;
    let calls = 0;
    backend.write = function (this: unknown, ...args: unknown[]) {
      if (++calls === 3) throw new Error('out of memory');
      return write.apply(this, args);
    };
    const live = liveTensorCount();
    try {
      expect(() => loadSafetensors(bytes)).toThrow('out of memory');
    } finally {
      if (own) backend.write = write;
      else delete backend.write;
    }
    expect(calls).toBe(3);
    expect(liveTensorCount()).toBe(live);
    disposeAll(input);
  });
});

// A small valid file for the rule tests: a: F32 [2] at [0, 8), m: BOOL [2] at [8, 10).
const A = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };
const M = { dtype: 'BOOL', shape: [2], data_offsets: [8, 10] };
const DATA = [...f32Bytes(1, 2), 1, 0];

describe('safetensors reader rules', () => {
  it('accepts the base file of the rule tests', () => {
    const { tensors } = loadSafetensors(file({ a: A, m: M }, DATA));
    expect(tensors.size).toBe(2);
    disposeAll(tensors);
  });

  it('formats messages as `loadSafetensors: <entry>: <problem>, got <value>`', () => {
    const err = rejects(() => loadSafetensors(file({ a: null, m: M }, DATA)), 'entry-keys', 'a');
    expect(err.message).toBe('loadSafetensors: a: expected an object { dtype, shape, data_offsets }, got null');
    expect(err).toBeInstanceOf(ValueError);
    expect(err.name).toBe('CheckpointError');
  });

  it('input: not a Uint8Array', () => {
    rejects(() => loadSafetensors([1, 2, 3] as unknown as Uint8Array), 'input', undefined);
  });

  const header = 'header';
  const cases: [string, Uint8Array, string, string][] = [
    ['header-length: shorter than 8 bytes', new Uint8Array(4), 'header-length', header],
    ['header-length: overruns the file', rawFile(enc.encode('{}'), [], 100), 'header-length', header],
    ['header-length: above 100 MB', rawFile(enc.encode('{}'), [], 100_000_001), 'header-length', header],
    ['header-length: above 2^53', rawFile(enc.encode('{}'), [], 2 ** 63), 'header-length', header],
    ['header-json: invalid UTF-8', rawFile(new Uint8Array([0x7b, 0xff, 0x7d])), 'header-json', header],
    ['header-json: a byte-order mark', rawFile(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d])), 'header-json', header],
    ['header-json: not JSON', file('{"a":'), 'header-json', header],
    ['header-json: NUL padding', file('{}\0\0\0'), 'header-json', header],
    ['header-object: an array', file('[]'), 'header-object', header],
    ['header-object: null', file('null'), 'header-object', header],
    ['header-object: a number', file('7'), 'header-object', header],
    ['entry-keys: null entry', file({ a: A, m: null }, DATA), 'entry-keys', 'm'],
    ['entry-keys: array entry', file({ a: [1], m: M }, DATA), 'entry-keys', 'a'],
    ['entry-keys: missing key', file({ a: { dtype: 'F32', shape: [2] }, m: M }, DATA), 'entry-keys', 'a'],
    ['entry-keys: extra key', file({ a: { ...A, extra: 1 }, m: M }, DATA), 'entry-keys', 'a'],
    ['dtype: F16', file({ a: { ...A, dtype: 'F16' }, m: M }, DATA), 'dtype', 'a'],
    ['dtype: a prototype name', file({ a: { ...A, dtype: 'constructor' }, m: M }, DATA), 'dtype', 'a'],
    ['dtype: not a string', file({ a: { ...A, dtype: 4 }, m: M }, DATA), 'dtype', 'a'],
    ['shape: negative', file({ a: { ...A, shape: [-2] }, m: M }, DATA), 'shape', 'a'],
    ['shape: fractional', file({ a: { ...A, shape: [1.5] }, m: M }, DATA), 'shape', 'a'],
    ['shape: a string', file({ a: { ...A, shape: '2' }, m: M }, DATA), 'shape', 'a'],
    ['shape: null dim', file({ a: { ...A, shape: [null] }, m: M }, DATA), 'shape', 'a'],
    ['shape: too many elements', file({ a: { ...A, shape: [2 ** 40, 2 ** 40] }, m: M }, DATA), 'shape', 'a'],
    ['offsets-range: negative', file({ a: { ...A, data_offsets: [-1, 7] }, m: M }, DATA), 'offsets-range', 'a'],
    ['offsets-range: begin > end', file({ a: A, m: { ...M, data_offsets: [10, 8] } }, DATA), 'offsets-range', 'm'],
    ['offsets-range: three numbers', file({ a: { ...A, data_offsets: [0, 8, 8] }, m: M }, DATA), 'offsets-range', 'a'],
    ['offsets-range: null', file({ a: { ...A, data_offsets: null }, m: M }, DATA), 'offsets-range', 'a'],
    [
      'offsets-range: past the data',
      file({ a: A, m: { ...M, data_offsets: [8, 10] } }, DATA.slice(0, 9)),
      'offsets-range',
      'm',
    ],
    [
      'offsets-contiguous: a gap',
      file({ a: A, m: { ...M, data_offsets: [9, 11] } }, [...DATA, 0]),
      'offsets-contiguous',
      'm',
    ],
    [
      'offsets-contiguous: an overlap',
      file({ a: A, b: { ...A, data_offsets: [4, 12] } }, f32Bytes(1, 2, 3)),
      'offsets-contiguous',
      'b',
    ],
    [
      'offsets-contiguous: not starting at 0',
      file({ m: { ...M, data_offsets: [1, 3] } }, [0, 1, 0]),
      'offsets-contiguous',
      'm',
    ],
    ['byte-length: too few bytes for the shape', file({ a: { ...A, shape: [3] }, m: M }, DATA), 'byte-length', 'a'],
    ['byte-length: F32 bytes read as BOOL', file({ a: { ...A, dtype: 'BOOL' }, m: M }, DATA), 'byte-length', 'a'],
    ['bool-value: a BOOL byte of 2', file({ a: A, m: M }, [...DATA.slice(0, 8), 2, 0]), 'bool-value', 'm'],
    ['metadata: not an object', file({ __metadata__: ['x'], a: A, m: M }, DATA), 'metadata', '__metadata__'],
    ['metadata: null', file({ __metadata__: null, a: A, m: M }, DATA), 'metadata', '__metadata__'],
    ['metadata: a number value', file({ __metadata__: { epoch: 4 }, a: A, m: M }, DATA), 'metadata', '__metadata__'],
    [
      'metadata: a malformed checksum',
      file({ __metadata__: { 'backprop.crc32': 'xyz' }, a: A, m: M }, DATA),
      'metadata',
      '__metadata__',
    ],
    [
      'duplicate-name: a tensor twice',
      file(`{"a":${JSON.stringify(A)},"m":${JSON.stringify(M)},"a":${JSON.stringify(A)}}`, DATA),
      'duplicate-name',
      'a',
    ],
    [
      'duplicate-name: spelled with an escape',
      file(`{"a":${JSON.stringify(A)},"m":${JSON.stringify(M)},"\\u0061":${JSON.stringify(A)}}`, DATA),
      'duplicate-name',
      'a',
    ],
    [
      'duplicate-name: a key twice inside an entry',
      file(`{"a":{"dtype":"I32","dtype":"F32","shape":[2],"data_offsets":[0,8]},"m":${JSON.stringify(M)}}`, DATA),
      'duplicate-name',
      'a',
    ],
    [
      'duplicate-name: __metadata__ twice',
      file(`{"__metadata__":{},"a":${JSON.stringify(A)},"m":${JSON.stringify(M)},"__metadata__":{}}`, DATA),
      'duplicate-name',
      '__metadata__',
    ],
    ['trailing-bytes: bytes after the last tensor', file({ a: A, m: M }, [...DATA, 0, 0]), 'trailing-bytes', header],
    ['trailing-bytes: data but no tensors', file({}, [1]), 'trailing-bytes', header],
  ];
  it.each(cases)('%s', (_label, bytes, rule, entry) => {
    rejects(() => loadSafetensors(bytes), rule, entry);
    rejects(() => parseSafetensors(bytes, { verifyChecksum: false }), rule, entry);
  });

  it('checksum: a data byte changed', async () => {
    const input = new Map<string, Tensor>([['w', tensor([1, 2])]]);
    const bytes = await saveSafetensors(input);
    bytes[bytes.byteLength - 5] ^= 0x80;
    const err = rejects(() => loadSafetensors(bytes), 'checksum', '__metadata__');
    expect(err.message).toMatch(
      /^loadSafetensors: __metadata__: the data is corrupted: .*; load with \{ verifyChecksum: false \}/,
    );
    disposeAll(input);
  });

  it('checksum: the header changed in ways the format allows (dtype swap, rename, metadata)', async () => {
    const input = new Map<string, Tensor>([
      ['w', tensor([1])],
      ['step', tensor(new Int32Array([3]), [], 'int32')],
    ]);
    const bytes = await saveSafetensors(input, { epoch: '4' });
    const h = headerOf(bytes);
    const swapped = structuredClone(h);
    swapped.w.dtype = 'I32';
    swapped.step.dtype = 'F32';
    const renamed = structuredClone(h);
    renamed.v = renamed.w;
    delete renamed.w;
    const reshaped = structuredClone(h);
    reshaped.w.shape = [];
    const epoch = structuredClone(h);
    epoch.__metadata__.epoch = '5';
    for (const changed of [swapped, renamed, reshaped, epoch]) {
      const err = rejects(() => loadSafetensors(withHeader(bytes, changed)), 'checksum', '__metadata__');
      expect(err.message).toMatch(/the header is corrupted/);
      // The format alone cannot tell: without the checksum the file loads.
      const { tensors } = loadSafetensors(withHeader(bytes, changed), { verifyChecksum: false });
      disposeAll(tensors);
    }
    // A header re-serialized with other whitespace and key order keeps its checksum.
    const reordered = JSON.stringify({ step: h.step, __metadata__: h.__metadata__, w: h.w }, null, 2);
    const { tensors } = loadSafetensors(file(reordered, dataOf(bytes)));
    expect(tensors.get('step')!.dtype).toBe('int32');
    disposeAll(tensors);
    disposeAll(input);
  });
});

describe('safetensors writer refusals', () => {
  it('refuses a dtype the format here does not hold (float64)', async () => {
    const t = tensor([1, 2]);
    (t as { dtype: string }).dtype = 'float64';
    await refuses(saveSafetensors(new Map([['x', t]])), 'dtype', 'x');
    (t as { dtype: string }).dtype = 'float32';
    t.dispose();
  });

  it('refuses the names __metadata__ and empty', async () => {
    const t = tensor([1]);
    await refuses(saveSafetensors(new Map([['__metadata__', t]])), 'name', '__metadata__');
    await refuses(saveSafetensors(new Map([['', t]])), 'name', '');
    await refuses(saveSafetensors(new Map([['a\uD800', t]])), 'name', 'a\uD800');
    t.dispose();
  });

  it('refuses non-string metadata and the checksum keys', async () => {
    const t = tensor([1]);
    const one = new Map([['t', t]]);
    await refuses(saveSafetensors(one, { epoch: 4 } as unknown as Record<string, string>), 'metadata', '__metadata__');
    await refuses(saveSafetensors(one, { 'backprop.crc32': '00000000' }), 'metadata', '__metadata__');
    await refuses(saveSafetensors(one, { 'backprop.header-crc32': '00000000' }), 'metadata', '__metadata__');
    await refuses(saveSafetensors(one, null as unknown as Record<string, string>), 'metadata', '__metadata__');
    t.dispose();
  });

  it('refuses a disposed tensor before reading any tensor', async () => {
    const first = tensor([1]);
    let read = false;
    first.data = () => {
      read = true;
      return Promise.reject(new Error('read'));
    };
    const gone = tensor([2]);
    gone.dispose();
    await refuses(
      saveSafetensors(
        new Map([
          ['first', first],
          ['gone', gone],
        ]),
      ),
      'disposed',
      'gone',
    );
    expect(read).toBe(false);
    first.dispose();
  });
});

// ---------------------------------------------------------------------------------------------
// Seeded fuzz: mutants of a valid file either fail with a CheckpointError or load identically.

const KINDS = SAFETENSORS_KINDS;
type Kind = SafetensorsKind;
const MUTANTS_PER_KIND = 273;

interface KindStats {
  mutants: number;
  rejected: number;
  identical: number;
  checksumCaught: number;
  loadedWithoutChecksum: number;
  dataOnly: number;
}

describe('safetensors fuzz', () => {
  it('every mutant is rejected with a CheckpointError or loads byte-identical, without leaks', async () => {
    const started = performance.now();
    const rand = uniformStream(0x5afe7e25);
    const floats = (n: number) => Float32Array.from({ length: n }, () => rand() * 4 - 2);
    const input = new Map<string, Tensor>([
      ['dense1.weight', tensor(floats(32), [4, 8])],
      ['dense1.bias', tensor(floats(8), [8])],
      ['dense2.weight', tensor(floats(24), [8, 3])],
      ['dense2.bias', tensor(floats(3), [3])],
      ['step', tensor(new Int32Array([1234]), [], 'int32')],
      ['mask', tensor(new Uint8Array([1, 0, 1, 1, 0]), [5], 'bool')],
      ['empty', tensor(new Float32Array(0), [0, 3])],
    ]);
    const original = await saveSafetensors(input, { format: 'fuzz-1', epoch: '3' });
    const expected = new Map(
      [...input].map(([k, t]) => [k, { dtype: t.dtype, shape: [...t.shape], bytes: bytesOf(t) }]),
    );
    disposeAll(input);
    const headerEnd = 8 + headerLengthOf(original);
    const mutate = safetensorsMutator(original, rand);

    const failures: string[] = [];
    const stats = Object.fromEntries(
      KINDS.map((k) => [
        k,
        { mutants: 0, rejected: 0, identical: 0, checksumCaught: 0, loadedWithoutChecksum: 0, dataOnly: 0 },
      ]),
    ) as Record<Kind, KindStats>;
    const rules: Record<string, number> = {};

    const sameAsOriginal = (tensors: Map<string, Tensor>): string | undefined => {
      if (tensors.size !== expected.size) return `${tensors.size} tensors instead of ${expected.size}`;
      for (const [name, want] of expected) {
        const t = tensors.get(name);
        if (!t) return `missing ${name}`;
        if (t.dtype !== want.dtype || JSON.stringify(t.shape) !== JSON.stringify(want.shape))
          return `${name} is ${t.dtype}${JSON.stringify(t.shape)}`;
        const got = bytesOf(t);
        if (got.length !== want.bytes.length || got.some((b, i) => b !== want.bytes[i]))
          return `${name} has other bytes`;
      }
      return undefined;
    };

    for (let n = 0; n < KINDS.length * MUTANTS_PER_KIND; n++) {
      const kind = KINDS[n % KINDS.length];
      const m = mutate(kind);
      const s = stats[kind];
      s.mutants++;
      const identical = m.byteLength === original.byteLength && m.every((b, i) => b === original[i]);
      const dataOnly =
        !identical &&
        m.byteLength === original.byteLength &&
        m.subarray(0, headerEnd).every((b, i) => b === original[i]);
      if (dataOnly) s.dataOnly++;
      const label = `${kind} #${n}${dataOnly ? ' (data only)' : ''}`;

      // With the checksum: a CheckpointError, or exactly the original tensors.
      let live = liveTensorCount();
      try {
        const { tensors } = loadSafetensors(m);
        const diff = sameAsOriginal(tensors);
        disposeAll(tensors);
        if (dataOnly) failures.push(`${label}: a data-only change loaded`);
        else if (diff) failures.push(`${label}: loaded different tensors: ${diff}`);
        else s.identical++;
      } catch (e) {
        if (!(e instanceof CheckpointError)) failures.push(`${label}: ${(e as Error).name}: ${(e as Error).message}`);
        else {
          s.rejected++;
          rules[e.rule] = (rules[e.rule] ?? 0) + 1;
          if (e.rule === 'checksum') s.checksumCaught++;
          if (dataOnly && e.rule !== 'checksum') failures.push(`${label}: rule ${e.rule} instead of checksum`);
        }
      }
      if (liveTensorCount() !== live) failures.push(`${label}: ${liveTensorCount() - live} tensors leaked`);

      // Without the checksum, the format rules alone: a CheckpointError or a load; never another error.
      live = liveTensorCount();
      try {
        const { tensors } = loadSafetensors(m, { verifyChecksum: false });
        disposeAll(tensors);
        s.loadedWithoutChecksum++;
      } catch (e) {
        if (!(e instanceof CheckpointError))
          failures.push(`${label} (no checksum): ${(e as Error).name}: ${(e as Error).message}`);
      }
      if (liveTensorCount() !== live) failures.push(`${label} (no checksum): tensors leaked`);
    }

    expect(failures).toEqual([]);
    // The fuzz reaches every outcome, and the cuts can never load.
    const total = Object.values(stats).reduce(
      (a, s) => ({
        rejected: a.rejected + s.rejected,
        identical: a.identical + s.identical,
        crc: a.crc + s.checksumCaught,
      }),
      { rejected: 0, identical: 0, crc: 0 },
    );
    expect(total.rejected).toBeGreaterThan(1000);
    expect(total.identical).toBeGreaterThan(0);
    expect(total.crc).toBeGreaterThan(100);
    expect(stats.truncate.rejected).toBe(MUTANTS_PER_KIND);
    expect(stats.extend.rejected).toBe(MUTANTS_PER_KIND);
    expect(Object.keys(rules).length).toBeGreaterThan(8);
    expect(performance.now() - started).toBeLessThan(30_000);
  }, 60_000);
});

describe('what saveSafetensors and saveCheckpoint are given', () => {
  it('a plain object of tensors saves as a Map does; anything else is a ValueError, not a TypeError', async () => {
    const w = tensor([1, 2, 3]);
    const fromObject = await saveSafetensors({ w });
    const fromMap = await saveSafetensors(new Map([['w', w]]));
    expect(fromObject).toEqual(fromMap);
    for (const bad of [null, 5, [w], w])
      await expect(saveSafetensors(bad as never)).rejects.toThrow(
        /^saveSafetensors: expected a Map or an object of tensors by name \(model\.stateDict\(\)\), got /,
      );
    w.dispose();
  });

  it('saveCheckpoint refuses metadata that is not an object', async () => {
    const { nn, saveCheckpoint } = await import('@backprop/core');
    const model = nn.sequential(nn.dense(2, 2));
    await expect(saveCheckpoint(model, undefined, null as never)).rejects.toThrow(
      new ValueError('saveCheckpoint: metadata must be an object of strings, got null'),
    );
    model.dispose();
  });
});
