/** Matmul, indexing and layout kernels as ONNX nodes. */
import type { Shape } from '@backprop/core';
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

/** Reshapes a value to `shape`. */
export const reshapeTo = (b: GraphBuilder, x: string, shape: Shape): string => b.op('Reshape', [x, b.ints(shape)]);

const matmul: Lowering = (b, [x, y], { transposeA, transposeB }: { transposeA: boolean; transposeB: boolean }) => {
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
  const indices = b.op('Expand', [reshapeTo(b, idx.name, [1, k, 1]), b.ints([pre, k, post])]);
  const zeros = b.op('Expand', [b.scalar(0, out.dtype), b.ints([pre, d, post])]);
  const r = b.op('ScatterElements', [zeros, indices, updates], { axis: { i: 1 }, reduction: { s: 'add' } });
  return reshapeTo(b, r, out.shape);
};

const slice: Lowering = (b, [x], { begin }: { begin: readonly number[] }, out) => {
  const axes = begin.map((_, i) => i);
  return b.op('Slice', [x.name, b.ints(begin), b.ints(begin.map((s, i) => s + out.shape[i])), b.ints(axes)]);
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
  broadcastTo: (b, [x], _attrs, out) => b.op('Expand', [x.name, b.ints(out.shape)]),
  pad,
  fill: (b, [value], _attrs, out) => b.op('Expand', [value.name, b.ints(out.shape)]),
};
