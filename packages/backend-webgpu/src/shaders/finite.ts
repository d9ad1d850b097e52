/**
 * The finiteness scan: several f32 tensors read once, in one dispatch, as bits; a workgroup that
 * meets a NaN or ±∞ ORs NaN's bits into that tensor's word of a zeroed flag buffer.
 */
import { sizeOf, type TensorInfo } from '@backprop/core';
import { bufferOf } from '../handle.js';
import type { KernelContext } from '../kernel-context.js';
import { Meta } from '../meta.js';
import { bindings, grid, WG } from './prelude.js';

/** Elements each thread reads (strided by the workgroup size, so neighbouring threads read neighbouring words). */
const PER_THREAD = 16;
/** Elements one workgroup scans. */
const CHUNK = WG * PER_THREAD;
/** Most tensors one dispatch binds, whatever the device allows (the shader has a branch per tensor). */
const MAX_SLOTS = 30;
/** Bindings besides the tensors: `args` and the flags. */
const OTHER_BINDINGS = 2;

/**
 * Tensors one scan dispatch takes: the device's storage buffers per shader stage less the
 * metadata and the flags (6 at WebGPU's default limit of 8, 14 on lavapipe), at most 30.
 */
export function finiteScanSlots(device: GPUDevice): number {
  return Math.max(1, Math.min(device.limits.maxStorageBuffersPerShaderStage - OTHER_BINDINGS, MAX_SLOTS));
}

// args: [workgroups, first flag, then per slot: its workgroups' end (cumulative), its length].
// A word is non-finite exactly when its exponent bits are all ones, the largest value
// `bits & 0x7f800000` can take, so a running max of that tells whether any was.
const scanCode = (slots: number) => {
  const cases = Array.from(
    { length: slots },
    (_, s) => `    case ${s}u: { for (var e = begin; e < end; e += ${WG}u) { m = max(m, in${s}[e] & EXPONENT); } }`,
  );
  const inputTypes = Array.from({ length: slots }, () => 'u32');
  return `${bindings('atomic<u32>', inputTypes)}
const EXPONENT = 0x7f800000u;
const NAN_BITS = 0x7fc00000u;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let w = wid.y * nwg.x + wid.x;
  if (w >= args[0]) { return; }
  var s = 0u;
  loop {
    if (s + 1u >= ${slots}u || w < args[2u + 2u * s]) { break; }
    s++;
  }
  let chunk = w - select(0u, args[2u * s], s > 0u);
  let begin = chunk * ${CHUNK}u + lid;
  let end = min(args[3u + 2u * s], (chunk + 1u) * ${CHUNK}u);
  var m = 0u;
  switch s {
${cases.join('\n')}
    default: {}
  }
  if (m == EXPONENT) { atomicOr(&out[args[1] + s], NAN_BITS); }
}`;
};

/**
 * Records one dispatch scanning `inputs` (at most `slots` of them): flag `first + j` of `flags`,
 * which must hold 0 already, becomes NaN when `inputs[j]` holds a NaN or ±∞, and stays 0
 * otherwise (±0, subnormals and ±3.4e38 are finite). Empty tensors take no workgroups.
 */
export function scanFinite(
  k: KernelContext,
  op: string,
  flags: GPUBuffer,
  first: number,
  inputs: readonly TensorInfo[],
  slots: number,
): void {
  const sizes = inputs.map((x) => sizeOf(x.shape));
  const ends: number[] = [];
  let groups = 0;
  for (const n of sizes) {
    groups += Math.ceil(n / CHUNK);
    ends.push(groups);
  }
  if (groups === 0) return;
  const meta = new Meta().u(groups, first);
  for (let s = 0; s < slots; s++) meta.u(ends[s] ?? groups, sizes[s] ?? 0);
  const buffers = inputs.map(bufferOf);
  // Unused slots bind the first tensor again (read-only); no workgroup reads them.
  while (buffers.length < slots) buffers.push(buffers[0]);
  k.gpu.run({
    op,
    key: `finite-scan|${slots}`,
    code: () => scanCode(slots),
    output: flags,
    inputs: buffers,
    meta: meta.build(),
    workgroups: grid(groups),
  });
}
