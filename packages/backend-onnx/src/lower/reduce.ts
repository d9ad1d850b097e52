/** Reductions and arg-reductions as ONNX nodes (opset 18: axes are an input). */
import type { GraphBuilder } from './builder.js';
import { reshapeTo } from './layout.js';
import { type Lowering, nanMask, select } from './lowering.js';

const reduce =
  (op: string): Lowering =>
  (b, [x], { axes }: { axes: readonly number[] }, out) => {
    // NOTE: empty `axes` means "all axes" in ONNX; core never dispatches that, but be exact.
    if (axes.length === 0) return b.op('Identity', [x.name]);
    if (op === 'ReduceSum' && x.dtype === 'int32') {
      // NOTE: ONNX Runtime's int32 ReduceSum saturates; summing in int64 and narrowing wraps, as backend-cpu.
      const wide = b.op('ReduceSum', [b.op('Cast', [x.name], { to: { i: 7 } }), b.ints(axes)], { keepdims: { i: 0 } });
      return b.op('Cast', [wide], { to: { i: 6 } });
    }
    const r = b.op(op, [x.name, b.ints(axes)], { keepdims: { i: 0 } });
    if (op === 'ReduceSum' || out.dtype !== 'float32') return r;
    // ReduceMax/ReduceMin skip NaN in some kernels; NaN anywhere in the slice gives NaN.
    const anyNaN = b.op('ReduceMax', [b.op('Cast', [nanMask(b, x.name)], { to: { i: 1 } }), b.ints(axes)], {
      keepdims: { i: 0 },
    });
    return select(b, b.op('Greater', [anyNaN, b.scalar(0, 'float32')]), b.scalar(Number.NaN, 'float32'), r);
  };

const toInt32 = (b: GraphBuilder, x: string) => b.op('Cast', [x], { to: { i: 6 } });

/** First index of the extreme value along `axis`; the first NaN wins, as backend-cpu. */
const argReduce =
  (op: string): Lowering =>
  (b, [x], { axis }: { axis: number }) => {
    const attrs = { axis: { i: axis }, keepdims: { i: 0 }, select_last_index: { i: 0 } };
    const r = b.op(op, [x.name], attrs);
    if (x.dtype !== 'float32') return toInt32(b, r);
    const nan = b.op('Cast', [nanMask(b, x.name)], { to: { i: 1 } });
    const firstNaN = b.op('ArgMax', [nan], attrs);
    const anyNaN = b.op('ReduceMax', [nan, b.ints([axis])], { keepdims: { i: 0 } });
    return toInt32(b, select(b, b.op('Greater', [anyNaN, b.scalar(0, 'float32')]), firstNaN, r));
  };

/**
 * finiteFlags, per input +0 when every value is finite and NaN otherwise, reading each input once
 * in the common case: one ReduceSum per input, no temporary. A sum is finite only when every value
 * is (a NaN or ±∞ stays in any sum), so when all sums are finite all flags are s − s = +0. Only when
 * some sum is not (a NaN or ±∞ somewhere, or finite values whose sum overflows) does an If run the
 * exact Σ(x − x) of every input (+0 for finite x), so an overflow is never a false alarm.
 */
const finiteFlags: Lowering = (b, inputs, _attrs, out) => {
  const sumsOf = (g: GraphBuilder, each: (x: string) => string) =>
    g.op(
      'Concat',
      inputs.map((x) => reshapeTo(g, g.op('ReduceSum', [each(x.name)], { keepdims: { i: 0 } }), [1])),
      { axis: { i: 0 } },
    );
  const sums = sumsOf(b, (x) => x);
  const quick = b.op('Sub', [sums, sums]);
  const someSumNotFinite = b.op('IsNaN', [b.op('ReduceSum', [quick], { keepdims: { i: 0 } })]);
  return b.op('If', [someSumNotFinite], {
    then_branch: { g: b.branch((g) => sumsOf(g, (x) => g.op('Sub', [x, x])), 'float32', out.shape) },
    else_branch: { g: b.branch(() => quick, 'float32', out.shape) },
  });
};

/** Reduction lowerings by kernel name. */
export const reductions: Record<string, Lowering> = {
  sum: reduce('ReduceSum'),
  max: reduce('ReduceMax'),
  min: reduce('ReduceMin'),
  argmax: argReduce('ArgMax'),
  argmin: argReduce('ArgMin'),
  finiteFlags,
};
