/** The elementwise shader: out[i] = f(inputs at i) with NumPy broadcasting of every input to out.shape. */
import { BackendError, type OutputInfo, type Shape, sizeOf, stridesOf, type TensorInfo } from '@backprop/core';
import { bufferOf, type GpuHandle } from '../handle.js';
import type { KernelContext } from '../kernel-context.js';
import { Meta } from '../meta.js';
import { bindings, ELEMENT_MAIN, FLOAT_HELPERS, grid, STRIDED_OFFSET, WG, wgslType } from './prelude.js';

/** Highest rank the strided shaders index (the metadata slot holds shapes and strides of this many axes). */
export const MAX_RANK = 12;

/** Strides of `shape` right-aligned to `outShape`, 0 on axes that are missing or stretched from 1. */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const own = stridesOf(shape);
  const offset = outShape.length - shape.length;
  const strides = new Array<number>(outShape.length).fill(0);
  for (let d = 0; d < shape.length; d++) if (shape[d] !== 1) strides[d + offset] = own[d];
  return strides;
}

/** Throws a BackendError when a shape has more axes than the strided shaders index. */
export function checkRank(op: string, shape: Shape): void {
  if (shape.length > MAX_RANK)
    throw new BackendError(`${op}: the webgpu backend supports up to ${MAX_RANK} axes, got ${shape.length}`);
}

/** How an input is indexed: as out (same size), as its single element, or through broadcast strides. */
type Mode = 'full' | 'one' | 'strided';

/** What {@link mapElementwise} computes. */
export interface ElementwiseSpec {
  /** Kernel name (pipeline key and messages). */
  op: string;
  /** WGSL names the expression uses for the inputs, in order (x, or a and b, or c, a and b). */
  names: readonly string[];
  /** A WGSL expression of the names giving the output element. */
  expr: string;
  /** Extra WGSL functions the expression calls. */
  helpers?: string;
  /** 32-bit words the expression reads as `$0`, `$1`, … (appended to `meta`). */
  params?: readonly number[];
}

/**
 * out[i] = expr(inputs at i). Inputs the size of out are read at i, single values at 0, and the
 * rest through broadcast strides in the metadata.
 */
export function mapElementwise(
  k: KernelContext,
  spec: ElementwiseSpec,
  inputs: readonly TensorInfo[],
  out: OutputInfo,
): GpuHandle {
  const y = k.output(out);
  const n = sizeOf(out.shape);
  if (n === 0) return y;
  checkRank(spec.op, out.shape);
  const modes: Mode[] = inputs.map((t) => {
    const size = sizeOf(t.shape);
    return size === n ? 'full' : size === 1 ? 'one' : 'strided';
  });
  const types = inputs.map((t) => wgslType(t.dtype));
  const outType = wgslType(out.dtype);
  const rank = out.shape.length;
  const params = spec.params ?? [];
  // [n, rank, params…, out.shape…, strides of each strided input…]: params sit at fixed indices.
  const meta = new Meta().u(n, rank, ...params, ...out.shape);
  const shapeAt = 2 + params.length;
  let expr = spec.expr;
  params.forEach((_, j) => {
    expr = expr.replaceAll(`$${j}`, `args[${2 + j}u]`);
  });
  const reads = inputs.map((t, j) => {
    if (modes[j] === 'full') return `let ${spec.names[j]} = in${j}[i];`;
    if (modes[j] === 'one') return `let ${spec.names[j]} = in${j}[0];`;
    meta.u(...broadcastStrides(t.shape, out.shape));
    const stridedBefore = modes.slice(0, j).filter((m) => m === 'strided').length + 1;
    const read = `let ${spec.names[j]} = in${j}[strided_offset(i, args[1], ${shapeAt}u, ${shapeAt}u + ${stridedBefore}u * args[1])];`;
    return read;
  });
  const strided = modes.includes('strided');
  const key = `${spec.op}|${outType}|${types.join(',')}|${modes.join(',')}`;
  const code = () =>
    [
      bindings(outType, types),
      FLOAT_HELPERS,
      spec.helpers ?? '',
      strided ? STRIDED_OFFSET : '',
      ELEMENT_MAIN,
      ...reads,
      `  out[i] = ${expr};`,
      '}',
    ].join('\n');
  k.gpu.run({
    op: spec.op,
    key,
    code,
    output: y.buffer,
    inputs: inputs.map(bufferOf),
    meta: meta.build(),
    workgroups: grid(Math.ceil(n / WG)),
  });
  return y;
}
