/**
 * A seeded fuzz of checkpoint loading: mutants of a checkpoint (bytes, header, training state,
 * tensor table, data) loaded into a model and optimizer with other state. Each load either throws
 * a typed error and changes nothing (no tensor leaked), or loads exactly what the file holds.
 */
import {
  type ArrayDataset,
  BackpropError,
  CheckpointError,
  fit,
  type LoadCheckpointOptions,
  liveTensorCount,
  loadCheckpoint,
  losses,
  type Module,
  manualSeed,
  nn,
  type Optimizer,
  saveCheckpoint,
  type Tensor,
  tensor,
  tidy,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  assemble,
  CHECKPOINT_KINDS,
  type CheckpointKind,
  checkpointMutator,
  dataOf,
  headerCrc32,
  headerLengthOf,
  headerOf,
  type Pairs,
  SAFETENSORS_KINDS,
  type SafetensorsKind,
  safetensorsMutator,
  uniformStream,
} from './mutate.js';
import { Momentum } from './optimizers.js';
import { useCpu } from './setup.js';

beforeAll(useCpu);

const MUTANTS = 3000;
/** The rules the fuzz must reach (a mutator that stops producing its cases fails the test). */
const EXPECTED_RULES = [
  // loadCheckpoint's own
  'format',
  'state',
  'position',
  'progress',
  'generator',
  'groups',
  'hyperparameter',
  'slot',
  'step-count',
  'missing-entry',
  'unexpected-entry',
  'dtype',
  'shape',
  // the safetensors reader's
  'checksum',
  'missing-checksum',
  'header-length',
  'header-json',
  'metadata',
  'entry-keys',
  'duplicate-name',
  'offsets-range',
  'offsets-contiguous',
  'byte-length',
  'trailing-bytes',
];

function data(): ArrayDataset {
  const n = 20;
  const x = new Float32Array(n * 4).map((_, i) => Math.sin(i * 1.3));
  const y = new Int32Array(n).map((_, i) => i % 3);
  return { x, xShape: [n, 4], y, yShape: [n] };
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const bytesOf = (t: Tensor): string => {
  const v = t.dataSync();
  return hex(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
};
const describeTensor = (t: Tensor): string => `${t.dtype}${JSON.stringify(t.shape)}:${bytesOf(t)}`;
/** Hyperparameters as text that tells -0, NaN and ±Infinity apart. */
const hyper = (groups: unknown): string =>
  JSON.stringify(groups, (_k, v) =>
    typeof v === 'number' && (Object.is(v, -0) || !Number.isFinite(v)) ? `number:${Object.is(v, -0) ? '-0' : v}` : v,
  );

/** Everything a checkpoint load may change in a model and a Momentum optimizer, as comparable text. */
interface Recorded {
  params: string[];
  slots: string[];
  groups: string;
}

function record(model: Module, opt: Optimizer): Recorded {
  const s = opt.getState();
  return {
    params: [...model.stateDict()].map(([k, t]) => `${k}=${describeTensor(t)}`),
    slots: [...s.slots]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(
        ([k, slot]) =>
          `${k}: step=${describeTensor(slot.step)} ${Object.keys(slot.tensors)
            .sort()
            .map((n) => `${n}=${describeTensor(slot.tensors[n])}`)
            .join(' ')}`,
      ),
    groups: hyper(s.groups),
  };
}

const FORMATS: Record<string, string> = { F32: 'float32', I32: 'int32', BOOL: 'bool' };

/** Decodes the training state's JSON as the writer tags non-finite numbers and −0. */
function parseState(text: string): any {
  return JSON.parse(text, (_k, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && '$number' in v) {
      const n = v.$number;
      if (n === 'Infinity' || n === '-Infinity' || n === 'NaN' || n === '-0') return Number(n);
    }
    return v;
  });
}

/** What `model` and its Momentum optimizer hold after loading `bytes`, read from the file independently of the loader. */
function written(bytes: Uint8Array, model: Module): Recorded {
  const header = headerOf(bytes);
  const d = dataOf(bytes);
  const entry = (name: string): string => {
    const e = header[name];
    const [begin, end] = e.data_offsets;
    return `${FORMATS[e.dtype]}${JSON.stringify(e.shape)}:${hex(d.subarray(begin, end))}`;
  };
  const state = parseState(header.__metadata__['backprop.state']);
  const slots = state.optimizer.slots as Record<string, string[]>;
  return {
    params: [...model.stateDict().keys()].map((k) => `${k}=${entry(`model.${k}`)}`),
    slots: Object.keys(slots)
      .sort()
      .map(
        (k) =>
          `${k}: step=${entry(`optimizer.${k}.step`)} ${[...slots[k]]
            .sort()
            .map((n) => `${n}=${entry(`optimizer.${k}.${n}`)}`)
            .join(' ')}`,
      ),
    groups: hyper(state.optimizer.groups),
  };
}

const same = (a: Recorded, b: Recorded): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The tensors a model and optimizer own (parameters, buffers, step counts, slot tensors). */
function owned(model: Module, opt: Optimizer): number {
  let n = model.stateDict().size;
  for (const s of opt.getState().slots.values()) n += 1 + Object.keys(s.tensors).length;
  return n;
}

/** The target of every load: other weights, another learning rate and its own slots (one step). */
function buildTarget(): { model: Module; opt: Optimizer } {
  const model = nn.sequential(nn.dense(4, 8, { seed: 3 }), nn.tanh(), nn.dense(8, 3, { seed: 4 }));
  const opt = new Momentum(0.5);
  tidy(() => {
    const params = model.parameters();
    opt.step(
      params,
      params.map((p) => tensor(new Float32Array(p.value.size).fill(0.25), [...p.shape])),
    );
  });
  return { model, opt };
}

/** The base checkpoint: an MLP trained a few steps with Momentum (so it has slots), and its recorded state. */
async function trainBase(): Promise<{ original: Uint8Array; saved: Recorded }> {
  manualSeed(7);
  const base = nn.sequential(nn.dense(4, 8, { seed: 1 }), nn.tanh(), nn.dense(8, 3, { seed: 2 }));
  const baseOpt = new Momentum(0.1);
  await fit(base, data(), {
    loss: losses.softmaxCrossEntropy,
    optimizer: baseOpt,
    batchSize: 5,
    epochs: 2,
    verbose: false,
  });
  const original = await saveCheckpoint(base, baseOpt, { note: 'x' });
  const saved = record(base, baseOpt);
  base.dispose();
  baseOpt.dispose();
  return { original, saved };
}

/** `bytes` with its training state edited and tensors renamed, the header checksum recomputed. */
function edited(bytes: Uint8Array, edit: (state: any) => void, rename = new Map<string, string>()): Uint8Array {
  const header = headerOf(bytes);
  const state = JSON.parse(header.__metadata__['backprop.state']);
  edit(state);
  header.__metadata__['backprop.state'] = JSON.stringify(state);
  const pairs: Pairs = Object.entries(header).map(([k, v]) => [rename.get(k) ?? k, v]);
  header.__metadata__['backprop.header-crc32'] = headerCrc32(pairs);
  return assemble(pairs, dataOf(bytes));
}

/** The outcome of one load: a rule id ("other:<name>" for a BackpropError that is no CheckpointError), or the state loaded. */
type Outcome = { rule: string } | { loaded: Recorded };

describe('checkpoint fuzz', () => {
  it('every mutant is rejected with a typed error and changes nothing, or loads exactly what it holds', async () => {
    const started = performance.now();
    const { original, saved } = await trainBase();
    expect(saved.slots.length).toBe(4);

    let target = buildTarget();
    const initial = record(target.model, target.opt);
    expect(same(initial, saved)).toBe(false);
    expect(initial.slots.length).toBe(4);
    // The independent reader agrees with the writer about the original.
    expect(written(original, target.model)).toEqual(saved);

    const failures: string[] = [];
    const rules: Record<string, number> = {};
    const counts: Record<string, Record<string, number>> = {};
    const count = (kind: string, what: string) => {
      counts[kind] ??= {};
      counts[kind][what] = (counts[kind][what] ?? 0) + 1;
    };

    /** Loads `bytes` into the target and checks the all-or-nothing contract; resets the target after a load. */
    const attempt = (label: string, bytes: Uint8Array, options?: LoadCheckpointOptions): Outcome => {
      const before = record(target.model, target.opt);
      const live = liveTensorCount();
      const ownedBefore = owned(target.model, target.opt);
      try {
        loadCheckpoint(bytes, target.model, target.opt, options);
      } catch (e) {
        let rule: string;
        if (e instanceof CheckpointError) rule = e.rule;
        else if (e instanceof BackpropError) rule = `other:${e.name}`;
        else {
          rule = `untyped:${(e as Error)?.name}`;
          failures.push(`${label}: not a BackpropError: ${(e as Error)?.stack ?? String(e)}`);
        }
        rules[rule] = (rules[rule] ?? 0) + 1;
        if (!same(record(target.model, target.opt), before))
          failures.push(`${label}: rejected (${rule}) but the target changed`);
        if (liveTensorCount() !== live)
          failures.push(`${label}: rejected (${rule}) but ${liveTensorCount() - live} tensors leaked`);
        return { rule };
      }
      const loaded = record(target.model, target.opt);
      const leaked = liveTensorCount() - owned(target.model, target.opt) - (live - ownedBefore);
      if (leaked !== 0) failures.push(`${label}: loaded, but ${leaked} tensors leaked`);
      target.model.dispose();
      target.opt.dispose();
      target = buildTarget();
      return { loaded };
    };

    /** Checks a load that must give the saved state exactly or be rejected (by `onlyRule` when given). */
    const expectOriginal = (kind: string, label: string, bytes: Uint8Array, onlyRule?: string) => {
      const out = attempt(label, bytes);
      if ('rule' in out) {
        count(kind, `rejected:${out.rule}`);
        if (onlyRule && out.rule !== onlyRule) failures.push(`${label}: rule ${out.rule} instead of ${onlyRule}`);
      } else if (same(out.loaded, saved)) count(kind, 'accepted-identical');
      else failures.push(`${label}: loaded a state other than the saved one`);
    };

    /** Checks a load of a file that may legitimately differ from the original: what it holds, or a typed rejection. */
    const expectWritten = (
      kind: string,
      tag: string,
      label: string,
      bytes: Uint8Array,
      allowed?: (string | null)[],
      options?: LoadCheckpointOptions,
    ) => {
      const out = attempt(label, bytes, options);
      if ('rule' in out) {
        count(kind, `${tag}rejected:${out.rule}`);
        if (allowed && !allowed.includes(out.rule))
          failures.push(`${label}: rule ${out.rule}, expected ${JSON.stringify(allowed)}`);
        return;
      }
      if (allowed && !allowed.includes(null)) failures.push(`${label}: loaded, expected ${JSON.stringify(allowed)}`);
      let want: Recorded | undefined;
      try {
        want = written(bytes, target.model);
      } catch (e) {
        failures.push(`${label}: loaded a file the test cannot read: ${(e as Error).message}`);
        return;
      }
      if (!same(out.loaded, want)) failures.push(`${label}: loaded a state other than the file's`);
      else count(kind, same(out.loaded, saved) ? `${tag}accepted-identical` : `${tag}accepted-as-written`);
    };

    // The unmutated file loads exactly.
    expectOriginal('original', 'original', original, 'none');
    expect(counts.original).toEqual({ 'accepted-identical': 1 });

    const rand = uniformStream(0xc0ffee);
    const generic = safetensorsMutator(original, rand);
    const structured = checkpointMutator(original, rand);
    const headerEnd = 8 + headerLengthOf(original);
    const kinds: (SafetensorsKind | CheckpointKind)[] = [...SAFETENSORS_KINDS, ...CHECKPOINT_KINDS];
    const isGeneric = (k: string): k is SafetensorsKind => (SAFETENSORS_KINDS as readonly string[]).includes(k);
    let optOuts = 0;

    for (let n = 0; n < MUTANTS; n++) {
      const kind = kinds[n % kinds.length];
      count(kind, 'mutants');
      if (isGeneric(kind)) {
        const m = generic(kind);
        const dataOnly =
          m.byteLength === original.byteLength &&
          m.subarray(0, headerEnd).every((b, i) => b === original[i]) &&
          m.some((b, i) => b !== original[i]);
        const label = `${kind} #${n}${dataOnly ? ' (data only)' : ''}`;
        expectOriginal(kind, label, m, dataOnly ? 'checksum' : undefined);
        // Half the data-only mutants again without the checksum: they load as written, or a rule refuses them.
        if (dataOnly && optOuts++ % 2 === 0)
          expectWritten(kind, 'opt-out:', `${label} (verifyChecksum: false)`, m, undefined, { verifyChecksum: false });
        continue;
      }
      const m = structured(kind);
      const label = `${kind} #${n}: ${m.what}`;
      // Stale checksums: the checksum catches every change (a byte overwritten with itself loads as saved).
      expectOriginal(kind, `${label} (stale)`, m.stale, 'checksum');
      if (m.stripped) {
        // A checkpoint lacking a checksum is damaged (e.g. a flipped bit in the key's name): refused,
        // and with the checks skipped the checkpoint's own validation decides.
        expectWritten(kind, 'stripped:', `${label} (sealed)`, m.sealed, ['missing-checksum']);
        expectWritten(kind, 'sealed:', `${label} (sealed, verifyChecksum: false)`, m.sealed, m.allowed, {
          verifyChecksum: false,
        });
      }
      // Checksums recomputed: the checkpoint's own validation decides.
      else expectWritten(kind, 'sealed:', `${label} (sealed)`, m.sealed, m.allowed);
      if (m.dataOnly && optOuts++ % 2 === 0)
        expectWritten(kind, 'opt-out:', `${label} (verifyChecksum: false)`, m.stale, m.allowed, {
          verifyChecksum: false,
        });
    }
    target.model.dispose();
    target.opt.dispose();

    expect(failures.slice(0, 20)).toEqual([]);
    const seen = EXPECTED_RULES.filter((r) => rules[r] > 0);
    expect(seen).toEqual(EXPECTED_RULES);
    for (const kind of kinds) {
      const c = counts[kind];
      expect(c.mutants).toBeGreaterThan(0);
      // Every mutator produces rejections.
      expect(Object.keys(c).some((k) => k.includes('rejected:'))).toBe(true);
    }
    const sum = (pattern: RegExp) =>
      Object.values(counts)
        .flatMap((c) => Object.entries(c))
        .filter(([k]) => pattern.test(k))
        .reduce((a, [, v]) => a + v, 0);
    // Every outcome is reached: identical loads, valid edits loaded as written, the opt-out loading changed data.
    expect(sum(/^accepted-identical$/)).toBeGreaterThan(0);
    expect(sum(/^sealed:accepted-as-written$/)).toBeGreaterThan(0);
    expect(sum(/^sealed:accepted-identical$/)).toBeGreaterThan(0);
    expect(sum(/^opt-out:accepted-as-written$/)).toBeGreaterThan(0);
    expect(sum(/^opt-out:rejected:step-count$/)).toBeGreaterThan(0);
    // A negative step count always meets its rule once the checksums match.
    expect(counts['step-data']['sealed:rejected:step-count']).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it('every single-bit flip anywhere in the file is refused with a typed error or loads exactly what was saved', async () => {
    const { original, saved } = await trainBase();
    let target = buildTarget();
    const before = record(target.model, target.opt);
    const headerEnd = 8 + headerLengthOf(original);
    const failures: string[] = [];
    const rules: Record<string, number> = {};
    const live = liveTensorCount();
    try {
      for (let i = 0; i < original.byteLength; i++) {
        // Every bit of the header (where one flip can rename a key); one bit per data byte (the data checksum's share).
        for (let bit = 0; bit < 8; bit++) {
          if (i >= headerEnd && bit !== i % 8) continue;
          const m = original.slice();
          m[i] ^= 1 << bit;
          const label = `byte ${i} (${JSON.stringify(String.fromCharCode(original[i]))}) bit ${bit}`;
          let metadata: Record<string, string>;
          try {
            metadata = loadCheckpoint(m, target.model, target.opt);
          } catch (e) {
            if (!(e instanceof CheckpointError)) failures.push(`${label}: ${(e as Error)?.stack ?? String(e)}`);
            else rules[e.rule] = (rules[e.rule] ?? 0) + 1;
            if (!same(record(target.model, target.opt), before))
              failures.push(`${label}: refused, but changed the target`);
            continue;
          }
          // Only a flip that changes nothing read may load (a checksum's hex digit changing case).
          if (!same(record(target.model, target.opt), saved)) failures.push(`${label}: loaded other state`);
          if (JSON.stringify(metadata) !== '{"note":"x"}')
            failures.push(`${label}: metadata ${JSON.stringify(metadata)}`);
          rules.loaded = (rules.loaded ?? 0) + 1;
          target.model.dispose();
          target.opt.dispose();
          target = buildTarget();
        }
      }
      expect(failures.slice(0, 20)).toEqual([]);
      expect(same(record(target.model, target.opt), before)).toBe(true);
      expect(liveTensorCount()).toBe(live);
      expect(rules.loaded ?? 0).toBeLessThan(30);
      // The flips in the checksums' own key names are refused as a missing checksum.
      expect(rules['missing-checksum']).toBeGreaterThan(0);
    } finally {
      target.model.dispose();
      target.opt.dispose();
    }
  }, 60_000);

  // Regressions the fuzz found: each was a wrong acceptance or a leak.

  it('rejects generators.modules {"": null} for a model without generators (names compared as sets)', async () => {
    const { original } = await trainBase();
    const target = buildTarget();
    const before = record(target.model, target.opt);
    // Names joined into one string would compare [""] equal to []: they are compared as sets.
    const bad = edited(original, (s) => {
      s.generators.modules = { '': null };
    });
    let caught: unknown;
    try {
      loadCheckpoint(bad, target.model, target.opt);
    } catch (e) {
      caught = e;
    }
    try {
      expect(caught).toBeInstanceOf(CheckpointError);
      expect((caught as CheckpointError).rule).toBe('generator');
      expect(same(record(target.model, target.opt), before)).toBe(true);
    } finally {
      target.model.dispose();
      target.opt.dispose();
    }
  });

  it('an optimizer that refuses a slot leaks nothing and leaves the target as it was', async () => {
    const { original } = await trainBase();
    const target = buildTarget();
    // A consistent checkpoint whose last slot names its tensor "momentum": the file's checks pass,
    // the optimizer's setState refuses it, and everything is put back without a leak.
    const bad = edited(
      original,
      (s) => {
        s.optimizer.slots['2.bias'] = ['momentum'];
      },
      new Map([['optimizer.2.bias.velocity', 'optimizer.2.bias.momentum']]),
    );
    const before = record(target.model, target.opt);
    const live = liveTensorCount();
    try {
      // A CheckpointError with the optimizer's own error as its cause.
      expect(() => loadCheckpoint(bad, target.model, target.opt)).toThrow(
        expect.objectContaining({ rule: 'optimizer-state', entry: 'optimizer', cause: expect.any(BackpropError) }),
      );
      expect(same(record(target.model, target.opt), before)).toBe(true);
      expect(liveTensorCount()).toBe(live);
    } finally {
      target.model.dispose();
      target.opt.dispose();
    }
  });
});
