/** The tiled matmul shader: workgroup tiles in shared memory, register blocking, tile sizes chosen by shape. */
import type { GpuHandle } from '../handle.js';
import type { KernelContext } from '../kernel-context.js';
import { Meta } from '../meta.js';
import { bindings, FLOAT_HELPERS } from './prelude.js';

/** One tiling: 16×16 threads, each computing TM×TN outputs (strided by 16), K stepped by BK. */
export interface Tiling {
  name: string;
  tm: number;
  tn: number;
  bk: number;
}

/** 16×16 outputs per workgroup: for small and skinny products (and few-workgroup shapes). */
export const SMALL: Tiling = { name: 'small', tm: 1, tn: 1, bk: 16 };
/** 64×64 outputs per workgroup. */
export const MEDIUM: Tiling = { name: 'medium', tm: 4, tn: 4, bk: 16 };
/** 128×128 outputs per workgroup, 8×8 per thread (REFERENCE.md: 30 TFLOP/s at 2048³ on an H100). */
export const LARGE: Tiling = { name: 'large', tm: 8, tn: 8, bk: 8 };

/**
 * The largest tiling that still gives enough workgroups to fill a big GPU: 128×128 tiles
 * leave SMs idle below ~200 tiles (REFERENCE.md: 6 TFLOP/s at 1024³), so smaller shapes step down.
 */
export function chooseTiling(batch: number, m: number, n: number): Tiling {
  const tiles = (size: number) => batch * Math.ceil(m / size) * Math.ceil(n / size);
  if (tiles(128) >= 192) return LARGE;
  if (tiles(64) >= 96) return MEDIUM;
  return SMALL;
}

/** What a matmul dispatch computes beyond A·B: nothing, or bias + activation (the fused dense kernel). */
export interface Epilogue {
  /** Key part naming the epilogue. */
  name: string;
  /** WGSL functions it needs. */
  helpers: string;
  /** WGSL expression of the accumulated value `v` and output column `c`. */
  expr: string;
}

const NO_EPILOGUE: Epilogue = { name: 'none', helpers: '', expr: 'v' };

function code(t: string, tiling: Tiling, epilogue: Epilogue): string {
  const { tm, tn, bk } = tiling;
  const bm = 16 * tm;
  const bn = 16 * tn;
  const inputs = epilogue.name === 'none' ? [t, t] : [t, t, t];
  // Thread → tile element maps that make neighbouring threads read neighbouring words.
  // (args[7], args[8] say whether A and B are stored transposed; the branch is uniform.)
  const aMap = `var m = e / ${bk}u; var kk = e % ${bk}u; if (tA) { kk = e / ${bm}u; m = e % ${bm}u; }`;
  const bMap = `var kk = e / ${bn}u; var nn = e % ${bn}u; if (tB) { nn = e / ${bk}u; kk = e % ${bk}u; }`;
  return `${bindings(t, inputs)}
${FLOAT_HELPERS}
${epilogue.helpers}
var<workgroup> As: array<${t}, ${bm * bk}>;
var<workgroup> Bs: array<${t}, ${bk * bn}>;
fn epilogue(v: ${t}, c: u32) -> ${t} { return ${epilogue.expr}; }
@compute @workgroup_size(16, 16, 1)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let M = args[0]; let N = args[1]; let K = args[2];
  let sAi = args[3]; let sAk = args[4]; let sBk = args[5]; let sBj = args[6];
  let tA = args[7] != 0u; let tB = args[8] != 0u; let rank = args[9];
  var aBase = 0u; var bBase = 0u; var rem = wid.z;
  for (var d = i32(rank) - 1; d >= 0; d--) {
    let ud = u32(d);
    let c = rem % args[10u + ud];
    rem /= args[10u + ud];
    aBase += c * args[10u + rank + ud];
    bBase += c * args[10u + 2u * rank + ud];
  }
  let tx = lid.x; let ty = lid.y; let tid = ty * 16u + tx;
  let row0 = wid.y * ${bm}u; let col0 = wid.x * ${bn}u;
  var acc: array<${t}, ${tm * tn}>;
  var a: array<${t}, ${tm}>;
  for (var k0 = 0u; k0 < K; k0 += ${bk}u) {
    for (var l = 0u; l < ${(bm * bk) / 256}u; l++) {
      let e = l * 256u + tid;
      ${aMap}
      let gi = row0 + m; let gk = k0 + kk;
      var v = ${t}(0);
      if (gi < M && gk < K) { v = in0[aBase + gi * sAi + gk * sAk]; }
      As[kk * ${bm}u + m] = v;
    }
    for (var l = 0u; l < ${(bn * bk) / 256}u; l++) {
      let e = l * 256u + tid;
      ${bMap}
      let gj = col0 + nn; let gk = k0 + kk;
      var v = ${t}(0);
      if (gj < N && gk < K) { v = in1[bBase + gk * sBk + gj * sBj]; }
      Bs[kk * ${bn}u + nn] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${bk}u; kk++) {
      for (var i = 0u; i < ${tm}u; i++) { a[i] = As[kk * ${bm}u + ty + 16u * i]; }
      for (var j = 0u; j < ${tn}u; j++) {
        let b = Bs[kk * ${bn}u + tx + 16u * j];
        for (var i = 0u; i < ${tm}u; i++) { acc[i * ${tn}u + j] += a[i] * b; }
      }
    }
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

/** The shape of one batched product: out[z] = A[z]·B[z] with A M×K and B K×N read through strides. */
export interface MatmulProblem {
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
  /** Output batch shape, and each operand's element stride per batch axis (0 where broadcast). */
  batchShape: readonly number[];
  aBatchStrides: readonly number[];
  bBatchStrides: readonly number[];
}

/** Records one tiled matmul dispatch writing every element of `y` (a K of 0 writes epilogue(0)). */
export function runMatmul(
  k: KernelContext,
  op: string,
  t: 'f32' | 'i32',
  p: MatmulProblem,
  buffers: readonly GPUBuffer[],
  y: GpuHandle,
  epilogue: Epilogue = NO_EPILOGUE,
): void {
  const batch = p.batchShape.reduce((s, d) => s * d, 1);
  const tiling = chooseTiling(batch, p.m, p.n);
  const rank = p.batchShape.length;
  // A (M×K) element (i, k) sits at i·sAi + k·sAk; B (K×N) element (k, j) at k·sBk + j·sBj.
  const [sAi, sAk] = p.transposeA ? [1, p.m] : [p.k, 1];
  const [sBk, sBj] = p.transposeB ? [1, p.k] : [p.n, 1];
  const meta = new Meta().u(
    p.m,
    p.n,
    p.k,
    sAi,
    sAk,
    sBk,
    sBj,
    Number(p.transposeA),
    Number(p.transposeB),
    rank,
    ...p.batchShape,
    ...p.aBatchStrides,
    ...p.bBatchStrides,
  );
  k.gpu.run({
    op,
    key: `matmul|${t}|${tiling.name}|${epilogue.name}`,
    code: () => code(t, tiling, epilogue),
    output: y.buffer,
    inputs: buffers,
    meta: meta.build(),
    workgroups: [Math.ceil(p.n / (16 * tiling.tn)), Math.ceil(p.m / (16 * tiling.tm)), batch],
  });
}
