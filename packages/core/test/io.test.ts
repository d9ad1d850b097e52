/** Saving and loading: safetensors bytes and whole checkpoints. */
import {
  fit,
  loadCheckpoint,
  loadSafetensors,
  losses,
  nn,
  saveCheckpoint,
  saveSafetensors,
  scalar,
  type Tensor,
  tensor,
  ValueError,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Momentum } from './optimizers.js';
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
    const opt = new Momentum(0.1);
    await fit(
      a,
      { x: new Float32Array(6).fill(1), xShape: [2, 3], y: new Float32Array(4), yShape: [2, 2] },
      {
        loss: losses.mse,
        optimizer: opt,
        batchSize: 1,
        verbose: false,
      },
    );
    const bytes = await saveCheckpoint(a, opt, { epoch: '4' });
    const b = nn.sequential(nn.dense(3, 2, { seed: 2 }));
    const opt2 = new Momentum(0.5);
    expect(loadCheckpoint(bytes, b, opt2)).toEqual({ epoch: '4' });
    expect(Array.from(await b.parameters()[1].value.data())).toEqual(Array.from(await a.parameters()[1].value.data()));
    expect(opt2.lr).toBe(0.1);
    expect(opt2.slots.get('0.weight')?.step.dataSync()[0]).toBe(2);
    expect(Array.from(opt2.slots.get('0.bias')?.tensors.velocity.dataSync() ?? [])).toEqual(
      Array.from(opt.slots.get('0.bias')?.tensors.velocity.dataSync() ?? [0]),
    );
  });
});
