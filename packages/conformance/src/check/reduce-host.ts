/** Float64 reference reductions over axes of host arrays. */
import { sizeOf, stridesOf } from '@backprop/core';
import { type Host, host } from './host.js';

/** Reduces `axes` of `x` with (accumulator, value) → accumulator from `init`; `finish` maps each result. */
export function reduceHost(
  x: Host,
  axes: readonly number[],
  step: (acc: number, v: number, index: number) => number,
  init: number,
  keepDims = false,
  finish: (acc: number, count: number) => number = (a) => a,
): Host {
  const outShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outStrides = stridesOf(outShape);
  const inStrides = stridesOf(x.shape);
  const acc = new Array<number>(sizeOf(outShape)).fill(init);
  const counts = new Array<number>(acc.length).fill(0);
  for (let flat = 0; flat < x.values.length; flat++) {
    let rem = flat;
    let o = 0;
    let along = 0;
    for (let d = 0; d < x.shape.length; d++) {
      const c = Math.floor(rem / inStrides[d]);
      rem -= c * inStrides[d];
      if (axes.includes(d)) along = along * x.shape[d] + c;
      else o += c * outStrides[d];
    }
    acc[o] = step(acc[o], x.values[flat], along);
    counts[o]++;
  }
  const shape = keepDims ? outShape : x.shape.filter((_, i) => !axes.includes(i));
  return host(
    acc.map((a, i) => finish(a, counts[i])),
    shape,
  );
}

/** NaN-propagating max / min steps. */
export const maxStep = (a: number, v: number) => (Number.isNaN(a) || Number.isNaN(v) ? Number.NaN : Math.max(a, v));
export const minStep = (a: number, v: number) => (Number.isNaN(a) || Number.isNaN(v) ? Number.NaN : Math.min(a, v));

/** First index of the maximum (minimum) along one axis; NaN counts as the extreme. */
export function argHost(x: Host, axis: number, kind: 'max' | 'min'): Host {
  const best = reduceHost(x, [axis], kind === 'max' ? maxStep : minStep, kind === 'max' ? -Infinity : Infinity);
  const outStrides = stridesOf(best.shape);
  const inStrides = stridesOf(x.shape);
  const idx = best.values.map(() => -1);
  for (let flat = 0; flat < x.values.length; flat++) {
    let rem = flat;
    let o = 0;
    let k = 0;
    let od = 0;
    for (let d = 0; d < x.shape.length; d++) {
      const c = Math.floor(rem / inStrides[d]);
      rem -= c * inStrides[d];
      if (d === axis) k = c;
      else o += c * outStrides[od++];
    }
    const v = x.values[flat];
    const b = best.values[o];
    if (idx[o] < 0 && (v === b || (Number.isNaN(v) && Number.isNaN(b)))) idx[o] = k;
  }
  return host(idx, best.shape, 'int32');
}

/** Row-wise softmax (or log-softmax, `log`) of a [rows, cols] host array, stable (subtracts the row max). */
export function softmaxRows(x: Host, log: boolean): Host {
  const [rows, cols] = x.shape;
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row = x.values.slice(r * cols, (r + 1) * cols);
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    out.push(...row.map((v) => (log ? v - lse : Math.exp(v - lse))));
  }
  return host(out, x.shape);
}
