/** The reduction shaders: a fold over a set of axes, per thread or per workgroup, and arg-reductions along one axis. */
import { type Handle, type OutputInfo, sizeOf, stridesOf, type TensorInfo } from '@backprop/core';
import { bufferOf } from '../handle.js';
import type { KernelContext } from '../kernel-context.js';
import { Meta } from '../meta.js';
import { bindings, ELEMENT_MAIN, FLOAT_HELPERS, grid, WG, wgslType } from './prelude.js';

/** A fold: the starting value and the combination of two partial results, as WGSL of `p` and `q`, per type. */
export interface Fold {
  init: Partial<Record<'f32' | 'i32', string>>;
  combine: Partial<Record<'f32' | 'i32', string>>;
}

interface Dims {
  shape: number[];
  strides: number[];
}

/** Splits x's axes into kept and reduced lists, merging neighbours that are contiguous in memory. */
function splitDims(shape: readonly number[], axes: readonly number[]): { kept: Dims; reduced: Dims } {
  const strides = stridesOf(shape);
  const kept: Dims = { shape: [], strides: [] };
  const reduced: Dims = { shape: [], strides: [] };
  let last: Dims | undefined;
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const into = axes.includes(d) ? reduced : kept;
    const n = into.shape.length;
    if (into === last && into.strides[n - 1] === strides[d] * shape[d]) {
      into.shape[n - 1] *= shape[d];
      into.strides[n - 1] = strides[d];
    } else {
      into.shape.push(shape[d]);
      into.strides.push(strides[d]);
    }
    last = into;
  }
  return { kept, reduced };
}

const OFFSET_FN = /* wgsl */ `
fn dims_offset(index: u32, rank: u32, at: u32) -> u32 {
  var rem = index;
  var off = 0u;
  for (var d = i32(rank) - 1; d >= 0; d--) {
    let n = args[at + u32(d)];
    off += (rem % n) * args[at + rank + u32(d)];
    rem /= n;
  }
  return off;
}`;

function threadCode(t: string, fold: Fold): string {
  return `${bindings(t, [t])}
${FLOAT_HELPERS}
${OFFSET_FN}
fn combine(p: ${t}, q: ${t}) -> ${t} { return ${fold.combine[t as 'f32']}; }
${ELEMENT_MAIN}
  let base = dims_offset(i, args[2], 4u);
  var acc: ${t} = ${fold.init[t as 'f32']};
  for (var r = 0u; r < args[1]; r++) { acc = combine(acc, in0[base + dims_offset(r, args[3], 4u + 2u * args[2])]); }
  out[i] = acc;
}`;
}

function groupCode(t: string, fold: Fold): string {
  return `${bindings(t, [t])}
${FLOAT_HELPERS}
${OFFSET_FN}
fn combine(p: ${t}, q: ${t}) -> ${t} { return ${fold.combine[t as 'f32']}; }
var<workgroup> partial: array<${t}, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let o = wid.y * nwg.x + wid.x;
  let live = o < args[0];
  var acc: ${t} = ${fold.init[t as 'f32']};
  if (live) {
    let base = dims_offset(o, args[2], 4u);
    for (var r = lid; r < args[1]; r += ${WG}u) { acc = combine(acc, in0[base + dims_offset(r, args[3], 4u + 2u * args[2])]); }
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s >>= 1u) {
    if (lid < s) { partial[lid] = combine(partial[lid], partial[lid + s]); }
    workgroupBarrier();
  }
  if (live && lid == 0u) { out[o] = partial[0]; }
}`;
}

/**
 * Folds x over `axes`. One thread per output when the reduced axes are strided (neighbouring
 * threads then read neighbouring words); one workgroup per output with a tree in shared
 * memory when the innermost axis is reduced and long. The caller handles empty reductions.
 */
export function reduceAxes(
  k: KernelContext,
  op: string,
  x: TensorInfo,
  axes: readonly number[],
  out: OutputInfo,
  fold: Fold,
): Handle {
  const y = k.output(out);
  const outSize = sizeOf(out.shape);
  if (outSize === 0) return y;
  const t = wgslType(x.dtype);
  const { kept, reduced } = splitDims(x.shape, axes);
  const redSize = sizeOf(reduced.shape);
  const kr = kept.shape.length;
  const rr = reduced.shape.length;
  const innerReduced = rr > 0 && reduced.strides[rr - 1] === 1;
  const perGroup = innerReduced && redSize >= 64;
  const meta = new Meta()
    .u(outSize, redSize, kr, rr, ...kept.shape, ...kept.strides, ...reduced.shape, ...reduced.strides)
    .build();
  k.gpu.run({
    op,
    key: `${op}|${t}|${perGroup ? 'group' : 'thread'}`,
    code: () => (perGroup ? groupCode : threadCode)(t, fold),
    output: y.buffer,
    inputs: [bufferOf(x)],
    meta,
    workgroups: grid(perGroup ? outSize : Math.ceil(outSize / WG)),
  });
  return y;
}

/**
 * Index (int32) of the first element along `axis` that `better(v, best)` prefers; once a NaN
 * is the best it is kept; an empty axis gives −1. One thread per output.
 */
export function argReduce(
  k: KernelContext,
  op: string,
  x: TensorInfo,
  axis: number,
  out: OutputInfo,
  better: string,
): Handle {
  const y = k.output(out);
  const outSize = sizeOf(out.shape);
  if (outSize === 0) return y;
  const t = wgslType(x.dtype);
  const n = x.shape[axis];
  const inner = sizeOf(x.shape.slice(axis + 1));
  const nanCheck = t === 'f32' ? 'is_nan(best)' : 'false';
  const code = () => `${bindings('i32', [t])}
${FLOAT_HELPERS}
${ELEMENT_MAIN}
  let n = args[1];
  let inner = args[2];
  let base = (i / inner) * n * inner + i % inner;
  if (n == 0u) { out[i] = -1; return; }
  var best = in0[base];
  var at = 0u;
  for (var j = 1u; j < n; j++) {
    if (${nanCheck}) { break; }
    let v = in0[base + j * inner];
    if (${better}) { best = v; at = j; }
  }
  out[i] = i32(at);
}`;
  k.gpu.run({
    op,
    key: `${op}|${t}`,
    code,
    output: y.buffer,
    inputs: [bufferOf(x)],
    meta: new Meta().u(outSize, n, inner).build(),
    workgroups: grid(Math.ceil(outSize / WG)),
  });
  return y;
}
