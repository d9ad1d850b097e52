/** Core's validators: the value back when valid, a ValueError naming the op, the argument and the value (as JSON prints it) otherwise. */
import {
  finite,
  formatValue,
  inRange,
  nonNegative,
  nonNegativeInt,
  positive,
  positiveInt,
  seedOf,
  ValueError,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';

describe('validators', () => {
  it('return valid values', () => {
    expect(finite('op', 'x', -2.5)).toBe(-2.5);
    expect(nonNegative('op', 'x', 0)).toBe(0);
    expect(positive('op', 'x', 1e-9)).toBe(1e-9);
    expect(nonNegativeInt('op', 'x', 0)).toBe(0);
    expect(positiveInt('op', 'x', 3)).toBe(3);
    expect(inRange('op', 'x', 0.999, 0, 1)).toBe(0.999);
    expect(inRange('op', 'x', 1, 0, 1, true)).toBe(1);
    expect(seedOf('op', undefined)).toBeUndefined();
    expect(seedOf('op', 7)).toBe(7);
  });

  it('print a string where a number belongs quoted, and NaN and Infinity by name', () => {
    expect(() => nonNegative('SGD', 'lr', '0.01')).toThrow('SGD: lr must be a finite number ≥ 0, got "0.01"');
    expect(() => positive('layer', 'eps', Number.NaN)).toThrow('layer: eps must be a finite number > 0, got NaN');
    expect(() => finite('op', 'x', Number.POSITIVE_INFINITY)).toThrow('got Infinity');
    expect(() => positiveInt('fit', 'epochs', 1.5)).toThrow(ValueError);
    expect(() => nonNegativeInt('fit', 'patience', -1)).toThrow('fit: patience must be an integer ≥ 0, got -1');
    expect(() => inRange('Adam', 'betas[0]', 1, 0, 1)).toThrow('Adam: betas[0] must be in [0, 1), got 1');
    expect(() => seedOf('dropout', -1)).toThrow('dropout: seed must be a non-negative safe integer, got -1');
    expect(formatValue([1, Number.NaN])).toBe('[1,"NaN"]');
    expect(formatValue({ a: 'b' })).toBe('{"a":"b"}');
    expect(formatValue(() => 0)).toBe('a function');
    expect(formatValue(undefined)).toBe('undefined');
  });
});
