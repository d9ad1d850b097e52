// The MNIST demo's training function still trains: one epoch on a small subset beats chance.
import { cpu } from '@backprop/backend-cpu';
import { liveTensorCount, setBackend } from '@backprop/core';
import { mnist } from '@backprop/datasets';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainMnist } from '../src/demo/train-mnist.js';

describe('trainMnist', () => {
  beforeAll(async () => {
    await setBackend(cpu());
  });

  it('reaches well above chance accuracy after one epoch on 600 digits, and frees its tensors', async () => {
    const { train, test } = await mnist.load({ trainSize: 600, testSize: 200, seed: 3 });
    const before = liveTensorCount();
    const result = await trainMnist({ train, test, hidden: 32, epochs: 1, batchSize: 32, verbose: false });
    expect(result.accuracy).toBeGreaterThan(0.3); // chance is 0.1
    expect(Number.isFinite(result.loss)).toBe(true);
    expect(result.history.epochs).toHaveLength(1);
    expect(liveTensorCount()).toBe(before);
  });
});
