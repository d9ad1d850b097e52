/** Float64 reference layout ops on host arrays: each output element read from an input coordinate (or a fill value). */
import { sizeOf, stridesOf } from '@backprop/core';
import { type Host, host } from './host.js';

/** Builds an array of `shape` whose element at `coords` is `at(coords)`. */
export function fromCoords(shape: readonly number[], at: (coords: number[]) => number, dtype?: Host['dtype']): Host {
  const strides = stridesOf(shape);
  const values: number[] = [];
  for (let flat = 0; flat < sizeOf(shape); flat++) {
    let rem = flat;
    const coords = strides.map((s) => {
      const c = Math.floor(rem / s);
      rem -= c * s;
      return c;
    });
    values.push(at(coords));
  }
  return host(values, shape, dtype);
}

/** The value of `x` at `coords`. */
export function valueAt(x: Host, coords: readonly number[]): number {
  const strides = stridesOf(x.shape);
  return x.values[coords.reduce((s, c, i) => s + c * strides[i], 0)];
}

/** Slices the box at `begin` of extent `size`. */
export const sliceHost = (x: Host, begin: readonly number[], size: readonly number[]): Host =>
  fromCoords(
    size,
    (c) =>
      valueAt(
        x,
        c.map((v, i) => v + begin[i]),
      ),
    x.dtype,
  );

/** Pads with `value`. */
export const padHost = (x: Host, paddings: readonly (readonly [number, number])[], value: number): Host =>
  fromCoords(
    x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]),
    (c) => {
      const src = c.map((v, i) => v - paddings[i][0]);
      return src.every((v, i) => v >= 0 && v < x.shape[i]) ? valueAt(x, src) : value;
    },
    x.dtype,
  );

/** Permutes axes. */
export const transposeHost = (x: Host, perm: readonly number[]): Host =>
  fromCoords(
    perm.map((p) => x.shape[p]),
    (c) => {
      const src = new Array<number>(c.length);
      perm.forEach((p, i) => {
        src[p] = c[i];
      });
      return valueAt(x, src);
    },
    x.dtype,
  );

/** Concatenates along `axis`. */
export function concatHost(xs: readonly Host[], axis: number): Host {
  const shape = xs[0].shape.map((d, i) => (i === axis ? xs.reduce((s, x) => s + x.shape[axis], 0) : d));
  return fromCoords(
    shape,
    (c) => {
      let k = c[axis];
      for (const x of xs) {
        if (k < x.shape[axis])
          return valueAt(
            x,
            c.map((v, i) => (i === axis ? k : v)),
          );
        k -= x.shape[axis];
      }
      return Number.NaN;
    },
    xs[0].dtype,
  );
}

/** Gathers slices at `indices` along `axis`. */
export function gatherHost(x: Host, indices: Host, axis: number): Host {
  const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const r = indices.shape.length;
  return fromCoords(
    shape,
    (c) => {
      const idx = valueAt(indices, c.slice(axis, axis + r));
      return valueAt(x, [...c.slice(0, axis), idx, ...c.slice(axis + r)]);
    },
    x.dtype,
  );
}

/** Broadcasts to `shape` (right-aligned). */
export const broadcastToHost = (x: Host, shape: readonly number[]): Host =>
  fromCoords(
    shape,
    (c) => {
      const off = shape.length - x.shape.length;
      return valueAt(
        x,
        x.shape.map((d, i) => (d === 1 ? 0 : c[i + off])),
      );
    },
    x.dtype,
  );
