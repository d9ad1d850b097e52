/** The vec4 tiled matmul shader: the tiled scheme with 16-byte global loads, a vec4 B tile and vec4 stores (f32). */
import type { Tiling } from './matmul-choose.js';
import { type Epilogue, epilogueWgsl } from './matmul-epilogue.js';
import { MATMUL_WGSL, tileProductWgsl, tilePrologueWgsl } from './matmul-problem.js';
import { bindings, FLOAT_HELPERS } from './prelude.js';

/** True when `tiling` suits the vec4 shader: 4 columns per thread group, one vec4 per thread per tile load. */
export function vec4Tiling(tiling: Tiling): boolean {
  const bm = 16 * tiling.tm;
  const bn = 16 * tiling.tn;
  return tiling.tn % 4 === 0 && (bm * tiling.bk) % 1024 === 0 && (bn * tiling.bk) % 1024 === 0;
}

/**
 * WGSL of the vec4 tiled matmul (the problem must be `vec4Aligned`, the tiling `vec4Tiling`).
 * A and B are bound as `array<vec4<f32>>` and read a vec4 at a time along each one's contiguous
 * axis (K or M for A, N or K for B; the transposes are uniform branches). A's tile is stored
 * k-major as scalars, B's as vec4 rows, so each thread keeps TM rows (strided by 16) × TN/4
 * vec4 column groups (strided by 64) in registers, multiplies them with vec4 FMAs and writes
 * each group with one vec4 store after the epilogue. Grid as the scalar shader's.
 */
export function vec4Code(tiling: Tiling, epilogue: Epilogue): string {
  if (!vec4Tiling(tiling)) throw new Error(`vec4 matmul: tiling ${tiling.name} has no vec4 layout`);
  const { tm, tn, bk } = tiling;
  const bm = 16 * tm;
  const bn = 16 * tn;
  const tn4 = tn / 4;
  const v4 = 'vec4<f32>';
  const inputs = epilogue.bias ? [v4, v4, 'f32'] : [v4, v4];
  return `${bindings(v4, inputs)}
${FLOAT_HELPERS}
${MATMUL_WGSL}
${epilogueWgsl('f32', epilogue, 'in2')}
var<workgroup> As: array<f32, ${bm * bk}>;
var<workgroup> Bs: array<${v4}, ${(bk * bn) / 4}>;
@compute @workgroup_size(16, 16, 1)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  ${tilePrologueWgsl(bm, bn)}
  var acc: array<${v4}, ${tm * tn4}>;
  var a: array<f32, ${tm}>;
  for (var k0 = kr.x; k0 < kr.y; k0 += ${bk}u) {
    for (var l = 0u; l < ${(bm * bk) / 1024}u; l++) {
      let e = l * 256u + tid;
      // A vec4: 4 k's of row m, or (transposed) 4 rows m.. at one k.
      var m = e / ${bk / 4}u; var kk = 4u * (e % ${bk / 4}u);
      if (tA) { kk = e / ${bm / 4}u; m = 4u * (e % ${bm / 4}u); }
      let gi = row0 + m; let gk = k0 + kk;
      var v = ${v4}(0.0);
      if (gi < M && gk < kr.y) { v = in0[mm_a(base.x, gi, gk) / 4u]; }
      for (var c = 0u; c < 4u; c++) {
        if (tA) { As[kk * ${bm}u + m + c] = v[c]; } else { As[(kk + c) * ${bm}u + m] = v[c]; }
      }
    }
    for (var l = 0u; l < ${(bn * bk) / 1024}u; l++) {
      let e = l * 256u + tid;
      if (tB) {
        // 4 k's of column nn, scattered into one lane of 4 B rows.
        let nn = e / ${bk / 4}u; let kk = 4u * (e % ${bk / 4}u);
        let gj = col0 + nn; let gk = k0 + kk;
        var v = ${v4}(0.0);
        if (gj < N && gk < kr.y) { v = in1[mm_b(base.y, gk, gj) / 4u]; }
        for (var c = 0u; c < 4u; c++) { Bs[(kk + c) * ${bn / 4}u + nn / 4u][nn % 4u] = v[c]; }
      } else {
        // 4 columns of row kk: one vec4 of the B tile.
        let kk = e / ${bn / 4}u; let nq = e % ${bn / 4}u;
        let gj = col0 + 4u * nq; let gk = k0 + kk;
        var v = ${v4}(0.0);
        if (gj < N && gk < kr.y) { v = in1[mm_b(base.y, gk, gj) / 4u]; }
        Bs[kk * ${bn / 4}u + nq] = v;
      }
    }
    workgroupBarrier();
    ${tileProductWgsl(bk, bm, tm, tn4)}
    workgroupBarrier();
  }
  let oBase = wid.z * M * N;
  for (var i = 0u; i < ${tm}u; i++) {
    let r = row0 + ty + 16u * i;
    if (r >= M) { continue; }
    for (var j = 0u; j < ${tn4}u; j++) {
      let c = col0 + 4u * (tx + 16u * j);
      if (c < N) {
        let v = acc[i * ${tn4}u + j];
        out[(oBase + r * N + c) / 4u] = ${v4}(epilogue(v.x, c), epilogue(v.y, c + 1u), epilogue(v.z, c + 2u), epilogue(v.w, c + 3u));
      }
    }
  }
}`;
}
