/** Reductions over axes (sum, max, min) and along one axis (argmax, argmin). */
import { type Handle, type Kernel, type OutputInfo, sizeOf, stridesOf, type TensorInfo } from '@backprop/core';
import { ArrayHandle, allocateOutput, valuesOf } from '../handle.js';
import { splitAt, strided } from './indexing.js';

/**
 * A kernel folding every element of x into the output element it reduces to. The reduced axes
 * are gone from out.shape, so an input element's output index is a strided walk over x.shape
 * with stride 0 on the reduced axes and the output's strides on the kept ones.
 */
const reduce =
  (start: number, fold: (acc: number, v: number) => number) =>
  ([x]: readonly [TensorInfo], { axes }: { axes: readonly number[] }, out: OutputInfo): Handle => {
    const xs = valuesOf(x);
    const acc = new Float64Array(sizeOf(out.shape)).fill(start); // exact for int32 sums
    const outStrides = stridesOf(out.shape);
    let k = 0;
    const strides = x.shape.map((_, d) => (axes.includes(d) ? 0 : outStrides[k++]));
    const target = strided(x.shape, strides);
    for (let i = 0; i < xs.length; i++) {
      const o = target(i);
      acc[o] = fold(acc[o], xs[i]);
    }
    const ys = allocateOutput(out);
    for (let o = 0; o < ys.length; o++) ys[o] = acc[o]; // int32 sums wrap here
    return new ArrayHandle(ys);
  };

export const sum = reduce(0, (acc, v) => acc + v);
export const max = reduce(Number.NEGATIVE_INFINITY, Math.max); // NaN propagates
export const min = reduce(Number.POSITIVE_INFINITY, Math.min);

/** The index of the first element along `axis` that `better` prefers to all before it → int32. */
const argReduce =
  (better: (v: number, best: number) => boolean) =>
  ([x]: readonly [TensorInfo], { axis }: { axis: number }, out: OutputInfo): Handle => {
    const xs = valuesOf(x);
    const ys = allocateOutput(out);
    const { outer, n, inner } = splitAt(x.shape, axis);
    for (let p = 0; p < outer; p++) {
      for (let q = 0; q < inner; q++) {
        const at = (j: number) => xs[(p * n + j) * inner + q];
        let best = 0;
        for (let j = 1; j < n; j++) if (better(at(j), at(best))) best = j;
        ys[p * inner + q] = best;
      }
    }
    return new ArrayHandle(ys);
  };

// The first NaN wins and stays: nothing is "better" than a NaN.
const beats = (v: number, best: number, greater: boolean) =>
  !Number.isNaN(best) && (Number.isNaN(v) || (greater ? v > best : v < best));

export const argmax: Kernel<'argmax'> = argReduce((v, best) => beats(v, best, true));
export const argmin: Kernel<'argmin'> = argReduce((v, best) => beats(v, best, false));
