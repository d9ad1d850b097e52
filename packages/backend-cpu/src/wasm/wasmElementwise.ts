/**
 * SIMD versions of the float32 elementwise kernels. Tensors live in the WebAssembly heap, so the
 * kernels run on them where they are: no copies in or out. Other dtypes, general broadcasting
 * and small tensors use the scalar kernel.
 */
import { type Kernel, type OutputInfo, sizeOf, type TensorInfo } from '@backprop/core';
import { liveHandle } from '../handle.js';
import { allocateOutHandle } from '../kernels/helpers/output.js';
import { runSplit, type SimdContext } from './parallel.js';

/** Binary op codes of assembly/elementwise.ts (reluGrad: dy where x > 0, else +0, for inputs [x, dy]). */
export const BINARY_OPS = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, reluGrad: 6 } as const;
/** Unary op codes of assembly/elementwise.ts (relu: 0 where x ≤ 0, else x). */
export const UNARY_OPS = { neg: 0, abs: 1, sqrt: 2, floor: 3, reciprocal: 4, relu: 5 } as const;

/**
 * Smaller outputs (only empty ones) stay on the scalar kernels. Every size runs on SIMD: inside a
 * training step the scalar kernels' generic JavaScript runs cold after each large kernel, and the
 * one-value sums, compares and arithmetic of a loss and its guard took 10–35 µs a call there; on
 * SIMD the MLP 784-512-512-10 step was 0.08 ms (1 thread) and 0.12 ms (2 threads) faster.
 */
export const ELEMENTWISE_MIN_SIZE = 1;

const isFloat = (x: TensorInfo | OutputInfo): boolean => x.dtype === 'float32';

/**
 * How two operands of n₁ and n₂ elements combine into an output of n elements for the SIMD
 * loops: 0 both full size, 1 the second is one value, 2 the first is one value, −1 anything else
 * (general broadcasting). Equal counts are not enough: `[n, 1]` and `[1, n]` make an n×n output.
 */
export function pairMode(n1: number, n2: number, n: number): number {
  if (n1 === n && n2 === n) return 0;
  if (n1 === n && n2 === 1) return 1;
  if (n1 === 1 && n2 === n) return 2;
  return -1;
}

/**
 * How a binary op's smaller operand repeats over the output, when it does so along whole rows:
 * mode 3/4 (b/a is one row repeated: its shape, without leading 1s, is the output's trailing
 * axes) or 5/6 (b/a holds one value per row: the output's leading axes, then 1s), with the rows
 * and columns of that view. Undefined for any other broadcast.
 */
export function rowBroadcast(
  a: readonly number[],
  b: readonly number[],
  out: readonly number[],
): { mode: number; rows: number; cols: number } | undefined {
  const n = sizeOf(out);
  const [small, bSmall] = sizeOf(a) === n ? [b, true] : sizeOf(b) === n ? [a, false] : [undefined, false];
  if (!small || sizeOf(small) === 0 || sizeOf(small) === n) return undefined;
  const padded = [...new Array<number>(out.length - small.length).fill(1), ...small];
  const lead = padded.findIndex((d) => d !== 1);
  if (padded.slice(lead).every((d, i) => d === out[lead + i])) {
    const cols = sizeOf(out.slice(lead));
    return { mode: bSmall ? 3 : 4, rows: n / cols, cols };
  }
  const tail = padded.length - [...padded].reverse().findIndex((d) => d !== 1);
  if (padded.slice(0, tail).every((d, i) => d === out[i])) {
    const rows = sizeOf(out.slice(0, tail));
    return { mode: bSmall ? 5 : 6, rows, cols: n / rows };
  }
  return undefined;
}

/** `scalarKernel` with its float32 same-shape, one-value and row-broadcast cases on SIMD. */
export function simdBinary<K extends keyof typeof BINARY_OPS>(
  ctx: SimdContext,
  name: K,
  scalarKernel: Kernel<K>,
): Kernel<K> {
  const op = BINARY_OPS[name];
  return ((inputs, attrs, out, call) => {
    const [a, b] = inputs as [TensorInfo, TensorInfo];
    const ha = liveHandle(name, a.handle);
    const hb = liveHandle(name, b.handle);
    const o = out as OutputInfo;
    const n = sizeOf(o.shape);
    const mode = pairMode(ha.length, hb.length, n);
    if (n < ELEMENTWISE_MIN_SIZE || !isFloat(a) || !isFloat(b) || !isFloat(o))
      return scalarKernel(inputs, attrs, out, call);
    if (mode < 0) {
      const rows = rowBroadcast(a.shape, b.shape, o.shape);
      if (!rows || rows.cols < 4) return scalarKernel(inputs, attrs, out, call);
      const y = allocateOutHandle(o);
      const { cols } = rows;
      runSplit(ctx, 'binaryRows', rows.rows, (r0, r1) => [op, ha.ptr, hb.ptr, y.ptr, cols, r0, r1, rows.mode], cols);
      return y;
    }
    const y = allocateOutHandle(o);
    const da = mode === 2 ? 0 : 4;
    const db = mode === 1 ? 0 : 4;
    runSplit(ctx, 'binary', n, (i0, i1) => [op, ha.ptr + da * i0, hb.ptr + db * i0, y.ptr + 4 * i0, i1 - i0, mode]);
    return y;
  }) as Kernel<K>;
}

/** `scalarKernel` with its float32 case on SIMD. */
export function simdUnary<K extends keyof typeof UNARY_OPS>(
  ctx: SimdContext,
  name: K,
  scalarKernel: Kernel<K>,
): Kernel<K> {
  const op = UNARY_OPS[name];
  return ((inputs, attrs, out, call) => {
    const [x] = inputs as [TensorInfo];
    const hx = liveHandle(name, x.handle);
    if (hx.length < ELEMENTWISE_MIN_SIZE || !isFloat(x) || !isFloat(out as OutputInfo))
      return scalarKernel(inputs, attrs, out, call);
    const y = allocateOutHandle(out as OutputInfo);
    runSplit(ctx, 'unary', hx.length, (i0, i1) => [op, hx.ptr + 4 * i0, y.ptr + 4 * i0, i1 - i0]);
    return y;
  }) as Kernel<K>;
}
