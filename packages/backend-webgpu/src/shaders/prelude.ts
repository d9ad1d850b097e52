/** WGSL shared by every shader: types per dtype, bindings, NaN tests by bits, grid indexing. */
import type { DType } from '@backprop/core';

/** Threads per workgroup of the one-thread-per-element shaders. */
export const WG = 256;

/** The WGSL element type a dtype is stored as (bool as u32 0/1). */
export function wgslType(dtype: DType): 'f32' | 'i32' | 'u32' {
  return dtype === 'float32' ? 'f32' : dtype === 'int32' ? 'i32' : 'u32';
}

/**
 * Binding 0 `args` (the metadata words), binding 1 `out`, bindings 2… `in0`, `in1`, … as arrays
 * of the given WGSL element types: scalars, or `vec4<f32>` for 16-byte loads and stores (the
 * vec4 matmul binds A, B and its output so and indexes them by element offset / 4).
 */
export function bindings(outType: string, inputTypes: readonly string[]): string {
  const lines = [
    '@group(0) @binding(0) var<storage, read> args: array<u32>;',
    `@group(0) @binding(1) var<storage, read_write> out: array<${outType}>;`,
  ];
  inputTypes.forEach((t, i) => lines.push(`@group(0) @binding(${i + 2}) var<storage, read> in${i}: array<${t}>;`));
  return lines.join('\n');
}

/**
 * NaN and infinity tests on the bits, because WGSL lets compilers assume that floats are
 * finite (`x != x` may be folded away); NaN and ∞ are made from runtime bits for the same reason.
 */
export const FLOAT_HELPERS = /* wgsl */ `
var<private> NAN_BITS: u32 = 0x7fc00000u;
var<private> INF_BITS: u32 = 0x7f800000u;
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn is_inf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
fn nan() -> f32 { return bitcast<f32>(NAN_BITS); }
fn inf() -> f32 { return bitcast<f32>(INF_BITS); }
fn fmax(a: f32, b: f32) -> f32 { if (is_nan(a)) { return a; } if (is_nan(b)) { return b; } return max(a, b); }
fn fmin(a: f32, b: f32) -> f32 { if (is_nan(a)) { return a; } if (is_nan(b)) { return b; } return min(a, b); }
`;

/** Offset of flat output index `i` in an operand walked with strides at args[strideAt…], over the shape at args[shapeAt…]. */
export const STRIDED_OFFSET = /* wgsl */ `
fn strided_offset(i: u32, rank: u32, shapeAt: u32, strideAt: u32) -> u32 {
  var rem = i;
  var off = 0u;
  for (var d = i32(rank) - 1; d >= 0; d--) {
    let n = args[shapeAt + u32(d)];
    off += (rem % n) * args[strideAt + u32(d)];
    rem /= n;
  }
  return off;
}
`;

/** The entry point header of a one-thread-per-element shader; `i` is the element, checked against args[0]. */
export const ELEMENT_MAIN = /* wgsl */ `
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * ${WG}u + lid;
  if (i >= args[0]) { return; }
`;

/** Workgroup counts for `groups` workgroups, folded into 2-D when one dimension is not enough. */
export function grid(groups: number, maxPerDimension = 65535): [number, number, number] {
  if (groups <= maxPerDimension) return [Math.max(groups, 1), 1, 1];
  const y = Math.ceil(groups / maxPerDimension);
  return [Math.ceil(groups / y), y, 1];
}
