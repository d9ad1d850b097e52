/** The scalar tiled matmul shader: workgroup tiles in shared memory, register blocking, any dtype and layout. */
import type { Tiling } from './matmul-choose.js';
import { type Epilogue, epilogueWgsl } from './matmul-epilogue.js';
import { MATMUL_WGSL, tileProductWgsl, tilePrologueWgsl } from './matmul-problem.js';
import { bindings, FLOAT_HELPERS } from './prelude.js';

/**
 * WGSL of the tiled matmul for element type `t`: 16×16 threads, each owning TM×TN outputs strided
 * by 16 (conflict-free shared reads, coalesced stores), over the K range of its dispatch slice
 * (the whole of K unless split). Grid: (⌈N/BN⌉, ⌈M/BM⌉, splits × batch).
 */
export function tiledCode(t: string, tiling: Tiling, epilogue: Epilogue): string {
  const { tm, tn, bk } = tiling;
  const bm = 16 * tm;
  const bn = 16 * tn;
  const inputs = epilogue.bias ? [t, t, t] : [t, t];
  // Thread → tile element maps that make neighbouring threads read neighbouring words.
  // (tA, tB say whether A and B are stored transposed; the branch is uniform.)
  const aMap = `var m = e / ${bk}u; var kk = e % ${bk}u; if (tA) { kk = e / ${bm}u; m = e % ${bm}u; }`;
  const bMap = `var kk = e / ${bn}u; var nn = e % ${bn}u; if (tB) { nn = e / ${bk}u; kk = e % ${bk}u; }`;
  return `${bindings(t, inputs)}
${FLOAT_HELPERS}
${MATMUL_WGSL}
${epilogueWgsl(t, epilogue, 'in2')}
var<workgroup> As: array<${t}, ${bm * bk}>;
var<workgroup> Bs: array<${t}, ${bk * bn}>;
@compute @workgroup_size(16, 16, 1)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  ${tilePrologueWgsl(bm, bn)}
  var acc: array<${t}, ${tm * tn}>;
  var a: array<${t}, ${tm}>;
  for (var k0 = kr.x; k0 < kr.y; k0 += ${bk}u) {
    for (var l = 0u; l < ${(bm * bk) / 256}u; l++) {
      let e = l * 256u + tid;
      ${aMap}
      let gi = row0 + m; let gk = k0 + kk;
      var v = ${t}(0);
      if (gi < M && gk < kr.y) { v = in0[mm_a(base.x, gi, gk)]; }
      As[kk * ${bm}u + m] = v;
    }
    for (var l = 0u; l < ${(bn * bk) / 256}u; l++) {
      let e = l * 256u + tid;
      ${bMap}
      let gj = col0 + nn; let gk = k0 + kk;
      var v = ${t}(0);
      if (gj < N && gk < kr.y) { v = in1[mm_b(base.y, gk, gj)]; }
      Bs[kk * ${bn}u + nn] = v;
    }
    workgroupBarrier();
    ${tileProductWgsl(bk, bm, tm, tn)}
    workgroupBarrier();
  }
  let oBase = wid.z * M * N;
  for (var i = 0u; i < ${tm}u; i++) {
    let r = row0 + ty + 16u * i;
    if (r >= M) { continue; }
    for (var j = 0u; j < ${tn}u; j++) {
      let c = col0 + tx + 16u * j;
      if (c < N) { out[oBase + r * N + c] = epilogue(acc[i * ${tn}u + j], c); }
    }
  }
}`;
}
