/**
 * Caches that hold code built from host numbers (compiled graphs here; ONNX sessions and
 * generated update loops in the backends) key them with `exactKey`, so values JSON writes alike —
 * NaN, ±∞ (all `null`) and −0 (`0`) — never share an entry: a compiled function whose host number
 * changes among them computes with the new value, never silently with the old one.
 */
import { compile, exactKey, exactNumber, pad, type Tensor, tensor, ValueError } from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from './setup.js';

beforeAll(useCpu);

const SPECIALS = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, null, '-0', 'NaN'];
const show = (xs: ArrayLike<number>) => Array.from(xs, exactNumber);

describe('exactKey', () => {
  it('tells apart every special number, and each from null, 0 and strings', () => {
    const keys = SPECIALS.map((v) => exactKey({ value: v, nested: [v] }));
    expect(new Set(keys).size).toBe(SPECIALS.length);
    expect(exactKey({ a: 1.5, b: [true, 'x'] })).toBe(JSON.stringify({ a: 1.5, b: [true, 'x'] }));
    expect(exactNumber(-0)).toBe('-0');
    expect(exactNumber(0.1)).toBe('0.1');
  });

  it('a value JSON cannot write (a cycle, a bigint) is a ValueError naming exactKey', () => {
    const cycle: { self?: unknown } = {};
    cycle.self = cycle;
    for (const v of [cycle, { n: 1n }]) {
      expect(() => exactKey(v)).toThrow(ValueError);
      expect(() => exactKey(v)).toThrow(/^exactKey: the value cannot be written as JSON/);
    }
  });

  it('a compiled function whose pad value goes through -∞, +∞, NaN, −0 and 0 computes with each', async () => {
    let value = Number.NEGATIVE_INFINITY;
    const f = compile((x: Tensor) => pad(x, [[1, 1]], value));
    const x = tensor([1, 2]);
    for (const v of [
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      Number.NaN,
      Number.NaN,
      -0,
      0,
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
    ]) {
      value = v;
      expect(show(await (f(x) as Tensor).data()), `pad value ${exactNumber(v)} (${f.mode})`).toEqual(
        show([v, 1, 2, v]),
      );
    }
  });

  it('a compiled function reading a host constant tensor of −0, then 0, keeps tracing and divides by each', async () => {
    // A graph freezes host numbers once two traces agree; traces that differ only in a zero's sign
    // must not agree.
    let zero = -0;
    const f = compile((x: Tensor) => x.div(tensor([zero])));
    const x = tensor([1]);
    for (const z of [-0, 0, -0, 0]) {
      zero = z;
      expect(show(await (f(x) as Tensor).data()), `1 / ${exactNumber(z)} (${f.mode})`).toEqual(show([1 / z]));
    }
    expect(f.mode).toBe('eager');
  });
});
