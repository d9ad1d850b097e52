/**
 * `benchmarkUpdates`: one row per optimizer with the mean and the median of its timed updates,
 * the warm-up before them, no tensor left behind, and a typed error for a step count, size or
 * warm-up that cannot be timed.
 */
import { cpu } from '@backprop/backend-cpu';
import { liveTensorCount, setBackend, ValueError } from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BENCHMARKED_OPTIMIZERS, benchmarkUpdates } from '../src/index.js';

describe('benchmarkUpdates', () => {
  beforeAll(async () => {
    await setBackend(cpu({ threads: 1 }));
  });

  it('times every optimizer: a mean and a median per update, and frees what it made', async () => {
    const live = liveTensorCount();
    const rows = await benchmarkUpdates({ params: 10_000, steps: 3 });
    expect(rows.map((r) => r.optimizer)).toEqual(BENCHMARKED_OPTIMIZERS);
    expect(BENCHMARKED_OPTIMIZERS).toEqual([
      'SGD',
      'SGD momentum',
      'SGD lecture momentum',
      'Adagrad',
      'RMSprop',
      'Adam',
      'AdamW',
      'Adamax',
      'NAdam',
      'Adadelta',
    ]);
    for (const r of rows) {
      expect(r.msPerStep).toBeGreaterThan(0);
      expect(r.medianMsPerStep).toBeGreaterThan(0);
      // Three timed updates: the median is one of them, so it is at most three times their mean.
      expect(r.medianMsPerStep).toBeLessThanOrEqual(3 * r.msPerStep);
    }
    expect(liveTensorCount()).toBe(live);
  });

  it('warms each optimizer up for at least warmupMs before timing it', async () => {
    const start = performance.now();
    await benchmarkUpdates({ params: 100, steps: 1, warmupMs: 20 });
    // Ten optimizers, each at least 20 ms untimed (a lower bound: it holds however fast the machine is).
    expect(performance.now() - start).toBeGreaterThanOrEqual(10 * 20);
  });

  it('rejects a step count or size it cannot time, naming the option', async () => {
    const live = liveTensorCount();
    for (const steps of [0, -1, 1.5, Number.NaN])
      await expect(benchmarkUpdates({ params: 100, steps })).rejects.toThrow(ValueError);
    await expect(benchmarkUpdates({ params: 100, steps: 0 })).rejects.toThrow(/benchmarkUpdates: steps must be/);
    await expect(benchmarkUpdates({ params: 0 })).rejects.toThrow(/benchmarkUpdates: params must be/);
    for (const warmupMs of [-1, Number.NaN, Number.POSITIVE_INFINITY])
      await expect(benchmarkUpdates({ params: 100, warmupMs })).rejects.toThrow(/benchmarkUpdates: warmupMs must be/);
    // Rejected before anything is made: no tensor left behind.
    expect(liveTensorCount()).toBe(live);
  });
});
