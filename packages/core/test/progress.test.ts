/** The Keras-style progress display: live line on terminals, one line per epoch elsewhere, with an injected clock. */
import { ProgressBar, type ProgressStream } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { formatDuration, formatLogs, formatLogValue, formatStepTime } from '../src/train/progress.js';

const CLEAR = '\r\x1b[2K';

/** A fake stream, a fake clock and the logged lines. */
function setup(isTTY: boolean, columns?: number) {
  const writes: string[] = [];
  const lines: string[] = [];
  let t = 0;
  const stream: ProgressStream = { isTTY, columns, write: (s: string) => writes.push(s) };
  const bar = new ProgressBar({ epochs: 2, steps: 4, stream, log: (l) => lines.push(l), now: () => t });
  return {
    bar,
    writes,
    lines,
    at(ms: number) {
      t = ms;
    },
  };
}

describe('ProgressBar on a terminal', () => {
  it('redraws step i/N, the bar, elapsed time, ETA, the loss, every metric and the learning rate in place', () => {
    const p = setup(true);
    p.bar.epochBegin(0);
    p.at(250);
    p.bar.update(1, { lr: 0.01, loss: 0.5, accuracy: 0.25 });
    expect(p.writes).toEqual([
      `${CLEAR}Epoch 1/2  1/4 [======>.......................] - 0s - ETA: 1s - loss: 0.5000 - accuracy: 0.2500 - lr: 0.0100`,
    ]);
    p.at(2400);
    p.bar.update(2, () => ({ loss: 0.25 }));
    expect(p.writes.at(-1)).toBe(
      `${CLEAR}Epoch 1/2  2/4 [==============>...............] - 2s - ETA: 2s - loss: 0.2500`,
    );
    expect(p.lines).toEqual([]);
  });

  it('draws at most every 100 ms, but always the last step, and does not compute logs it does not draw', () => {
    const p = setup(true);
    p.bar.epochBegin(0);
    let asked = 0;
    const logs = () => {
      asked++;
      return { loss: 1 };
    };
    p.at(10);
    p.bar.update(1, logs);
    p.at(60);
    p.bar.update(2, logs);
    p.at(109);
    p.bar.update(3, logs);
    expect(p.writes).toHaveLength(1);
    p.at(111);
    p.bar.update(3, logs);
    p.at(112);
    p.bar.update(4, logs);
    expect(p.writes).toHaveLength(3);
    expect(asked).toBe(3);
  });

  it('ends the epoch with the full bar, time and time per step, validation logs and lr last', () => {
    const p = setup(true);
    p.bar.epochBegin(1);
    p.at(500);
    p.bar.update(2, { loss: 1 });
    p.at(1000);
    const seconds = p.bar.epochEnd({ lr: 0.01, loss: 0.4, accuracy: 0.5, valLoss: 0.6, valAccuracy: 0.25 });
    expect(seconds).toBe(1);
    expect(p.writes.at(-1)).toBe(CLEAR);
    expect(p.lines).toEqual([
      'Epoch 2/2  4/4 [==============================] - 1s 250ms/step - loss: 0.4000 - accuracy: 0.5000 - valLoss: 0.6000 - valAccuracy: 0.2500 - lr: 0.0100',
    ]);
  });

  it('clears the live line before a message, then redraws', () => {
    const p = setup(true);
    p.bar.epochBegin(0);
    p.at(200);
    p.bar.update(1, { loss: 1 });
    p.bar.message('Epoch 1: learning rate 0.1 → 0.05');
    expect(p.writes.at(-1)).toBe(CLEAR);
    expect(p.lines).toEqual(['Epoch 1: learning rate 0.1 → 0.05']);
    p.at(210);
    p.bar.update(2, { loss: 1 });
    expect(p.writes.at(-1)?.startsWith(`${CLEAR}Epoch 1/2  2/4 [`)).toBe(true);
  });

  it('times a resumed epoch by the steps it ran', () => {
    const p = setup(true);
    p.bar.epochBegin(0, 2);
    p.at(100);
    p.bar.update(3, { loss: 1 });
    expect(p.writes.at(-1)).toContain('ETA: 0s');
    p.at(300);
    p.bar.epochEnd({ loss: 1 });
    expect(p.lines.at(-1)).toContain('- 0s 150ms/step -');
  });

  it('cuts the live line to the terminal width, so the carriage return can redraw it', () => {
    const p = setup(true, 40);
    p.bar.epochBegin(0);
    p.at(200);
    p.bar.update(1, { loss: 1, accuracy: 0.5 });
    expect(p.writes[0].length - CLEAR.length).toBe(39);
  });
});

describe('ProgressBar elsewhere (files, CI)', () => {
  it('writes one plain line per epoch: no carriage return, no bar', () => {
    const p = setup(false);
    for (const epoch of [0, 1]) {
      p.at(epoch * 10_000);
      p.bar.epochBegin(epoch);
      for (let step = 1; step <= 4; step++) {
        p.at(epoch * 10_000 + step * 1500);
        p.bar.update(step, { loss: 1 / step });
      }
      p.bar.epochEnd({ loss: 0.3, mae: 0.00012 });
    }
    expect(p.writes).toEqual([]);
    expect(p.lines).toEqual([
      'Epoch 1/2  4/4 - 6s 1.5s/step - loss: 0.3000 - mae: 1.200e-4',
      'Epoch 2/2  4/4 - 6s 1.5s/step - loss: 0.3000 - mae: 1.200e-4',
    ]);
  });

  it('writes to the stream by default, one line each', () => {
    const writes: string[] = [];
    const bar = new ProgressBar({ epochs: 1, steps: 12, stream: { write: (s) => writes.push(s) }, now: () => 0 });
    bar.epochBegin(0);
    bar.update(3, { loss: 1 });
    bar.epochEnd({ loss: 1 });
    bar.message('done');
    expect(writes).toEqual(['Epoch 1/1  12/12 - 0s 0us/step - loss: 1.0000\n', 'done\n']);
  });
});

describe('formats', () => {
  it('durations, time per step and values as Keras prints them', () => {
    expect([0, 499, 59_400, 61_000, 3_723_000].map(formatDuration)).toEqual(['0s', '0s', '59s', '1:01', '1:02:03']);
    expect([0.35, 98.4, 1234].map(formatStepTime)).toEqual(['350us/step', '98ms/step', '1.2s/step']);
    expect([0, 0.5, 1e-4, 12345, Number.NaN].map(formatLogValue)).toEqual([
      '0.0000',
      '0.5000',
      '1.000e-4',
      '1.235e+4',
      'NaN',
    ]);
    expect(formatLogs({ lr: 0.1, loss: 1, valLoss: 2, missing: undefined })).toBe(
      'loss: 1.0000 - valLoss: 2.0000 - lr: 0.1000',
    );
  });
});
