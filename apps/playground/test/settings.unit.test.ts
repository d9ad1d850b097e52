/** The training page's settings read from form values: numbers checked, an empty field named rather than read as 0. */
import { describe, expect, it } from 'vitest';
import { settingsFrom } from '../src/settings.js';

const form = (overrides: Record<string, string> = {}): FormData => {
  const f = new FormData();
  const values = {
    data: 'xor',
    noise: '0.1',
    hidden: '8,4',
    activation: 'relu',
    optimizer: 'adam',
    lr: '0.03',
    batchSize: '32',
    l2: '0',
    dropout: '0',
    backend: 'cpu',
    ...overrides,
  };
  for (const [k, v] of Object.entries(values)) f.append(k, v);
  return f;
};

describe('settingsFrom', () => {
  it('reads the numbers of the form', () => {
    const s = settingsFrom(form(), false);
    expect([s.lr, s.batchSize, s.noise, s.hidden]).toEqual([0.03, 32, 0.1, [8, 4]]);
  });

  it('an empty or blank field is an error naming it (an empty learning rate trained at 0)', () => {
    expect(() => settingsFrom(form({ lr: '' }), false)).toThrow(/^lr must be a number in \[0, Infinity\], got ""$/);
    expect(() => settingsFrom(form({ batchSize: '  ' }), false)).toThrow(/^batchSize must be a number/);
    expect(() => settingsFrom(form({ lr: 'abc' }), false)).toThrow(
      /^lr must be a number in \[0, Infinity\], got "abc"$/,
    );
  });
});

describe('settingsFrom choices and sizes', () => {
  it('refuses hidden sizes written other than as decimal digits ("0x8" was 8, "1e1" was 10)', () => {
    expect(() => settingsFrom(form({ hidden: '0x8, 4' }), false)).toThrow(/^hidden units must be positive integers/);
    expect(() => settingsFrom(form({ hidden: '1e1' }), false)).toThrow(/^hidden units must be positive integers/);
    expect(settingsFrom(form({ hidden: ' 12 , 3 ' }), false).hidden).toEqual([12, 3]);
  });

  it('refuses a choice no menu offers (an unknown optimizer became Adam without a word)', () => {
    expect(() => settingsFrom(form({ optimizer: 'lion' }), false)).toThrow(
      /^optimizer must be one of sgd, momentum, nesterov, adagrad, rmsprop, adam, got "lion"$/,
    );
    expect(() => settingsFrom(form({ data: 'mnst' }), false)).toThrow(/^data must be one of/);
    expect(() => settingsFrom(form({ activation: 'gelu' }), false)).toThrow(/^activation must be one of/);
    expect(() => settingsFrom(form({ backend: 'cuda' }), false)).toThrow(/^backend must be one of/);
  });
});
