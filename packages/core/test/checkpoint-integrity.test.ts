/**
 * What one flipped bit in a checkpoint's metadata keys can do, hyperparameters an optimizer refuses
 * on load, and loadStateDict's options.
 */
import {
  CheckpointError,
  inspectCheckpoint,
  loadCheckpoint,
  loadSafetensors,
  nn,
  type Optimizer,
  type OptimizerState,
  parseSafetensors,
  saveCheckpoint,
  saveSafetensors,
  type Tensor,
  TrainingState,
  tensor,
  ValueError,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { assemble, dataOf, file, headerCrc32, headerOf, type Pairs } from './mutate.js';
import { useCpu } from './setup.js';

beforeAll(useCpu);

const enc = new TextEncoder();

/** `bytes` with the only occurrence of `from` in the header replaced by `to` (same length). */
function replaced(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const [a, b] = [enc.encode(from), enc.encode(to)];
  expect(b.byteLength).toBe(a.byteLength);
  const starts: number[] = [];
  for (let i = 0; i + a.byteLength <= bytes.byteLength; i++) if (a.every((x, j) => bytes[i + j] === x)) starts.push(i);
  expect(starts.length).toBe(1);
  const out = bytes.slice();
  out.set(b, starts[0]);
  return out;
}

function caught(fn: () => unknown): CheckpointError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CheckpointError);
  return err as CheckpointError;
}

const build = () => nn.sequential(nn.dense(3, 2, { seed: 1 }));

describe('a checksum key with a flipped bit', () => {
  it('refuses a checkpoint whose header checksum key is damaged, instead of loading damaged metadata', async () => {
    const bytes = await saveCheckpoint(build(), undefined, { run: 'aaaa' });
    // One bit in the key's name ('b' → 'c') and damaged metadata the header checksum would catch.
    for (const key of ['cackprop.header-crc32', 'backprop.headeb-crc32']) {
      const damaged = replaced(replaced(bytes, '"backprop.header-crc32"', `"${key}"`), '"aaaa"', '"caaa"');
      const err = caught(() => loadCheckpoint(damaged, build()));
      expect([err.rule, err.entry]).toEqual(['missing-checksum', '__metadata__']);
      expect(err.message).toMatch(/"backprop\.header-crc32" is missing/);
      expect(caught(() => inspectCheckpoint(damaged)).rule).toBe('missing-checksum');
    }
  });

  it("refuses a file whose data checksum key is damaged, and one with Backprop's metadata and no checksums", async () => {
    const bytes = await saveSafetensors(new Map([['w', tensor([1, 2])]]), { note: 'x' });
    const damaged = replaced(bytes, '"backprop.crc32"', '"backprop.crc33"');
    expect(caught(() => loadSafetensors(damaged)).message).toMatch(/"backprop\.crc32" is missing/);
    const h = headerOf(bytes);
    for (const meta of [
      { 'backprop.state': '{}' },
      { format: 'backprop-checkpoint-2' },
      { 'backprop.crc32': '00000000' },
    ]) {
      const err = caught(() => parseSafetensors(file({ ...h, __metadata__: meta }, dataOf(bytes))));
      expect(err.rule).toBe('missing-checksum');
    }
    // Skipping the checks loads what is there, the damaged key as metadata.
    const { tensors, metadata } = loadSafetensors(damaged, { verifyChecksum: false });
    expect(metadata).toEqual({ note: 'x', 'backprop.crc33': h.__metadata__['backprop.crc32'] });
    for (const t of tensors.values()) t.dispose();
  });

  it('every single-bit flip of a saveSafetensors file is a CheckpointError or loads exactly what was saved', async () => {
    const w = tensor([1.5, -2, 3]);
    const bytes = await saveSafetensors(new Map([['w', w]]), { note: 'x' });
    const want = JSON.stringify({ w: Array.from(new Uint8Array(w.dataSync().buffer)), metadata: { note: 'x' } });
    w.dispose();
    const problems: string[] = [];
    for (let i = 0; i < bytes.byteLength; i++)
      for (let bit = 0; bit < 8; bit++) {
        const m = bytes.slice();
        m[i] ^= 1 << bit;
        try {
          const { entries, metadata } = parseSafetensors(m);
          const got = JSON.stringify({ w: Array.from(entries.find((e) => e.name === 'w')?.data ?? []), metadata });
          if (entries.length !== 1 || got !== want) problems.push(`byte ${i} bit ${bit}: loaded ${got}`);
        } catch (e) {
          if (!(e instanceof CheckpointError)) problems.push(`byte ${i} bit ${bit}: ${String(e)}`);
        }
      }
    expect(problems).toEqual([]);
  });

  it('still loads files of other tools (no Backprop metadata) without checksums', () => {
    const bytes = file(
      { __metadata__: { format: 'pt' }, w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } },
      [0, 0, 128, 63],
    );
    const { tensors, metadata } = loadSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt' });
    expect(Array.from(tensors.get('w')!.dataSync())).toEqual([1]);
    tensors.get('w')!.dispose();
  });

  it('refuses a backprop. key the checkpoint format does not have, even with the checksums skipped', async () => {
    const model = build();
    const bytes = await saveCheckpoint(model, undefined, { run: 'a' });
    // A flipped bit in a known key's name ('backprop.stop' would be lost without a word).
    const pairs: Pairs = Object.entries(headerOf(bytes));
    const meta = pairs.find(([k]) => k === '__metadata__')![1];
    meta['backprop.stoq'] = 'early stopping';
    meta['backprop.header-crc32'] = headerCrc32(pairs);
    const odd = assemble(pairs, dataOf(bytes));
    for (const options of [{}, { verifyChecksum: false }]) {
      const err = caught(() => loadCheckpoint(odd, model, undefined, options));
      expect([err.rule, err.entry]).toEqual(['metadata', 'backprop.stoq']);
    }
  });
});

/** An optimizer whose setState refuses a momentum outside [0, 1), as Adam refuses its betas. */
class Checked implements Optimizer {
  readonly name = 'Checked';
  lr = 0.1;
  momentum = 0.9;
  step(): void {}
  dispose(): void {}
  getState(): OptimizerState {
    return { groups: [{ lr: this.lr, momentum: this.momentum }], slots: new Map() };
  }
  setState(state: OptimizerState): void {
    const m = state.groups[0].momentum as number;
    if (!(m >= 0 && m < 1)) throw new ValueError(`Checked: momentum must be in [0, 1), got ${m}`);
    this.lr = state.groups[0].lr as number;
    this.momentum = m;
  }
}

describe('hyperparameters the optimizer refuses', () => {
  it('are a CheckpointError naming the entry and the rule, with the optimizer error as the cause; nothing changes', async () => {
    const saved = new Checked();
    saved.momentum = 1.9; // as if edited in the file
    const model = build();
    const bytes = await saveCheckpoint(model, saved);
    const opt = new Checked();
    const target = build();
    const before = Array.from(target.stateDict().get('0.weight')!.dataSync());
    const err = caught(() => loadCheckpoint(bytes, target, opt, { verifyChecksum: false }));
    expect([err.rule, err.entry]).toEqual(['optimizer-state', 'optimizer']);
    expect(err.message).toMatch(
      /^loadCheckpoint: optimizer: Checked refuses .*Checked: momentum must be in \[0, 1\), got 1\.9/,
    );
    expect(err.cause).toBeInstanceOf(ValueError);
    expect((err.cause as Error).message).toBe('Checked: momentum must be in [0, 1), got 1.9');
    expect([opt.lr, opt.momentum]).toEqual([0.1, 0.9]);
    expect(Array.from(target.stateDict().get('0.weight')!.dataSync())).toEqual(before);
    // TrainingState.load says the same.
    const state = new TrainingState({ model: target, optimizer: opt });
    expect(caught(() => state.load(bytes)).rule).toBe('optimizer-state');
  });
});

describe('loadStateDict options', () => {
  it('refuses unknown option names and a strict that is not a boolean, naming the option', () => {
    const model = build();
    const dict: Map<string, Tensor> = build().stateDict();
    expect(() => model.loadStateDict(dict, { strcit: false } as never)).toThrow(ValueError);
    expect(() => model.loadStateDict(dict, { strcit: false } as never)).toThrow(
      /loadStateDict: unknown option 'strcit'/,
    );
    expect(() => model.loadStateDict(dict, { strict: 'no' } as never)).toThrow(
      /loadStateDict: strict must be true or false/,
    );
    expect(() => model.loadStateDict(dict, 'strict' as never)).toThrow(ValueError);
    // What was accepted still is.
    model.loadStateDict(dict);
    model.loadStateDict(dict, { strict: true });
    model.loadStateDict(new Map([...dict].slice(0, 1)), { strict: false });
    model.loadStateDict(dict, undefined);
  });
});

describe('load options of checkpoints and safetensors', () => {
  it("refuses unknown option names and a verifyChecksum that is not a boolean ('no' was read as verify)", async () => {
    const model = build();
    const bytes = await saveCheckpoint(model);
    const weights = model.parameters().map((p) => Array.from(p.value.dataSync()));
    const other = build();
    for (const [call, op] of [
      [(o: never) => loadCheckpoint(bytes, other, undefined, o), 'loadCheckpoint'],
      [(o: never) => inspectCheckpoint(bytes, o), 'inspectCheckpoint'],
      [(o: never) => loadSafetensors(bytes, o), 'loadSafetensors'],
      [(o: never) => parseSafetensors(bytes, o), 'loadSafetensors'],
    ] as const) {
      expect(() => call({ verifychecksum: false } as never)).toThrow(
        new RegExp(`^${op}: unknown option 'verifychecksum' \\(did you mean verifyChecksum\\?\\)`),
      );
      expect(() => call({ verifyChecksum: 'no' } as never)).toThrow(
        new RegExp(`^${op}: verifyChecksum must be true or false`),
      );
      expect(() => call('strict' as never)).toThrow(ValueError);
    }
    expect(model.parameters().map((p) => Array.from(p.value.dataSync()))).toEqual(weights);
    // What was accepted still is.
    loadCheckpoint(bytes, other, undefined, { verifyChecksum: false });
    expect(inspectCheckpoint(bytes, {}).position).toBeDefined();
  });
});
