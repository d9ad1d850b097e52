/** The skinny (gemv) matmul shader: each workgroup reduces K for a few outputs cooperatively, with a shared-memory tree. */
import type { GemvMode } from './matmul-choose.js';
import { type Epilogue, epilogueWgsl } from './matmul-epilogue.js';
import { MATMUL_WGSL } from './matmul-problem.js';
import { bindings, FLOAT_HELPERS } from './prelude.js';

/** Threads per gemv workgroup. */
export const GEMV_WG = 256;

/**
 * Outputs per workgroup and K lanes per output, by mode: `dot` puts 64 neighbouring threads on
 * one output's K (its operand is contiguous in K), `axpy` puts 16 neighbouring threads on 16
 * neighbouring outputs at the same k (its operand is contiguous along the outputs).
 */
export const GEMV_LANES: Record<GemvMode, { outputs: number; kLanes: number }> = {
  dot: { outputs: 4, kLanes: 64 },
  axpy: { outputs: 16, kLanes: 16 },
};

/** Workgroups of a gemv dispatch before folding into the grid: output blocks × the short side. */
export function gemvGroups(mode: GemvMode, alongN: boolean, m: number, n: number): number {
  const [long, short] = alongN ? [n, m] : [m, n];
  return Math.ceil(long / GEMV_LANES[mode].outputs) * short;
}

/**
 * WGSL of the gemv variant. Workgroup g (x, y folded) takes `outputs` neighbouring outputs along
 * the long side (N when args[11] ≠ 0, else M) in row (or column) g / blocks; each of its threads
 * sums A(i, k)·B(k, j) over k ≡ lane (mod kLanes), then the lanes of each output are added in a
 * tree in shared memory and lane 0 writes epilogue(sum). K = 0 writes epilogue(0). Grid z: batch.
 */
export function gemvCode(mode: GemvMode, epilogue: Epilogue): string {
  const { outputs, kLanes } = GEMV_LANES[mode];
  // dot: lanes of one output are neighbours; axpy: outputs are neighbours, lanes `outputs` apart.
  const [lane, slot, laneStride] =
    mode === 'dot' ? [`lid % ${kLanes}u`, `lid / ${kLanes}u`, 1] : [`lid / ${outputs}u`, `lid % ${outputs}u`, outputs];
  return `${bindings('f32', epilogue.bias ? ['f32', 'f32', 'f32'] : ['f32', 'f32'])}
${FLOAT_HELPERS}
${MATMUL_WGSL}
${epilogueWgsl('f32', epilogue, 'in2')}
var<workgroup> part: array<f32, ${GEMV_WG}>;
@compute @workgroup_size(${GEMV_WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let M = args[0]; let N = args[1]; let K = args[2];
  let alongN = args[11] != 0u;
  let nLong = select(M, N, alongN); let nShort = select(N, M, alongN);
  let blocks = (nLong + ${outputs - 1}u) / ${outputs}u;
  let g = wid.y * nwg.x + wid.x;
  let lane = ${lane}; let x = (g % blocks) * ${outputs}u + ${slot};
  let live = g < blocks * nShort && x < nLong;
  var i = x; var j = g / blocks;
  if (alongN) { i = g / blocks; j = x; }
  let base = mm_bases(wid.z);
  var acc = 0.0;
  if (live) {
    for (var k = lane; k < K; k += ${kLanes}u) { acc += in0[mm_a(base.x, i, k)] * in1[mm_b(base.y, k, j)]; }
  }
  part[lid] = acc;
  workgroupBarrier();
  for (var h = ${kLanes / 2}u; h > 0u; h >>= 1u) {
    if (lane < h) { part[lid] += part[lid + h * ${laneStride}u]; }
    workgroupBarrier();
  }
  if (live && lane == 0u) { out[wid.z * M * N + i * N + j] = epilogue(part[lid], j); }
}`;
}
