/** Tests of the suite itself (no backend needed): ids, coverage, option validation, committed data. */

import type { Backend } from '@backprop/core';
import { philox4x32 } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { listCases, PHILOX_KAT, uncoveredOffered, validateOptions } from '../src/index.js';
import { loadGolden } from '../src/load-golden.js';
import { mnistSubset } from '../src/training/curves.js';

describe('the case registry', () => {
  it('has unique, hierarchical ids', () => {
    const ids = listCases().map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-zA-Z][\w-]*(\/[\w.-]+)+$/);
    expect(ids.length).toBeGreaterThan(500);
  });

  it('measures coverage from dispatches: every offered kernel (required ones always) must have run', () => {
    const backend = { kernels: { exp: () => ({}), softmax: () => ({}), adamUpdate: undefined } } as unknown as Backend;
    const missing = uncoveredOffered(backend, ['exp', 'add']);
    expect(missing).toContain('softmax');
    expect(missing).toContain('matmul');
    expect(missing).not.toContain('exp');
    expect(missing).not.toContain('add');
    expect(missing).not.toContain('adamUpdate');
  });

  it('has the families the design asks for', () => {
    const families = new Set(listCases().map((c) => c.id.split('/')[0]));
    for (const f of [
      'exp',
      'matmul',
      'grad',
      'golden',
      'random',
      'errors',
      'memory',
      'storage',
      'optional',
      'train',
      'compile',
    ])
      expect(families).toContain(f);
  });

  it('covers compiled mode: compile(fn), compiled training steps, state, retracing, fallback, leaks, fused updates in place', () => {
    const ids = listCases()
      .map((c) => c.id)
      .filter((id) => id.startsWith('compile/'));
    expect(ids).toEqual([
      'compile/pure-function',
      'compile/train-step-sgd',
      'compile/train-step-adam',
      'compile/state-roundtrip',
      'compile/retrace-on-shape',
      'compile/eager-fallback-reason',
      'compile/no-leaks',
      'compile/fused-update-in-place',
    ]);
  });
});

describe('validateOptions', () => {
  it('accepts known ids with reasons', () => {
    expect(
      validateOptions({ skip: { 'exp/nan': 'no NaN support' }, expectedFailures: { 'train/mnist': 'too slow' } }),
    ).toEqual([]);
  });

  it('rejects unknown ids, empty reasons and ids in both lists', () => {
    const problems = validateOptions({
      skip: { 'exp/nope': 'x', 'exp/nan': 'a' },
      expectedFailures: { 'exp/nan': 'b', 'log/nan': ' ' },
    });
    expect(problems).toEqual([
      'skip: unknown case id "exp/nope" (ids are listed by listCases())',
      'expectedFailures: "log/nan" needs a reason',
      '"exp/nan" is both skipped and an expected failure; pick one',
    ]);
  });
});

describe('committed data', () => {
  it('pins the Random123 known-answer vectors in core', () => {
    for (const [counter, key, words] of PHILOX_KAT) expect(Array.from(philox4x32(counter, key))).toEqual(words);
  });

  it('has reference curves that learn and a small balanced MNIST subset', () => {
    const curves = loadGolden<{ xor: number[]; mnist: number[] }>('curves.json');
    expect(curves.xor).toHaveLength(150);
    expect(curves.mnist).toHaveLength(24);
    const { x, y, rows, features } = mnistSubset();
    expect([rows, features, x.length, y.length]).toEqual([256, 196, 256 * 196, 256]);
    expect(Math.max(...x)).toBeLessThanOrEqual(1);
    for (let d = 0; d < 10; d++) expect(y.filter((v) => v === d).length).toBeGreaterThanOrEqual(25);
  });
});
