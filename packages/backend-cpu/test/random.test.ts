/** Kernel tests of randomUniform against core's Philox stream. */
import { philoxUniform } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { run } from './util.js';

describe('randomUniform', () => {
  it('equals philoxUniform bit for bit, for any shape and offset', () => {
    const cases: { key: [number, number]; offset: number; shape: number[] }[] = [
      { key: [0, 0], offset: 0, shape: [10] },
      { key: [42, 7], offset: 3, shape: [3, 5] },
      { key: [0xffffffff, 1], offset: 2 ** 32 - 2, shape: [2, 3, 2] },
      { key: [1, 2], offset: 0, shape: [] },
      { key: [1, 2], offset: 0, shape: [0] },
    ];
    for (const { key, offset, shape } of cases) {
      const n = shape.reduce((p, d) => p * d, 1);
      const values = run('randomUniform', [], { key, offset }, shape);
      expect(values).toEqual(Array.from(philoxUniform(key, offset, n)));
      for (const v of values) expect(v >= 0 && v < 1).toBe(true);
    }
  });
});
