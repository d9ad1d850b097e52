/**
 * Seeded mutators of safetensors files and checkpoints, for the fuzz tests of their readers
 * (safetensors.test.ts, checkpoint-fuzz.test.ts), and the file helpers they share.
 */
import { Generator, philoxUniform } from '@backprop/core';

const enc = new TextEncoder();
const DATA_CRC_KEY = 'backprop.crc32';
const HEADER_CRC_KEY = 'backprop.header-crc32';
const STATE_KEY = 'backprop.state';
const METADATA = '__metadata__';

/** A file from raw header bytes and data bytes (no padding, as a hand-made file may be). */
export function rawFile(head: Uint8Array, data: ArrayLike<number> = [], headerLength = head.byteLength): Uint8Array {
  const out = new Uint8Array(8 + head.byteLength + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(head, 8);
  out.set(data, 8 + head.byteLength);
  return out;
}

/** A file whose header is `header` (JSON text, or a value to stringify) followed by `data`. */
export function file(header: unknown, data: ArrayLike<number> = []): Uint8Array {
  return rawFile(enc.encode(typeof header === 'string' ? header : JSON.stringify(header)), data);
}

export function headerLengthOf(bytes: Uint8Array): number {
  return Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
}

export function headerOf(bytes: Uint8Array): Record<string, any> {
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLengthOf(bytes))));
}

export function dataOf(bytes: Uint8Array): Uint8Array {
  return bytes.subarray(8 + headerLengthOf(bytes));
}

/** Bit-at-a-time CRC-32 (zlib's) as 8 hex digits, independent of the table-driven one under test. */
export function crc32(bytes: Uint8Array): string {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ((c ^ 0xffffffff) >>> 0).toString(16).padStart(8, '0');
}

/** A seeded stream of floats in [0, 1) on the host: core's Philox {@link Generator}, one value per call. */
export function uniformStream(seed: number): () => number {
  const generator = new Generator(seed);
  return () => {
    const { key, offset } = generator.next(1);
    return philoxUniform(key, offset, 1)[0];
  };
}

/** A header as its top-level [name, value] pairs, in file order (so duplicates and order can be made). */
export type Pairs = [string, any][];

/** A file from header pairs and the data section: the JSON header space-padded as the writer pads it. */
export function assemble(ps: Pairs, data: Uint8Array): Uint8Array {
  let text = `{${ps.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
  text += ' '.repeat((8 - ((enc.encode(text).byteLength + 8) % 8)) % 8);
  return file(text, data);
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * `backprop.header-crc32` of a header, computed as the writer does: CRC-32 of the UTF-8 of
 * `JSON.stringify([metadata, tensors])`, metadata as [key, value] pairs sorted by key without the
 * two checksum keys, tensors as [name, dtype, shape, begin, end] sorted by begin, end, then name.
 */
export function headerCrc32(ps: Pairs): string {
  const meta = ps.find(([k]) => k === METADATA)?.[1] ?? {};
  const pairs = (Object.entries(meta) as [string, string][])
    .filter(([k]) => k !== DATA_CRC_KEY && k !== HEADER_CRC_KEY)
    .sort((a, b) => compareStrings(a[0], b[0]));
  const rows = ps
    .filter(([k]) => k !== METADATA)
    .map(([name, e]) => [name, e.dtype, e.shape, e.data_offsets[0], e.data_offsets[1]] as const)
    .sort((a, b) => a[3] - b[3] || a[4] - b[4] || compareStrings(a[0], b[0]));
  return crc32(enc.encode(JSON.stringify([pairs, rows])));
}

// ---------------------------------------------------------------------------------------------
// Mutators of any safetensors file.

export const SAFETENSORS_KINDS = [
  'flip-bit',
  'overwrite-byte',
  'truncate',
  'extend',
  'json-number',
  'json-dtype',
  'json-delete',
  'json-add',
  'json-junk',
  'json-duplicate',
  'header-length',
] as const;
export type SafetensorsKind = (typeof SAFETENSORS_KINDS)[number];

/**
 * Mutants of the valid file `original`, drawn from `rand`: bit flips, byte overwrites, cuts,
 * extensions, structured edits of the JSON header (re-serialized with its length recomputed;
 * the checksums are left as they were), and wrong header lengths.
 */
export function safetensorsMutator(original: Uint8Array, rand: () => number): (kind: SafetensorsKind) => Uint8Array {
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const headerEnd = 8 + headerLengthOf(original);
  const data = original.slice(headerEnd);
  const pairs = Object.entries(headerOf(original));
  const tensorNames = pairs.filter(([k]) => k !== METADATA).map(([k]) => k);

  const junk = (): unknown =>
    pick([null, 'x', '', [], [1, 2], [0, 0], 0, -1, 1.5, {}, true, '0', { dtype: 'F32' }, [[0]], 2 ** 60]);
  const clonePairs = (): Pairs => structuredClone(pairs);
  const entryOf = (ps: Pairs, name: string): any => ps.find(([k]) => k === name)![1];

  return (kind: SafetensorsKind): Uint8Array => {
    const L = original.byteLength;
    switch (kind) {
      case 'flip-bit': {
        const m = original.slice();
        m[int(L)] ^= 1 << int(8);
        return m;
      }
      case 'overwrite-byte': {
        const m = original.slice();
        m[int(L)] = int(256);
        return m;
      }
      case 'truncate':
        return original.slice(0, int(L));
      case 'extend': {
        const m = new Uint8Array(L + 1 + int(16));
        m.set(original);
        for (let i = L; i < m.length; i++) m[i] = int(256);
        return m;
      }
      case 'json-number': {
        const ps = clonePairs();
        const entry = entryOf(ps, pick(tensorNames));
        const field: number[] = entry.shape.length > 0 && rand() < 0.5 ? entry.shape : entry.data_offsets;
        const i = int(field.length);
        field[i] = rand() < 0.2 ? -(1 + int(8)) : field[i] + (rand() < 0.5 ? -1 : 1) * (1 + int(8));
        return assemble(ps, data);
      }
      case 'json-dtype': {
        const ps = clonePairs();
        const a = entryOf(ps, pick(tensorNames));
        if (rand() < 0.6) {
          const b = entryOf(ps, pick(tensorNames));
          [a.dtype, b.dtype] = [b.dtype, a.dtype];
        } else a.dtype = pick(['F32', 'I32', 'BOOL', 'F16', 'BF16', 'F64', 'I64', 'U8', 'f32', '', 'I32 ']);
        return assemble(ps, data);
      }
      case 'json-delete': {
        const ps = clonePairs();
        const i = int(ps.length);
        if (rand() < 0.3) ps.splice(i, 1);
        else {
          const keys = Object.keys(ps[i][1]);
          delete ps[i][1][pick(keys)];
        }
        return assemble(ps, data);
      }
      case 'json-add': {
        const ps = clonePairs();
        if (rand() < 0.4) {
          const value = rand() < 0.5 ? { dtype: pick(['F32', 'BOOL']), shape: [0], data_offsets: [0, 0] } : junk();
          ps.splice(int(ps.length + 1), 0, [pick(['extra', '__metadata', 'dense1.weight ', '__proto__']), value]);
        } else {
          const [k, v] = ps[int(ps.length)];
          const key = pick(k === METADATA ? ['note', 'backprop.x', '__proto__'] : ['extra', 'dtype2', '__proto__']);
          // defineProperty, so that "__proto__" becomes a key and not the prototype.
          const value = k === METADATA ? 'x' : junk();
          Object.defineProperty(v, key, { value, enumerable: true, writable: true, configurable: true });
        }
        return assemble(ps, data);
      }
      case 'json-junk': {
        const ps = clonePairs();
        const i = int(ps.length);
        if (rand() < 0.3) ps[i][1] = junk();
        else {
          const keys = Object.keys(ps[i][1]);
          ps[i][1][pick(keys)] = junk();
        }
        return assemble(ps, data);
      }
      case 'json-duplicate': {
        const ps = clonePairs();
        const copy = structuredClone(ps[int(ps.length)]);
        if (rand() < 0.5 && copy[1].data_offsets)
          copy[1].data_offsets = [0, copy[1].data_offsets[1] - copy[1].data_offsets[0]];
        ps.splice(int(ps.length + 1), 0, copy);
        return assemble(ps, data);
      }
      case 'header-length': {
        const m = original.slice();
        const delta = (rand() < 0.5 ? -1 : 1) * (1 + int(7));
        new DataView(m.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(headerEnd - 8 + delta)), true);
        return m;
      }
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Mutators of checkpoints (saveCheckpoint's files): the training state JSON and the tensor table.

export const CHECKPOINT_KINDS = [
  'state-position',
  'state-progress',
  'state-body',
  'state-history',
  'state-generators',
  'state-groups',
  'state-slots',
  'state-text',
  'entry-rename',
  'entry-swap',
  'entry-add',
  'entry-dtype',
  'entry-shape',
  'slot-rename',
  'slot-tensor-rename',
  'metadata',
  'step-data',
  'data-bytes',
] as const;
export type CheckpointKind = (typeof CHECKPOINT_KINDS)[number];

/** One checkpoint mutant, in two versions. */
export interface CheckpointMutant {
  /** What was changed, for failure messages. */
  what: string;
  /** The mutant with the checksums of the original file, now stale: the checksum must catch it. */
  stale: Uint8Array;
  /**
   * The same mutant with its checksums recomputed (or, when `stripped`, one or both removed), so
   * that it reaches the checkpoint's own validation.
   */
  sealed: Uint8Array;
  /**
   * True when `sealed` lacks a checksum: a checkpoint is always written with both, so it must be
   * refused (rule `missing-checksum`), and reaches the checkpoint's validation (`allowed`) only
   * with `{ verifyChecksum: false }`.
   */
  stripped: boolean;
  /** True when only data bytes changed (the header is the original's). */
  dataOnly: boolean;
  /**
   * The outcomes allowed for `sealed`: rule ids, and `null` for a load. Undefined: any typed
   * rejection, or a load of exactly what the file holds.
   */
  allowed?: (string | null)[];
}

/** A tagged non-finite number, as the training state's JSON writes one. */
const tag = (n: string) => ({ $number: n });

/**
 * Mutants of the checkpoint `original` (saved with an optimizer that has slots), drawn from
 * `rand`. Structured mutants edit the header's JSON (the training state in `backprop.state`, the
 * tensor table) and re-serialize it with the header length recomputed; data mutants edit the
 * bytes of the tensors. Each comes stale (checksums as they were) and sealed (recomputed).
 */
export function checkpointMutator(
  original: Uint8Array,
  rand: () => number,
): (kind: CheckpointKind) => CheckpointMutant {
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const chance = (p: number) => rand() < p;
  const data = original.slice(8 + headerLengthOf(original));
  const pairs: Pairs = Object.entries(headerOf(original));
  const baseState = JSON.parse(pairs.find(([k]) => k === METADATA)![1][STATE_KEY]);
  const tensorNames = pairs.filter(([k]) => k !== METADATA).map(([k]) => k);
  const slotNames = Object.keys(baseState.optimizer.slots) as string[];
  const stepNames = tensorNames.filter((n) => n.startsWith('optimizer.') && n.endsWith('.step'));

  /** Finishes a mutant from edited header pairs and data. */
  const finish = (
    what: string,
    ps: Pairs,
    d: Uint8Array,
    allowed?: (string | null)[],
    strip = chance(0.2),
  ): CheckpointMutant => {
    const sealedPairs = structuredClone(ps);
    const meta = sealedPairs.find(([k]) => k === METADATA)?.[1];
    if (meta) {
      if (strip) {
        // A checkpoint without (one of) its checksums: refused unless the checks are skipped.
        delete meta[HEADER_CRC_KEY];
        if (chance(0.5)) delete meta[DATA_CRC_KEY];
        else meta[DATA_CRC_KEY] = crc32(d);
      } else {
        meta[DATA_CRC_KEY] = crc32(d);
        meta[HEADER_CRC_KEY] = headerCrc32(sealedPairs);
      }
    }
    const dataOnly = d !== data && ps === pairs;
    return {
      what: `${what}${strip ? ' (checksums removed when sealed)' : ''}`,
      stale: assemble(ps, d),
      sealed: assemble(sealedPairs, d),
      stripped: strip && meta !== undefined,
      dataOnly,
      allowed,
    };
  };

  /** The pairs with the training state replaced by `edit(state)` (or by the text it returns). */
  const withState = (edit: (s: any) => unknown): Pairs => {
    const ps: Pairs = structuredClone(pairs);
    const meta = ps.find(([k]) => k === METADATA)![1];
    const state = structuredClone(baseState);
    const out = edit(state);
    meta[STATE_KEY] = typeof out === 'string' ? out : JSON.stringify(out === undefined ? state : out);
    return ps;
  };
  const stateEdit = (what: string, allowed: (string | null)[] | undefined, edit: (s: any) => unknown) =>
    finish(what, withState(edit), data, allowed);

  /** Edits that break an object's keys: one removed, added or renamed. */
  const keyEdit = (obj: Record<string, unknown>): string => {
    const keys = Object.keys(obj);
    const k = pick(keys);
    switch (int(4)) {
      case 0:
        delete obj[k];
        return `removed ${k}`;
      case 1: {
        const extra = pick(['extra', '__proto__', 'constructor', '']);
        Object.defineProperty(obj, extra, { value: 0, enumerable: true, writable: true, configurable: true });
        return `added ${JSON.stringify(extra)}`;
      }
      case 2: {
        const to = pick([k.toUpperCase(), `${k} `, `${k}s`]);
        obj[to] = obj[k];
        delete obj[k];
        return `renamed ${k} to ${JSON.stringify(to)}`;
      }
      default: {
        if (keys.length < 2) {
          delete obj[k];
          return `removed ${k}`;
        }
        // One key naming all of them, comma-joined as the key check joins them.
        const all = [...keys].sort().join();
        for (const key of keys) delete obj[key];
        obj[all] = 0;
        return `one key ${JSON.stringify(all)}`;
      }
    }
  };

  /** A mutant whose edit breaks the keys of the object `of(state)` picks. */
  const keysMutant = (what: string, allowed: string[], of: (s: any) => Record<string, unknown>) => {
    let how = '';
    const ps = withState((s) => {
      how = keyEdit(of(s));
    });
    return finish(`${what}: ${how}`, ps, data, allowed);
  };

  const numberLike = (valid: unknown[], invalid: unknown[], rule: string): [unknown, (string | null)[]] => {
    if (chance(0.2)) return [pick(valid), [null]];
    return [pick(invalid), [rule]];
  };
  const INVALID_COUNT = [-1, 1.5, -0.5, '1', '', null, true, [], [1], {}, tag('Infinity'), tag('NaN'), 2 ** 53, 1e300];

  /** The pairs with the tensor table entries renamed by `rename` (old name → new name). */
  const renamed = (ps: Pairs, rename: Map<string, string>): Pairs =>
    ps.map(([k, v]): [string, any] => [rename.get(k) ?? k, v]);

  return (kind: CheckpointKind): CheckpointMutant => {
    switch (kind) {
      case 'state-position': {
        if (chance(0.3)) {
          let what = '';
          const ps = withState((s) => {
            if (chance(0.2)) {
              s.position = pick([null, [], 'x', 0]);
              what = `= ${JSON.stringify(s.position)}`;
            } else what = keyEdit(s.position);
          });
          // The comma-joined key passes the key check, then fails the position rule.
          return finish(`position ${what}`, ps, data, ['state', 'position']);
        }
        const field = pick(['epoch', 'batch']);
        const [value, allowed] = numberLike([0, 7, 2 ** 53 - 1], INVALID_COUNT, 'position');
        return stateEdit(`position.${field} = ${JSON.stringify(value)}`, allowed, (s) => {
          s.position[field] = value;
        });
      }
      case 'state-progress': {
        if (chance(0.25)) return keysMutant('progress', ['state', 'progress'], (s) => s.progress);
        const field = pick(['seen', 'lossSum', 'metricSums']);
        const [value, allowed] =
          field === 'seen'
            ? numberLike([0, 12], INVALID_COUNT, 'progress')
            : field === 'lossSum'
              ? numberLike([0, -3.5, tag('NaN'), tag('-Infinity')], ['x', null, true, [], {}, tag('nan')], 'progress')
              : numberLike([[], [1, tag('NaN')]], ['x', null, ['x'], [null], [[1]], {}, 3], 'progress');
        return stateEdit(`progress.${field} = ${JSON.stringify(value)}`, allowed, (s) => {
          s.progress[field] = value;
        });
      }
      case 'state-body': {
        switch (int(3)) {
          case 0:
            return keysMutant('state', ['state'], (s) => s);
          case 1: {
            const v = pick([1, 3, '2', null, 2.5, tag('NaN'), [2]]);
            return stateEdit(`version = ${JSON.stringify(v)}`, ['state'], (s) => {
              s.version = v;
            });
          }
          default: {
            const v = pick([null, [], 'x', 7, true, {}]);
            return stateEdit(`state = ${JSON.stringify(v)}`, ['state'], () => v);
          }
        }
      }
      case 'state-history': {
        const [value, allowed] = numberLike(
          [[], [{}], [{ loss: 1.5 }], [{ loss: tag('NaN'), accuracy: 0.5 }]],
          ['x', null, {}, 3, ['x'], [null], [[1]], [{ loss: 'x' }], [{ loss: null }], [{ loss: [1] }]],
          'state',
        );
        return stateEdit(`history = ${JSON.stringify(value)}`, allowed, (s) => {
          s.history = value;
        });
      }
      case 'state-generators': {
        switch (int(4)) {
          case 0: {
            const key = pick([
              [1],
              [1, 2, 3],
              [-1, 0],
              [2 ** 32, 0],
              [1.5, 0],
              ['1', 0],
              'x',
              null,
              [null, 0],
              [tag('Infinity'), 0],
            ]);
            if (chance(0.2))
              return stateEdit('generators.global.key = [7, 9]', [null], (s) => {
                s.generators.global.key = [7, 9];
              });
            return stateEdit(`generators.global.key = ${JSON.stringify(key)}`, ['generator'], (s) => {
              s.generators.global.key = key;
            });
          }
          case 1: {
            const [value, allowed] = numberLike([0, 5, 2 ** 53 - 1], INVALID_COUNT, 'generator');
            return stateEdit(`generators.global.offset = ${JSON.stringify(value)}`, allowed, (s) => {
              s.generators.global.offset = value;
            });
          }
          case 2: {
            const v = pick([null, 'x', [], 3, { '0.rng': { key: [1, 2], offset: 0 } }, { '': null }]);
            return stateEdit(`generators.modules = ${JSON.stringify(v)}`, ['generator'], (s) => {
              s.generators.modules = v;
            });
          }
          default: {
            // A comma-joined key passes the key check, then fails the generator rule.
            const which = pick(['generators', 'generators.global']);
            return keysMutant(which, ['state', 'generator'], (s) =>
              which === 'generators' ? s.generators : s.generators.global,
            );
          }
        }
      }
      case 'state-groups': {
        switch (int(4)) {
          case 0: {
            const v = pick([[], 'groups2', 'x', null, {}, 1]);
            return stateEdit(`optimizer.groups = ${JSON.stringify(v)}`, ['groups'], (s) => {
              s.optimizer.groups = v === 'groups2' ? [s.optimizer.groups[0], s.optimizer.groups[0]] : v;
            });
          }
          case 1: {
            const v = pick([null, 'x', [], 0.1]);
            return stateEdit(`optimizer.groups.0 = ${JSON.stringify(v)}`, ['state'], (s) => {
              s.optimizer.groups[0] = v;
            });
          }
          case 2:
            return keysMutant('optimizer.groups.0', ['state'], (s) => s.optimizer.groups[0]);
          default: {
            const [value, allowed] = numberLike(
              [0, 0.25, 1e-30, 1e300],
              [
                tag('NaN'),
                tag('Infinity'),
                tag('-Infinity'),
                -0.1,
                -1e-300,
                -1,
                '0.1',
                [0.1],
                [],
                true,
                null,
                {},
                tag('nan'),
              ],
              'hyperparameter',
            );
            return stateEdit(`optimizer.groups.0.lr = ${JSON.stringify(value)}`, allowed, (s) => {
              s.optimizer.groups[0].lr = value;
            });
          }
        }
      }
      case 'state-slots': {
        const name = pick(slotNames);
        switch (int(6)) {
          case 0: {
            // A slot for a parameter the model does not have (its tensors are then missing).
            const to = pick(['0.weigh', '1.weight', '9.bias', '', '__proto__', 'constructor', 'toString', '0']);
            const rename = chance(0.5);
            return stateEdit(
              `optimizer.slots: ${rename ? `${name} renamed` : 'added'} ${JSON.stringify(to)}`,
              ['slot'],
              (s) => {
                const slots = s.optimizer.slots;
                Object.defineProperty(slots, to, {
                  value: slots[name],
                  enumerable: true,
                  writable: true,
                  configurable: true,
                });
                if (rename) delete slots[name];
              },
            );
          }
          case 1: {
            // Renamed onto another parameter's slot: JSON.parse keeps the last, so one slot's tensors go unread.
            const other = pick(slotNames.filter((n) => n !== name));
            return stateEdit(
              `optimizer.slots: ${name} renamed to ${other} (a duplicate key)`,
              ['unexpected-entry'],
              (s) => {
                const text = JSON.stringify(s);
                return text.replace(JSON.stringify(name), JSON.stringify(other));
              },
            );
          }
          case 2:
            return stateEdit(`optimizer.slots: ${name} removed`, ['unexpected-entry'], (s) => {
              delete s.optimizer.slots[name];
            });
          case 3: {
            const options: [unknown, string][] = [
              [[], 'unexpected-entry'],
              [['velocity', 'velocity'], 'slot'],
              [['step'], 'slot'],
              [['velocity', 'step'], 'slot'],
              [['velocity', 'extra'], 'missing-entry'],
              [['velocity '], 'missing-entry'],
              [['Velocity'], 'missing-entry'],
              ['velocity', 'slot'],
              [[1], 'slot'],
              [null, 'slot'],
              [{}, 'slot'],
              [[['velocity']], 'slot'],
            ];
            const [v, rule] = pick(options);
            return stateEdit(`optimizer.slots.${name} = ${JSON.stringify(v)}`, [rule], (s) => {
              s.optimizer.slots[name] = v;
            });
          }
          case 4: {
            const v = pick([null, [], 'x', 1, {}]);
            return stateEdit(
              `optimizer.slots = ${JSON.stringify(v)}`,
              [v !== null && typeof v === 'object' && !Array.isArray(v) ? 'unexpected-entry' : 'state'],
              (s) => {
                s.optimizer.slots = v;
              },
            );
          }
          default: {
            if (chance(0.4)) return keysMutant('optimizer', ['state'], (s) => s.optimizer);
            const v = pick([null, 'x', [], 0]);
            return stateEdit(`optimizer = ${JSON.stringify(v)}`, ['state'], (s) => {
              s.optimizer = v;
            });
          }
        }
      }
      case 'state-text': {
        // The state's JSON text itself: cut, padded, re-spaced or spelled another way.
        const text = pairs.find(([k]) => k === METADATA)![1][STATE_KEY] as string;
        switch (int(5)) {
          case 0: {
            const at = int(text.length);
            return stateEdit(`state cut at ${at}`, ['state'], () => text.slice(0, at));
          }
          case 1:
            return stateEdit('state re-spaced', [null], () => JSON.stringify(baseState, null, pick([1, 2, '\t'])));
          case 2:
            return stateEdit('version spelled 2.0', [null], () => text.replace('"version":2', '"version":2.0'));
          case 3: {
            const junk = pick(['x', ',', '}', '{}', ' 1']);
            return stateEdit(`state followed by ${JSON.stringify(junk)}`, ['state'], () => `${text}${junk}`);
          }
          default: {
            // A key twice: JSON.parse keeps the last, so the last must be valid for the file to load.
            const [dup, rule] = pick<[string, string | null]>([
              ['"position":{"epoch":-1,"batch":0}', null],
              ['"position":null', null],
              ['"version":1', null],
            ]);
            const tail = pick([true, false]);
            const edited = tail ? text.replace(/}$/, `,${dup}}`) : text.replace(/^{/, `{${dup},`);
            const allowed = tail
              ? [dup.startsWith('"version"') ? 'state' : dup.includes('-1') ? 'position' : 'state']
              : [rule];
            return stateEdit(`state with ${dup} ${tail ? 'last' : 'first'}`, allowed, () => edited);
          }
        }
      }
      case 'entry-rename': {
        // A tensor renamed in the table: the name the model (or optimizer) needs is missing.
        const from = pick(tensorNames);
        const to = pick([
          `${from} `,
          `${from}x`,
          from.toUpperCase(),
          from.replace(/^[a-z]+\./, 'callbacks.'),
          from.replace(/\.(step|velocity)$/, '.momentum'),
          'extra',
        ]);
        if (to === from || tensorNames.includes(to)) return kindFallback(from);
        return finish(`entry ${from} renamed ${JSON.stringify(to)}`, renamed(pairs, new Map([[from, to]])), data, [
          'missing-entry',
        ]);
      }
      case 'entry-swap': {
        // Two tensors' names swapped: the loader must notice a dtype or shape; same kinds load swapped.
        const a = pick(tensorNames);
        const b = pick(tensorNames.filter((n) => n !== a));
        return finish(
          `entries ${a} and ${b} swapped`,
          renamed(
            pairs,
            new Map([
              [a, b],
              [b, a],
            ]),
          ),
          data,
          ['dtype', 'shape', null],
        );
      }
      case 'entry-add': {
        // An empty tensor at the end: the format allows it; nothing in the checkpoint reads it.
        const name = pick([
          'extra',
          'model.extra',
          'model.0.weight.x',
          'optimizer.0.weight.extra',
          'optimizer.9.weight.step',
          'callbacks.0.x',
          'model.1.weight',
        ]);
        const ps = structuredClone(pairs);
        const shape = pick([[0], [0, 3], [2, 0]]);
        ps.splice(1 + int(ps.length), 0, [
          name,
          { dtype: pick(['F32', 'I32', 'BOOL']), shape, data_offsets: [data.byteLength, data.byteLength] },
        ]);
        return finish(`empty entry ${name} ${JSON.stringify(shape)} added`, ps, data, ['unexpected-entry']);
      }
      case 'entry-dtype': {
        // F32 ↔ I32 (same size, so the format allows it).
        const name = pick(tensorNames);
        const ps = structuredClone(pairs);
        const e = ps.find(([k]) => k === name)![1];
        e.dtype = e.dtype === 'F32' ? 'I32' : 'F32';
        return finish(`entry ${name} read as ${e.dtype}`, ps, data, ['dtype']);
      }
      case 'entry-shape': {
        // Another shape of as many elements.
        const name = pick(tensorNames);
        const ps = structuredClone(pairs);
        const e = ps.find(([k]) => k === name)![1];
        const n = (e.shape as number[]).reduce((a, b) => a * b, 1);
        const options = [[n], [1, n], [n, 1], [n, 1, 1]].filter((s) => JSON.stringify(s) !== JSON.stringify(e.shape));
        if (e.shape.length === 2) options.push([e.shape[1], e.shape[0]]);
        if (n % 2 === 0) options.push([2, n / 2]);
        e.shape = pick(options);
        return finish(`entry ${name} shaped ${JSON.stringify(e.shape)}`, ps, data, ['shape']);
      }
      case 'slot-rename': {
        const name = pick(slotNames);
        if (chance(0.3)) {
          // Two slots' tensors swapped (the state unchanged): the velocities have other shapes.
          const other = pick(slotNames.filter((n) => n !== name));
          const rename = new Map<string, string>();
          for (const n of tensorNames) {
            if (n.startsWith(`optimizer.${name}.`)) rename.set(n, `optimizer.${other}.${n.slice(name.length + 11)}`);
            if (n.startsWith(`optimizer.${other}.`)) rename.set(n, `optimizer.${name}.${n.slice(other.length + 11)}`);
          }
          return finish(`slot tensors of ${name} and ${other} swapped`, renamed(pairs, rename), data, ['shape']);
        }
        // A slot's parameter renamed everywhere (state and tensors) to one the model lacks.
        const to = pick(['0.weigh', '1.weight', '9.bias', 'weight', '0.weight.velocity']);
        const ps = withState((s) => {
          const slots = s.optimizer.slots;
          slots[to] = slots[name];
          delete slots[name];
        });
        const rename = new Map(
          tensorNames
            .filter((n) => n.startsWith(`optimizer.${name}.`))
            .map((n) => [n, `optimizer.${to}.${n.slice(`optimizer.${name}.`.length)}`]),
        );
        return finish(`slot ${name} renamed ${to} everywhere`, renamed(ps, rename), data, ['slot']);
      }
      case 'slot-tensor-rename': {
        // A slot's tensor renamed everywhere (state and tensors): the checkpoint is consistent, so
        // the optimizer's setState must refuse a name it does not know, changing nothing.
        const name = pick(slotNames);
        const from = pick(baseState.optimizer.slots[name] as string[]);
        const to = pick(['momentum', 'expAvg', `${from}2`, `${from} `]);
        const ps = withState((s) => {
          const keys: string[] = s.optimizer.slots[name];
          keys[keys.indexOf(from)] = to;
        });
        const tensorName = `optimizer.${name}.${from}`;
        return finish(
          `slot ${name}: tensor ${from} renamed ${JSON.stringify(to)} everywhere`,
          renamed(ps, new Map([[tensorName, `optimizer.${name}.${to}`]])),
          data,
        );
      }
      case 'metadata': {
        const ps = structuredClone(pairs);
        const meta = ps.find(([k]) => k === METADATA)![1];
        switch (int(4)) {
          case 0: {
            const v = pick(['backprop-checkpoint-1', 'backprop-checkpoint-3', '', 'BACKPROP-CHECKPOINT-2', 'pt', null]);
            if (v === null) delete meta.format;
            else meta.format = v;
            return finish(`format = ${JSON.stringify(v)}`, ps, data, ['format']);
          }
          case 1: {
            const v = pick([null, '', 'null', '{', 'x', '[]']);
            if (v === null) delete meta[STATE_KEY];
            else meta[STATE_KEY] = v;
            return finish(`${STATE_KEY} = ${JSON.stringify(v)}`, ps, data, ['state']);
          }
          case 2: {
            const to = pick(['backprop.State', 'backprop.state ', 'state']);
            meta[to] = meta[STATE_KEY];
            delete meta[STATE_KEY];
            // Another `backprop.` key is refused as unknown before the state is missed.
            return finish(`${STATE_KEY} renamed ${JSON.stringify(to)}`, ps, data, [
              to.startsWith('backprop.') ? 'metadata' : 'state',
            ]);
          }
          default: {
            // The user's metadata: changed, removed or added, the checkpoint itself unchanged.
            const op = int(3);
            const key = pick(['other', 'backprop.other', '__proto__']);
            if (op === 0) meta.note = pick(['y', '', 'x '.repeat(3)]);
            else if (op === 1) delete meta.note;
            else
              Object.defineProperty(meta, key, {
                value: 'z',
                enumerable: true,
                writable: true,
                configurable: true,
              });
            // A `backprop.` key the format does not have is refused (Backprop's keys are its own).
            return finish(`user metadata edit ${op}${op === 2 ? ` (${key})` : ''}`, ps, data, [
              op === 2 && key === 'backprop.other' ? 'metadata' : null,
            ]);
          }
        }
      }
      case 'step-data': {
        // A step count set in the data: negative ones must be refused by the step-count rule.
        const name = pick(stepNames);
        const [begin] = pairs.find(([k]) => k === name)![1].data_offsets as number[];
        const negative = chance(0.8);
        const value = negative ? pick([-1, -(2 ** 31), -7]) : pick([0, 2 ** 31 - 1, 100]);
        const d = data.slice();
        new DataView(d.buffer).setInt32(begin, value, true);
        return finish(`${name} = ${value}`, pairs, d, [negative ? 'step-count' : null], false);
      }
      case 'data-bytes': {
        // Bytes of any tensor changed: the checksum catches them; without it they load as written.
        const d = data.slice();
        const count = 1 + int(3);
        for (let i = 0; i < count; i++) {
          const at = int(d.byteLength);
          if (chance(0.5)) d[at] ^= 1 << int(8);
          else d[at] = int(256);
        }
        return finish(`${count} data bytes changed`, pairs, d, undefined, false);
      }
    }
  };

  /** When a drawn rename would be a no-op or a collision: rename to a name nothing uses. */
  function kindFallback(from: string): CheckpointMutant {
    return finish(`entry ${from} renamed "zz"`, renamed(pairs, new Map([[from, 'zz']])), data, ['missing-entry']);
  }
}
