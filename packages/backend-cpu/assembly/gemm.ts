// The WebAssembly SIMD matmul: C[i0:i1, j0:j1] = A·B on strided operands, with packed B panels and a 4×8 register tile.
// Compiled by scripts/build-wasm.mjs (AssemblyScript) into src/wasm/binary.ts; pointers are byte offsets into the
// shared memory, strides are in floats. Nothing here allocates or keeps state, so one module instance per thread
// can share one memory.

/** Rows of the register tile. */
const MR = 4;
/** Columns of the register tile: two f32x4 vectors. */
const NR = 8;
/**
 * Most depth of a packed block of B (kc × NR floats per panel: 16 KiB stays in L1). A depth k is cut into
 * ⌈k/KC⌉ equal blocks (784 → 2 × 392, not 512 + 272), so C is reloaded as few times as possible.
 */
const KC = 512;
/** Rows of A packed per block (MC × KC floats: 256 KiB stays in L2). */
const MC = 128;

/**
 * Packs B[k0:k0+kc, j0:j1] (strides bRs, bCs) into panels of NR columns: panel p, step kk holds NR floats,
 * zero-padded past j1.
 */
function packB(b: usize, bRs: i32, bCs: i32, k0: i32, kc: i32, j0: i32, j1: i32, dst: usize): void {
  for (let p = j0; p < j1; p += NR) {
    const w = min(NR, j1 - p);
    let src = b + ((<usize>k0 * bRs + <usize>p * bCs) << 2);
    const step = (<usize>bRs) << 2;
    if (bCs === 1 && w === NR) {
      for (let kk = 0; kk < kc; kk++, src += step, dst += NR << 2) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
      }
    } else if (bRs === 1 && w === NR) {
      // Bᵀ stored row-major (δ·Wᵀ): each column is a run of floats; 4 steps of 8 columns are
      // read as eight vectors and transposed in registers, four columns at a time.
      const cs = (<usize>bCs) << 2;
      let kk = 0;
      for (; kk + 4 <= kc; kk += 4, src += 16, dst += NR << 4) {
        transposeInto(dst, src, cs, NR << 2);
        transposeInto(dst + 16, src + 4 * cs, cs, NR << 2);
      }
      for (; kk < kc; kk++, src += 4) {
        let s = src;
        for (let c = 0; c < NR; c++, s += cs, dst += 4) store<f32>(dst, load<f32>(s));
      }
    } else {
      const cs = (<usize>bCs) << 2;
      for (let kk = 0; kk < kc; kk++, src += step) {
        let s = src;
        for (let c = 0; c < NR; c++, s += cs, dst += 4) store<f32>(dst, c < w ? load<f32>(s) : 0);
      }
    }
  }
}

/**
 * Writes 4 steps × 4 lines into a packed panel at dst (one step every ds bytes: NR floats for B, MR for A): line c's
 * 4 steps are the 4 floats at src + c·cs. Two rounds of lane shuffles turn the four line vectors into four step vectors.
 */
function transposeInto(dst: usize, src: usize, cs: usize, ds: usize): void {
  const r0 = v128.load(src);
  const r1 = v128.load(src + cs);
  const r2 = v128.load(src + 2 * cs);
  const r3 = v128.load(src + 3 * cs);
  const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = f32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(dst + ds, f32x4.shuffle(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * ds, f32x4.shuffle(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * ds, f32x4.shuffle(t1, t3, 2, 3, 6, 7));
}

/** Packs rows [i0, i1) × steps [k0, k0+kc) of A into panels of MR rows (MR floats per step, zero-padded). */
function packA(a: usize, aRs: i32, aCs: i32, k0: i32, kc: i32, i0: i32, i1: i32, dst: usize): void {
  const ars = (<usize>aRs) << 2;
  const acs = (<usize>aCs) << 2;
  for (let p = i0; p < i1; p += MR) {
    const h = min(MR, i1 - p);
    let src = a + <usize>p * ars + <usize>k0 * acs;
    if (h === MR && aRs === 1) {
      // Aᵀ stored row-major (a weight gradient's Xᵀ): a step's MR rows are adjacent floats.
      for (let kk = 0; kk < kc; kk++, src += acs, dst += MR << 2) v128.store(dst, v128.load(src));
    } else if (h === MR) {
      let kk = 0;
      // A stored row-major (a layer's input): 4 steps of the MR rows are read as four vectors and transposed in
      // registers; the steps past the last multiple of 4 (and every step of other layouts) one float at a time.
      if (aCs === 1) for (; kk + 4 <= kc; kk += 4, src += 16, dst += MR << 4) transposeInto(dst, src, ars, MR << 2);
      for (; kk < kc; kk++, src += acs, dst += MR << 2) {
        store<f32>(dst, load<f32>(src));
        store<f32>(dst, load<f32>(src + ars), 4);
        store<f32>(dst, load<f32>(src + 2 * ars), 8);
        store<f32>(dst, load<f32>(src + 3 * ars), 12);
      }
    } else {
      for (let kk = 0; kk < kc; kk++, src += acs) {
        let s = src;
        for (let r = 0; r < MR; r++, s += ars, dst += 4) store<f32>(dst, r < h ? load<f32>(s) : 0);
      }
    }
  }
}

/** Stores (or adds into) the first `w` lanes of v at p. */

function storeLanes(p: usize, v: v128, w: i32, add: bool): void {
  if (add) v = f32x4.add(v, v128.load(p));
  if (w >= 4) {
    v128.store(p, v);
    return;
  }
  if (w > 0) store<f32>(p, f32x4.extract_lane(v, 0));
  if (w > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (w > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/** Stores one tile row (two vectors) of w ≤ NR valid columns; adds into C when `add`. */

function storeRow(p: usize, lo: v128, hi: v128, w: i32, add: bool): void {
  if (w === NR) {
    if (add) {
      lo = f32x4.add(lo, v128.load(p));
      hi = f32x4.add(hi, v128.load(p, 16));
    }
    v128.store(p, lo);
    v128.store(p, hi, 16);
  } else {
    storeLanes(p, lo, min(w, 4), add);
    if (w > 4) storeLanes(p + 16, hi, w - 4, add);
  }
}

/**
 * c + a·b per lane: one fused multiply-add in the relaxed-SIMD build (an FMA instruction where
 * the CPU has one; one rounding), a multiply then an add elsewhere.
 */
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// biome-ignore lint/complexity/noStaticOnlyClass: AssemblyScript inlines `@inline` static methods; biome rejects decorators on plain functions
class GemmK {
  /**
   * The MR×8 tile over kc steps of a packed A panel (pa) and a packed B panel (pb); stores h rows, w columns. Inlined into
   * gemm's loop: as a function of its own the engine recomputes the four row pointers every step (a third more
   * instructions per multiply-add, which costs most when a hyperthread sibling is busy).
   */
  @inline static tile(pa: usize, pb: usize, kc: i32, pc: usize, ldc: usize, h: i32, w: i32, add: bool): void {
    let c00 = f32x4.splat(0),
      c01 = f32x4.splat(0);
    let c10 = f32x4.splat(0),
      c11 = f32x4.splat(0);
    let c20 = f32x4.splat(0),
      c21 = f32x4.splat(0);
    let c30 = f32x4.splat(0),
      c31 = f32x4.splat(0);
    for (let kk = 0; kk < kc; kk++, pa += MR << 2, pb += NR << 2) {
      const b0 = v128.load(pb);
      const b1 = v128.load(pb, 16);
      let a = v128.load32_splat(pa);
      c00 = madd(a, b0, c00);
      c01 = madd(a, b1, c01);
      a = v128.load32_splat(pa, 4);
      c10 = madd(a, b0, c10);
      c11 = madd(a, b1, c11);
      a = v128.load32_splat(pa, 8);
      c20 = madd(a, b0, c20);
      c21 = madd(a, b1, c21);
      a = v128.load32_splat(pa, 12);
      c30 = madd(a, b0, c30);
      c31 = madd(a, b1, c31);
    }
    if (h === MR && w === NR) {
      // The whole tile (all but the edges): stored here, not through storeRow's lane checks.
      if (add) {
        c00 = f32x4.add(c00, v128.load(pc));
        c01 = f32x4.add(c01, v128.load(pc, 16));
        c10 = f32x4.add(c10, v128.load(pc + ldc));
        c11 = f32x4.add(c11, v128.load(pc + ldc, 16));
        c20 = f32x4.add(c20, v128.load(pc + 2 * ldc));
        c21 = f32x4.add(c21, v128.load(pc + 2 * ldc, 16));
        c30 = f32x4.add(c30, v128.load(pc + 3 * ldc));
        c31 = f32x4.add(c31, v128.load(pc + 3 * ldc, 16));
      }
      v128.store(pc, c00);
      v128.store(pc, c01, 16);
      v128.store(pc + ldc, c10);
      v128.store(pc + ldc, c11, 16);
      v128.store(pc + 2 * ldc, c20);
      v128.store(pc + 2 * ldc, c21, 16);
      v128.store(pc + 3 * ldc, c30);
      v128.store(pc + 3 * ldc, c31, 16);
      return;
    }
    storeRow(pc, c00, c01, w, add);
    if (h > 1) storeRow(pc + ldc, c10, c11, w, add);
    if (h > 2) storeRow(pc + 2 * ldc, c20, c21, w, add);
    if (h > 3) storeRow(pc + 3 * ldc, c30, c31, w, add);
  }
}

/**
 * C[i, j] = Σₖ A[i, k]·B[k, j] for i in [i0, i1), j in [j0, j1), with A[i, k] at a + 4(i·aRs + k·aCs),
 * B[k, j] at b + 4(k·bRs + j·bCs) and C row-major with leading dimension ldc. `pack` is this thread's
 * scratch of KC·(⌈(j1−j0)/NR⌉·NR + NR + MC) floats. j0 must be a multiple of NR. Accumulates in float32.
 * With `accumulate` ≠ 0 the products are added to what C holds (dense pre-fills C with its bias).
 */
export function gemm(
  a: usize,
  aRs: i32,
  aCs: i32,
  b: usize,
  bRs: i32,
  bCs: i32,
  c: usize,
  ldc: i32,
  k: i32,
  i0: i32,
  i1: i32,
  j0: i32,
  j1: i32,
  pack: usize,
  accumulate: i32,
): void {
  const ldcb = (<usize>ldc) << 2;
  if (k === 0) {
    if (accumulate) return;
    for (let i = i0; i < i1; i++) memory.fill(c + <usize>i * ldcb + ((<usize>j0) << 2), 0, (<usize>(j1 - j0)) << 2);
    return;
  }
  const packedB = pack;
  const packedA = pack + ((<usize>KC * <usize>(j1 - j0 + NR)) << 2);
  const blocks = (k + KC - 1) / KC;
  const depth = (k + blocks - 1) / blocks;
  for (let k0 = 0; k0 < k; k0 += depth) {
    const kc = min(depth, k - k0);
    const add = k0 > 0 || accumulate !== 0;
    packB(b, bRs, bCs, k0, kc, j0, j1, packedB);
    for (let ib = i0; ib < i1; ib += MC) {
      const ie = min(MC, i1 - ib) + ib;
      packA(a, aRs, aCs, k0, kc, ib, ie, packedA);
      for (let j = j0; j < j1; j += NR) {
        const w = min(NR, j1 - j);
        const pb = packedB + ((<usize>(j - j0) * kc) << 2);
        for (let i = ib; i < ie; i += MR) {
          const pa = packedA + ((<usize>(i - ib) * kc) << 2);
          GemmK.tile(pa, pb, kc, c + <usize>i * ldcb + ((<usize>j) << 2), ldcb, min(MR, ie - i), w, add);
        }
      }
    }
  }
}
