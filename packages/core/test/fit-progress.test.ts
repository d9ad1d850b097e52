/**
 * What `fit` prints: a Keras-style line per epoch (every metric, validation and the learning
 * rate), and a line when a callback stops training, logs through `ctx.log`, or changes a rate.
 */
import {
  type ArrayDataset,
  type Callback,
  type FitOptions,
  fit,
  losses,
  nn,
  type ProgressStream,
  ValueError,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { PlainSGD } from './optimizers.js';
import { useCpu } from './setup.js';

beforeAll(useCpu);

function line(n: number): ArrayDataset {
  const x = Float32Array.from({ length: n }, (_, i) => i / n);
  return { x, xShape: [n, 1], y: x.map((v) => 3 * v - 1), yShape: [n, 1] };
}

/** fit with a captured log, a non-terminal stream (unless `tty`) and a clock that ticks 40 ms a call. */
async function printed(options: Partial<FitOptions>, { tty = false, n = 8 } = {}) {
  const lines: string[] = [];
  const writes: string[] = [];
  let t = 0;
  const stream: ProgressStream = { isTTY: tty, write: (s) => writes.push(s) };
  const history = await fit(nn.dense(1, 1, { seed: 1 }), line(n), {
    loss: losses.squaredError,
    optimizer: new PlainSGD(0.1),
    batchSize: 3,
    epochs: 2,
    shuffle: false,
    log: (l) => lines.push(l),
    progress: { stream, now: () => (t += 40), interval: 0 },
    ...options,
  });
  return { lines, writes, history };
}

const NUMBER = String.raw`-?\d+\.\d{4}(e[+-]\d+)?`;

describe('fit prints Keras-style progress', () => {
  it('one line per epoch off a terminal: step N/N, time, time per step, loss, every metric, val metrics, lr', async () => {
    const { lines, writes, history } = await printed({ metrics: ['mse', 'mae', 'r2'], validation: 0.25 });
    expect(writes).toEqual([]);
    expect(lines).toHaveLength(2);
    const re = new RegExp(
      `^Epoch 1/2  2/2 - \\d+s \\d+ms/step - loss: ${NUMBER} - mse: ${NUMBER} - mae: ${NUMBER} - r2: ${NUMBER} - valLoss: ${NUMBER} - valMse: ${NUMBER} - valMae: ${NUMBER} - valR2: ${NUMBER} - lr: 0\\.1000$`,
    );
    expect(lines[0]).toMatch(re);
    expect(lines[1]).toMatch(/^Epoch 2\/2 {2}2\/2 - /);
    expect(lines[0]).toContain(`loss: ${history.epochs[0].loss.toFixed(4)}`);
    expect(history.seconds).toHaveLength(2);
  });

  it('redraws the epoch line in place on a terminal, with ETA while running and the bar at the end', async () => {
    const { lines, writes } = await printed({ metrics: ['mae'], epochs: 1 }, { tty: true, n: 9 });
    const live = writes.filter((w) => w.length > 5);
    expect(live[0]).toMatch(
      new RegExp(
        `^\\r\\x1b\\[2KEpoch 1/1  1/3 \\[=========>\\.{20}\\] - 0s - ETA: 0s - loss: ${NUMBER} - mae: ${NUMBER} - lr: 0\\.1000$`,
      ),
    );
    expect(live).toHaveLength(3);
    expect(writes.at(-1)).toBe('\r\x1b[2K');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Epoch 1\/1 {2}3\/3 \[=+\] - 0s \d+ms\/step - loss: .* - mae: .* - lr: 0\.1000$/);
  });

  it('refuses a progress option it does not have, and a negative interval, before training', async () => {
    await expect(printed({ progress: { intervall: 500 } as never })).rejects.toThrow(
      "fit (progress): unknown option 'intervall'; the options are stream, now, interval",
    );
    await expect(printed({ progress: { interval: -1 } })).rejects.toThrow(ValueError);
  });

  it('prints nothing when verbose is false, messages included', async () => {
    const talk: Callback = { onEpochEnd: (_e, _l, ctx) => ctx.log?.('hello') };
    const { lines, writes } = await printed({ verbose: false, callbacks: [talk] });
    expect([...lines, ...writes]).toEqual([]);
  });
});

describe('fit prints what callbacks do', () => {
  it('a learning-rate change made by a callback at an epoch end, and the new rate in the next line and the logs', async () => {
    const halve: Callback = {
      onEpochEnd: (epoch, _logs, ctx) => {
        if (epoch === 0) ctx.optimizer.lr /= 2;
      },
    };
    const { lines, history } = await printed({ callbacks: [halve], epochs: 3 });
    expect(lines.map((l) => l.replace(/ - loss.* - lr/, ' … lr'))).toEqual([
      expect.stringMatching(/^Epoch 1\/3 .* … lr: 0\.1000$/),
      'Epoch 1: learning rate 0.1 → 0.05',
      expect.stringMatching(/^Epoch 2\/3 .* … lr: 0\.0500$/),
      expect.stringMatching(/^Epoch 3\/3 .* … lr: 0\.0500$/),
    ]);
    expect(history.epochs.map((e) => e.lr)).toEqual([0.1, 0.05, 0.05]);
  });

  it('a change at an epoch start (Keras-style schedulers) is reported under that epoch, per-step changes only in the lines', async () => {
    const atBegin: Callback = {
      onEpochBegin: (epoch, ctx) => {
        ctx.optimizer.lr = 0.1 * 0.5 ** epoch;
      },
    };
    const perStep: Callback = {
      onBatchEnd: (_b, _l, ctx) => {
        ctx.optimizer.lr *= 0.9;
      },
    };
    const begin = await printed({ callbacks: [atBegin] });
    expect(begin.lines[1]).toBe('Epoch 2: learning rate 0.1 → 0.05');
    const step = await printed({ callbacks: [perStep] });
    expect(step.lines.filter((l) => l.includes('learning rate'))).toEqual([]);
    expect(step.lines[0]).toMatch(/lr: 0\.0729$/); // three steps
    expect(step.history.epochs[1].lr).toBeCloseTo(0.1 * 0.9 ** 6, 12);
  });

  it('a stop, with the epoch and the reason the callback gave', async () => {
    const stopper: Callback = {
      onEpochEnd: (epoch, logs, ctx) => {
        if (epoch === 1) ctx.stop(`earlyStopping: loss did not improve (${logs.loss.toFixed(3)})`);
      },
    };
    const { lines, history } = await printed({ callbacks: [stopper], epochs: 5 });
    expect(history.epochs).toHaveLength(2);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^Epoch 2: training stopped — earlyStopping: loss did not improve \(\d\.\d{3}\)$/);
    expect(history.stopReason).toMatch(/^earlyStopping: /);
  });

  it('ctx.log messages: prefixed with the epoch during one, as they are at the start and end of training', async () => {
    const restore: Callback = {
      onTrainBegin: (ctx) => ctx.log?.('starting'),
      onEpochEnd: (epoch, _logs, ctx) => ctx.log?.(`best so far at epoch ${epoch + 1}`),
      onTrainEnd: (ctx) => ctx.log?.('restored the weights of epoch 2'),
    };
    const { lines } = await printed({ callbacks: [restore] });
    expect(lines.filter((l) => !l.startsWith('Epoch 1/') && !l.startsWith('Epoch 2/'))).toEqual([
      'starting',
      'Epoch 1: best so far at epoch 1',
      'Epoch 2: best so far at epoch 2',
      'restored the weights of epoch 2',
    ]);
  });

  it('on a terminal, a message clears the live line first', async () => {
    const talk: Callback = { onBatchEnd: (b, _l, ctx) => (b === 0 ? ctx.log?.('first batch done') : undefined) };
    const { writes, lines } = await printed({ callbacks: [talk], epochs: 1 }, { tty: true });
    expect(lines[0]).toBe('Epoch 1: first batch done');
    const drawn = writes.findIndex((w) => w.startsWith('\r\x1b[2KEpoch 1/1  1/3'));
    expect(writes[drawn + 1]).toBe('\r\x1b[2K');
  });
});
