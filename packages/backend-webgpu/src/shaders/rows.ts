/** The row shader behind softmax, logSoftmax and softmaxCrossEntropy: one 64-thread workgroup per last-axis row. */
import { type Handle, type OutputInfo, sizeOf, type TensorInfo } from '@backprop/core';
import { bufferOf } from '../handle.js';
import type { KernelContext } from '../kernel-context.js';
import { Meta } from '../meta.js';
import { LOG_WGSL } from './log.js';
import { bindings, FLOAT_HELPERS, grid } from './prelude.js';

const RW = 64;

/**
 * What to write once a row's maximum `mx`, Σ e^{x−mx} `total` and `lt` = ln(total) (0 when mx is
 * not finite) are known. The log-sum-exp is mx + lt, but the finishes take x − mx first, so the
 * large parts cancel exactly (x − (mx + lt) would round the large sum, then cancel it).
 */
export type RowFinish = 'softmax' | 'logSoftmax' | 'crossEntropy';

const finishes: Record<RowFinish, string> = {
  softmax: 'for (var j = lid; j < n; j += RW) { out[base + j] = exp(in0[base + j] - mx) / total; }',
  logSoftmax: 'for (var j = lid; j < n; j += RW) { out[base + j] = (in0[base + j] - mx) - lt; }',
  crossEntropy: `if (lid == 0u) {
    let label = in1[row];
    if (label < 0 || u32(label) >= n) { out[row] = nan(); } else { out[row] = lt - (in0[base + u32(label)] - mx); }
  }`,
};

function code(finish: RowFinish): string {
  return `${bindings('f32', finish === 'crossEntropy' ? ['f32', 'i32'] : ['f32'])}
${FLOAT_HELPERS}
${LOG_WGSL}
const RW = ${RW}u;
var<workgroup> red: array<f32, ${RW}>;
@compute @workgroup_size(${RW})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  if (row >= args[0]) { return; }
  let n = args[1];
  let base = row * n;
  var m = -inf();
  for (var j = lid; j < n; j += RW) { m = fmax(m, in0[base + j]); }
  red[lid] = m;
  workgroupBarrier();
  for (var s = RW / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { red[lid] = fmax(red[lid], red[lid + s]); }
    workgroupBarrier();
  }
  let mx = red[0];
  workgroupBarrier();
  var t = 0.0;
  for (var j = lid; j < n; j += RW) { t += exp(in0[base + j] - mx); }
  red[lid] = t;
  workgroupBarrier();
  for (var s = RW / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { red[lid] = red[lid] + red[lid + s]; }
    workgroupBarrier();
  }
  let total = red[0];
  let lt = select(log_f(total), 0.0, is_nan(mx) || is_inf(mx));
  ${finishes[finish]}
}`;
}

/**
 * Runs `finish` over the rows of x's last axis (a scalar is one row of one); `labels` are the
 * int32 classes for the cross-entropy. The maximum propagates NaN, so a NaN row stays NaN.
 */
export function runRows(
  k: KernelContext,
  op: string,
  finish: RowFinish,
  x: TensorInfo,
  out: OutputInfo,
  labels?: TensorInfo,
): Handle {
  const y = k.output(out);
  const n = x.shape.length === 0 ? 1 : x.shape[x.shape.length - 1];
  const rows = n === 0 ? 0 : sizeOf(x.shape) / n;
  if (rows === 0 || sizeOf(out.shape) === 0) return y;
  k.gpu.run({
    op,
    key: `rows|${finish}`,
    code: () => code(finish),
    output: y.buffer,
    inputs: labels ? [bufferOf(x), bufferOf(labels)] : [bufferOf(x)],
    meta: new Meta().u(rows, n).build(),
    workgroups: grid(rows),
  });
  return y;
}
