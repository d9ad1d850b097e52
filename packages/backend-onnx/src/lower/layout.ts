/** Matmul, indexing and layout kernels as ONNX nodes. */
import type { DType, Shape } from '@backprop/core';
import type { GraphBuilder } from './builder.js';
import type { LowerInput, Lowering } from './lowering.js';

const product = (s: readonly number[]) => s.reduce((a, d) => a * d, 1);

/** Swaps the last two axes. */
function transposeLast(b: GraphBuilder, x: LowerInput): string {
  const perm = x.shape.map((_, i) => i);
  const n = perm.length;
  [perm[n - 2], perm[n - 1]] = [perm[n - 1], perm[n - 2]];
  return b.op('Transpose', [x.name], { perm: { ints: perm } });
}

/**
 * Reshapes a value to `shape`. Every Reshape of this backend is made here: `allowzero` makes a 0
 * in `shape` a dimension of size 0 (without it, ONNX reads a 0 as "copy the input's dimension").
 */
export const reshapeTo = (b: GraphBuilder, x: string, shape: Shape): string =>
  b.op('Reshape', [x, b.ints(shape)], { allowzero: { i: 1 } });

/** Broadcasts a value to `shape` (numpy rules: a 1 stretches, to 0 as well). */
export const expandTo = (b: GraphBuilder, x: string, shape: Shape): string => b.op('Expand', [x, b.ints(shape)]);

/** A tensor of `shape` filled with the constant `value`. */
export const filled = (b: GraphBuilder, value: number, dtype: DType, shape: Shape): string =>
  expandTo(b, b.scalar(value, dtype), shape);

const matmul: Lowering = (b, [x, y], { transposeA, transposeB }: { transposeA: boolean; transposeB: boolean }, out) => {
  const k = x.shape[x.shape.length - (transposeA ? 2 : 1)];
  // An empty inner dimension: every entry is the empty sum. (ONNX Runtime's MatMul with K = 0 and
  // broadcast batch axes returns uninitialised memory, or too few values.)
  if (k === 0) return filled(b, 0, out.dtype, out.shape);
  if (x.shape.length === 2 && y.shape.length === 2 && x.dtype === 'float32') {
    // Gemm takes the transpose flags directly, so MLAS runs the transposed product without a copy.
    return b.op('Gemm', [x.name, y.name], { transA: { i: transposeA ? 1 : 0 }, transB: { i: transposeB ? 1 : 0 } });
  }
  return b.op('MatMul', [transposeA ? transposeLast(b, x) : x.name, transposeB ? transposeLast(b, y) : y.name]);
};

/** The adjoint of gather: ScatterElements with reduction "add" on a [pre, D, post] view of zeros. */
const scatterAdd: Lowering = (b, [u, idx], { axis }: { axis: number }, out) => {
  const pre = product(out.shape.slice(0, axis));
  const d = out.shape[axis];
  const post = product(out.shape.slice(axis + 1));
  const k = product(idx.shape);
  const updates = reshapeTo(b, u.name, [pre, k, post]);
  const indices = expandTo(b, reshapeTo(b, idx.name, [1, k, 1]), [pre, k, post]);
  const zeros = filled(b, 0, out.dtype, [pre, d, post]);
  const r = b.op('ScatterElements', [zeros, indices, updates], { axis: { i: 1 }, reduction: { s: 'add' } });
  return reshapeTo(b, r, out.shape);
};

const slice: Lowering = (b, [x], { begin }: { begin: readonly number[] }, out) => {
  // Only the axes it cuts: an axis taken whole (an exported model's batch axis) stays out of the
  // node, so the node does not fix its size.
  const axes = begin.map((_, i) => i).filter((i) => begin[i] !== 0 || out.shape[i] !== x.shape[i]);
  if (axes.length === 0) return b.op('Identity', [x.name]);
  return b.op('Slice', [
    x.name,
    b.ints(axes.map((i) => begin[i])),
    b.ints(axes.map((i) => begin[i] + out.shape[i])),
    b.ints(axes),
  ]);
};

const concat: Lowering = (b, inputs, { axis }: { axis: number }) => {
  const nonEmpty = inputs.filter((x) => product(x.shape) > 0);
  if (nonEmpty.length === 1) return b.op('Identity', [nonEmpty[0].name]);
  return b.op(
    'Concat',
    nonEmpty.map((x) => x.name),
    { axis: { i: axis } },
  );
};

const pad: Lowering = (
  b,
  [x],
  { paddings, value }: { paddings: readonly (readonly [number, number])[]; value: number },
) => {
  // ONNX Pad needs rank ≥ 1; a rank-0 tensor has no axis to pad and is its own result.
  if (x.shape.length === 0) return b.op('Identity', [x.name]);
  const pads = [...paddings.map((p) => p[0]), ...paddings.map((p) => p[1])];
  return b.op('Pad', [x.name, b.ints(pads), b.scalar(value, x.dtype)], { mode: { s: 'constant' } });
};

/** Layout lowerings by kernel name. `fill` takes its value as a fed scalar so sessions are shared across values. */
export const layout: Record<string, Lowering> = {
  matmul,
  gather: (b, [x, idx], { axis }: { axis: number }) => b.op('Gather', [x.name, idx.name], { axis: { i: axis } }),
  scatterAdd,
  slice,
  concat,
  transpose: (b, [x], { perm }: { perm: readonly number[] }) => b.op('Transpose', [x.name], { perm: { ints: perm } }),
  broadcastTo: (b, [x], _attrs, out) => expandTo(b, x.name, out.shape),
  pad,
  fill: (b, [value], _attrs, out) => expandTo(b, value.name, out.shape),
};
