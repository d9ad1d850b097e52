/** Layout kernels: slice, concat, transpose, broadcastTo and pad — each a copy along a strided walk. */
import { type Kernel, stridesOf } from '@backprop/core';
import { ArrayHandle, allocateOutput, valuesOf } from '../handle.js';
import { broadcastIndex, splitAt, strided } from './indexing.js';

/** The box of out.shape starting at `begin`. */
export const slice: Kernel<'slice'> = ([x], { begin }, out) => {
  const xs = valuesOf(x);
  const ys = allocateOutput(out);
  const xStrides = stridesOf(x.shape);
  const start = begin.reduce((s, b, d) => s + b * xStrides[d], 0);
  const source = strided(out.shape, xStrides, start);
  for (let i = 0; i < ys.length; i++) ys[i] = xs[source(i)];
  return new ArrayHandle(ys);
};

/** The inputs one after another along `axis`. */
export const concat: Kernel<'concat'> = (inputs, { axis }, out) => {
  const ys = allocateOutput(out);
  const { outer, n, inner } = splitAt(out.shape, axis);
  let offset = 0; // where the current input starts along `axis`
  for (const x of inputs) {
    const xs = valuesOf(x);
    const block = x.shape[axis] * inner; // one input's contiguous run per outer index
    for (let p = 0; p < outer; p++) {
      for (let j = 0; j < block; j++) ys[(p * n + offset) * inner + j] = xs[p * block + j];
    }
    offset += x.shape[axis];
  }
  return new ArrayHandle(ys);
};

/** out.shape[i] = x.shape[perm[i]]: walk the output with x's strides permuted. */
export const transpose: Kernel<'transpose'> = ([x], { perm }, out) => {
  const xs = valuesOf(x);
  const ys = allocateOutput(out);
  const xStrides = stridesOf(x.shape);
  const source = strided(
    out.shape,
    perm.map((p) => xStrides[p]),
  );
  for (let i = 0; i < ys.length; i++) ys[i] = xs[source(i)];
  return new ArrayHandle(ys);
};

/** x repeated to out.shape. */
export const broadcastTo: Kernel<'broadcastTo'> = ([x], _attrs, out) => {
  const xs = valuesOf(x);
  const ys = allocateOutput(out);
  const source = broadcastIndex(x.shape, out.shape);
  for (let i = 0; i < ys.length; i++) ys[i] = xs[source(i)];
  return new ArrayHandle(ys);
};

/** Fills out with `value`, then places x at offset `before` on every axis. */
export const pad: Kernel<'pad'> = ([x], { paddings, value }, out) => {
  const xs = valuesOf(x);
  const ys = allocateOutput(out).fill(value);
  const outStrides = stridesOf(out.shape);
  const start = paddings.reduce((s, [before], d) => s + before * outStrides[d], 0);
  const target = strided(x.shape, outStrides, start);
  for (let i = 0; i < xs.length; i++) ys[target(i)] = xs[i];
  return new ArrayHandle(ys);
};
