/** Saving and loading: safetensors bytes and whole checkpoints. */
import {
  loadCheckpoint,
  loadSafetensors,
  nn,
  type Parameter,
  saveCheckpoint,
  saveSafetensors,
  scalar,
  type Tensor,
  tensor,
  ValueError,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from './setup.js';

beforeAll(useCpu);

describe('safetensors', () => {
  it('round-trips float32, int32 and bool tensors with metadata', async () => {
    const input = new Map<string, Tensor>([
      [
        'a',
        tensor([
          [1.5, -2],
          [3, 4],
        ]),
      ],
      ['b', tensor(new Int32Array([7, -8, 9]))],
      ['c', tensor([true, false, true])],
      ['s', scalar(3.25)],
    ]);
    const bytes = await saveSafetensors(input, { note: 'hi' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const { tensors, metadata } = loadSafetensors(bytes);
    expect(metadata).toEqual({ note: 'hi' });
    for (const [k, t] of input) {
      const back = tensors.get(k)!;
      expect([back.shape, back.dtype]).toEqual([t.shape, t.dtype]);
      expect(Array.from(await back.data())).toEqual(Array.from(await t.data()));
    }
  });

  it('reads the header layout other implementations write', async () => {
    const bytes = await saveSafetensors(new Map([['w', tensor([1, 2])]]));
    const header = JSON.parse(
      new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true)))),
    );
    expect(header.w).toEqual({ dtype: 'F32', shape: [2], data_offsets: [0, 8] });
  });

  it('rejects truncated or malformed files', () => {
    expect(() => loadSafetensors(new Uint8Array(4))).toThrow(ValueError);
    const bad = new Uint8Array(16);
    new DataView(bad.buffer).setBigUint64(0, 100n, true);
    expect(() => loadSafetensors(bad)).toThrow(/overruns/);
  });
});

describe('checkpoints', () => {
  it('restores model weights and optimizer state', async () => {
    const a = nn.sequential(nn.dense(3, 2, { seed: 1 }));
    const state = new Map<string, Tensor>([['step', scalar(7)]]);
    const opt = {
      lr: 0.1,
      step(_p: readonly Parameter[], _g: readonly Tensor[]) {},
      stateDict: () => state,
      loadStateDict(s: ReadonlyMap<string, Tensor>) {
        loaded = s.get('step')!.dataSync()[0];
      },
      dispose() {},
    };
    let loaded = 0;
    const bytes = await saveCheckpoint(a, opt, { epoch: '4' });
    const b = nn.sequential(nn.dense(3, 2, { seed: 2 }));
    expect(loadCheckpoint(bytes, b, opt)).toMatchObject({ epoch: '4' });
    expect(Array.from(await b.parameters()[1].value.data())).toEqual(Array.from(await a.parameters()[1].value.data()));
    expect(loaded).toBe(7);
  });
});
