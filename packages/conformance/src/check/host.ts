/** Host-side arrays with shapes: seeded inputs and float64 reference computations (broadcasting, matmul). */
import {
  broadcastShapes,
  type DType,
  keyFromSeed,
  philoxUniform,
  sizeOf,
  stridesOf,
  type Tensor,
  tensor,
} from '@backprop/core';

/** Values with a shape, on the host. */
export interface Host {
  readonly values: readonly number[];
  readonly shape: readonly number[];
  readonly dtype?: DType;
}

/** A host array. */
export const host = (values: readonly number[], shape: readonly number[] = [values.length], dtype?: DType): Host => ({
  values,
  shape,
  dtype,
});

/** Writes a host array to the current backend. */
export const toTensor = (h: Host): Tensor => tensor([...h.values], [...h.shape], h.dtype ?? 'float32');

/** `n` seeded uniform values in [low, high), from core's Philox stream (deterministic everywhere). */
export function uniformValues(seed: number, n: number, low = -1, high = 1): number[] {
  return Array.from(philoxUniform(keyFromSeed(seed), 0, n), (u) => Math.fround(low + (high - low) * u));
}

/** A seeded uniform host array of `shape`. */
export const uniform = (seed: number, shape: readonly number[], low = -1, high = 1): Host =>
  host(uniformValues(seed, sizeOf(shape), low, high), shape);

/** Maps every value of a host array. */
export const mapHost = (a: Host, f: (x: number, i: number) => number): Host => host(a.values.map(f), a.shape, a.dtype);

/** Elementwise f over broadcast operands, in float64. */
export function broadcastHost(inputs: readonly Host[], f: (...xs: number[]) => number): Host {
  const shape = inputs.reduce<number[]>((s, x) => broadcastShapes('host', s, x.shape), []);
  const n = sizeOf(shape);
  const outStrides = stridesOf(shape);
  const strides = inputs.map((x) => {
    const own = stridesOf(x.shape);
    const offset = shape.length - x.shape.length;
    return shape.map((_, i) => (i < offset || x.shape[i - offset] === 1 ? 0 : own[i - offset]));
  });
  const values = new Array<number>(n);
  const args = new Array<number>(inputs.length);
  for (let flat = 0; flat < n; flat++) {
    for (let k = 0; k < inputs.length; k++) {
      let rem = flat;
      let idx = 0;
      for (let d = 0; d < shape.length; d++) {
        const c = Math.floor(rem / outStrides[d]);
        rem -= c * outStrides[d];
        idx += c * strides[k][d];
      }
      args[k] = inputs[k].values[idx];
    }
    values[flat] = f(...args);
  }
  return host(values, shape);
}

/** A[m,k]·B[k,n] in float64 with transpose flags, for 2-D host arrays. */
export function matmulHost(a: Host, b: Host, transposeA = false, transposeB = false): Host {
  const [ar, ac] = a.shape;
  const [br, bc] = b.shape;
  const [m, k] = transposeA ? [ac, ar] : [ar, ac];
  const n = transposeB ? br : bc;
  const out = new Array<number>(m * n).fill(0);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = transposeA ? a.values[p * ac + i] : a.values[i * ac + p];
        const bv = transposeB ? b.values[j * bc + p] : b.values[p * bc + j];
        s += av * bv;
      }
      out[i * n + j] = s;
    }
  }
  return host(out, [m, n]);
}

/** The transpose of a 2-D host array. */
export function transposeHost(a: Host): Host {
  const [r, c] = a.shape;
  const out = new Array<number>(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a.values[i * c + j];
  return host(out, [c, r]);
}
