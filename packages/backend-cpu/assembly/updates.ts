// Fused optimizer steps (SGD, Adam/AdamW/AMSGrad, RMSProp/AdaGrad) over float32 arrays, four lanes at a time: core's
// fused update rules (packages/core/src/kernels/fused-update-rules.ts) written in AssemblyScript, operation for operation,
// every operation rounded to float32 as PyTorch computes them. The scalar kernels (src/kernels/{sgd,adam,rmsprop}Update.ts)
// evaluate those rules themselves, and test/wasm-updates.test.ts holds these loops to them bit for bit. Constants arrive
// as float64 and are rounded to float32 once (1 − β included, computed in float64 first, as PyTorch's Python scalars
// are). No fused multiply-add: each product is rounded before it is added.
//
// Every kernel takes `(args: usize, i0: i32, i1: i32)` and updates elements [i0, i1), so worker threads can split one
// array between them. `args` is the byte offset of an argument block of float64 values (8 bytes each, 8-byte aligned):
// pointers (byte offsets of the float32 arrays, stored as exact float64 integers; 0 = absent), constants and flags
// (0 = false, anything else = true). Layouts (slot: meaning):
//
// sgdStep (11 slots):
//   0 p, 1 g, 2 buf (0 = absent), 3 p2, 4 b2 (unused when momentum = 0),
//   5 lr, 6 momentum, 7 dampening, 8 weightDecay, 9 nesterov, 10 firstStep
// adamStep (16 slots):
//   0 p, 1 g, 2 m, 3 v, 4 vMax (amsgrad only), 5 p2, 6 m2, 7 v2, 8 vMax2 (amsgrad only),
//   9 beta1, 10 beta2, 11 e = ε√bc₂, 12 a = γ√bc₂/bc₁ (bc₁ = 1 − β₁ᵗ, bc₂ = 1 − β₂ᵗ),
//   13 decay (1 − γλ when decoupled, else 1), 14 coupled (λ when coupled, else 0), 15 amsgrad
// rmspropStep (16 slots):
//   0 p, 1 g, 2 v, 3 gAvg (centered only), 4 buf (momentum > 0 only), 5 p2, 6 v2, 7 gAvg2 (centered only),
//   8 buf2 (momentum > 0 only), 9 lr, 10 decay, 11 scale, 12 eps, 13 weightDecay, 14 momentum, 15 centered
//
// Outputs may be the same arrays as their inputs (p2 = p, m2 = m, …, an in-place update): each element's inputs are
// all loaded before any of its outputs is stored. Arrays that overlap at different offsets are not supported.

// biome-ignore lint/complexity/noStaticOnlyClass: AssemblyScript inlines `@inline` static methods; biome rejects decorators on plain functions
class K {
  /** Loads four floats at `p` (one, into lane 0, when `one`). */
  @inline static ld(p: usize, one: bool): v128 {
    return one ? v128.load32_zero(p) : v128.load(p);
  }

  /** Stores the four lanes of `x` at `p` (lane 0 only when `one`). */
  @inline static st(p: usize, x: v128, one: bool): void {
    if (one) v128.store32_lane(p, x, 0);
    else v128.store(p, x);
  }

  /** Slot `k` of the argument block. */
  @inline static arg(args: usize, k: i32): f64 {
    return load<f64>(args + ((<usize>k) << 3));
  }

  /** Slot `k` rounded to float32, in every lane. */
  @inline static c(args: usize, k: i32): v128 {
    return f32x4.splat(<f32>K.arg(args, k));
  }

  /** The float64 value `x` rounded to float32, in every lane. */
  @inline static f(x: f64): v128 {
    return f32x4.splat(<f32>x);
  }

  /** Slot `k` of the argument block as a pointer. */
  @inline static ptr(args: usize, k: i32): usize {
    return <usize>load<f64>(args + ((<usize>k) << 3));
  }

  /** Four elements (one when `one`) of SGD at byte offset `o`. */
  @inline static sgdAt(
    o: usize,
    one: bool,
    p: usize,
    g: usize,
    buf: usize,
    p2: usize,
    b2: usize,
    lr: v128,
    mom: v128,
    keep: v128,
    wd: v128,
    hasMom: bool,
    nesterov: bool,
    first: bool,
    hasWd: bool,
  ): void {
    const theta = K.ld(p + o, one);
    const gi = hasWd ? f32x4.add(K.ld(g + o, one), f32x4.mul(theta, wd)) : K.ld(g + o, one);
    if (!hasMom) {
      K.st(p2 + o, f32x4.sub(theta, f32x4.mul(gi, lr)), one);
      return;
    }
    const bi = first ? gi : f32x4.add(f32x4.mul(K.ld(buf + o, one), mom), f32x4.mul(gi, keep));
    const dir = nesterov ? f32x4.add(gi, f32x4.mul(bi, mom)) : bi;
    K.st(b2 + o, bi, one);
    K.st(p2 + o, f32x4.sub(theta, f32x4.mul(dir, lr)), one);
  }

  @inline static sgdRange(args: usize, i0: i32, i1: i32, hasMom: bool, nesterov: bool, first: bool, hasWd: bool): void {
    const p = K.ptr(args, 0);
    const g = K.ptr(args, 1);
    const buf = K.ptr(args, 2);
    const p2 = K.ptr(args, 3);
    const b2 = K.ptr(args, 4);
    const lr = K.c(args, 5);
    const mom = K.c(args, 6);
    const keep = K.f(1.0 - K.arg(args, 7));
    const wd = K.c(args, 8);
    let o: usize = (<usize>i0) << 2;
    const end4 = o + ((<usize>((i1 - i0) & ~3)) << 2);
    const end = (<usize>i1) << 2;
    for (; o < end4; o += 16) K.sgdAt(o, false, p, g, buf, p2, b2, lr, mom, keep, wd, hasMom, nesterov, first, hasWd);
    for (; o < end; o += 4) K.sgdAt(o, true, p, g, buf, p2, b2, lr, mom, keep, wd, hasMom, nesterov, first, hasWd);
  }

  /** Four elements (one when `one`) of Adam at byte offset `o`. */
  @inline static adamAt(
    o: usize,
    one: bool,
    p: usize,
    g: usize,
    m: usize,
    v: usize,
    vm: usize,
    p2: usize,
    m2: usize,
    v2: usize,
    vm2: usize,
    b1: v128,
    nb1: v128,
    b2: v128,
    nb2: v128,
    e: v128,
    a: v128,
    decay: v128,
    coupled: v128,
    isCoupled: bool,
    ams: bool,
  ): void {
    const theta = K.ld(p + o, one);
    const gi = isCoupled ? f32x4.add(K.ld(g + o, one), f32x4.mul(theta, coupled)) : K.ld(g + o, one);
    const mi = f32x4.add(f32x4.mul(K.ld(m + o, one), b1), f32x4.mul(gi, nb1));
    const vi = f32x4.add(f32x4.mul(K.ld(v + o, one), b2), f32x4.mul(f32x4.mul(gi, gi), nb2));
    const vBar = ams ? f32x4.max(K.ld(vm + o, one), vi) : vi;
    K.st(m2 + o, mi, one);
    K.st(v2 + o, vi, one);
    if (ams) K.st(vm2 + o, vBar, one);
    const denom = f32x4.add(f32x4.sqrt(vBar), e);
    K.st(p2 + o, f32x4.sub(f32x4.mul(theta, decay), f32x4.div(f32x4.mul(mi, a), denom)), one);
  }

  @inline static adamRange(args: usize, i0: i32, i1: i32, isCoupled: bool, ams: bool): void {
    const p = K.ptr(args, 0);
    const g = K.ptr(args, 1);
    const m = K.ptr(args, 2);
    const v = K.ptr(args, 3);
    const vm = K.ptr(args, 4);
    const p2 = K.ptr(args, 5);
    const m2 = K.ptr(args, 6);
    const v2 = K.ptr(args, 7);
    const vm2 = K.ptr(args, 8);
    const beta1 = K.arg(args, 9);
    const beta2 = K.arg(args, 10);
    const b1 = K.f(beta1);
    const nb1 = K.f(1.0 - beta1);
    const b2 = K.f(beta2);
    const nb2 = K.f(1.0 - beta2);
    const e = K.c(args, 11);
    const a = K.c(args, 12);
    const decay = K.c(args, 13);
    const coupled = K.c(args, 14);
    let o: usize = (<usize>i0) << 2;
    const end4 = o + ((<usize>((i1 - i0) & ~3)) << 2);
    const end = (<usize>i1) << 2;
    for (; o < end4; o += 16) {
      K.adamAt(o, false, p, g, m, v, vm, p2, m2, v2, vm2, b1, nb1, b2, nb2, e, a, decay, coupled, isCoupled, ams);
    }
    for (; o < end; o += 4) {
      K.adamAt(o, true, p, g, m, v, vm, p2, m2, v2, vm2, b1, nb1, b2, nb2, e, a, decay, coupled, isCoupled, ams);
    }
  }

  /** Four elements (one when `one`) of RMSProp at byte offset `o`. */
  @inline static rmsAt(
    o: usize,
    one: bool,
    p: usize,
    g: usize,
    v: usize,
    ga: usize,
    buf: usize,
    p2: usize,
    v2: usize,
    ga2: usize,
    buf2: usize,
    lr: v128,
    decay: v128,
    scale: v128,
    eps: v128,
    wd: v128,
    mom: v128,
    hasWd: bool,
    centered: bool,
    hasMom: bool,
  ): void {
    const theta = K.ld(p + o, one);
    const gi = hasWd ? f32x4.add(K.ld(g + o, one), f32x4.mul(theta, wd)) : K.ld(g + o, one);
    const vi = f32x4.add(f32x4.mul(K.ld(v + o, one), decay), f32x4.mul(f32x4.mul(gi, gi), scale));
    const gaOld = centered ? K.ld(ga + o, one) : vi;
    const bOld = hasMom ? K.ld(buf + o, one) : vi;
    K.st(v2 + o, vi, one);
    let d: v128;
    if (centered) {
      const gai = f32x4.add(f32x4.mul(gaOld, decay), f32x4.mul(gi, scale));
      K.st(ga2 + o, gai, one);
      d = f32x4.add(f32x4.sqrt(f32x4.sub(vi, f32x4.mul(gai, gai))), eps);
    } else d = f32x4.add(f32x4.sqrt(vi), eps);
    const step = f32x4.div(gi, d);
    if (hasMom) {
      const b = f32x4.add(f32x4.mul(bOld, mom), step);
      K.st(buf2 + o, b, one);
      K.st(p2 + o, f32x4.sub(theta, f32x4.mul(b, lr)), one);
    } else K.st(p2 + o, f32x4.sub(theta, f32x4.mul(step, lr)), one);
  }

  @inline static rmsRange(args: usize, i0: i32, i1: i32, hasWd: bool, centered: bool, hasMom: bool): void {
    const p = K.ptr(args, 0);
    const g = K.ptr(args, 1);
    const v = K.ptr(args, 2);
    const ga = K.ptr(args, 3);
    const buf = K.ptr(args, 4);
    const p2 = K.ptr(args, 5);
    const v2 = K.ptr(args, 6);
    const ga2 = K.ptr(args, 7);
    const buf2 = K.ptr(args, 8);
    const lr = K.c(args, 9);
    const decay = K.c(args, 10);
    const scale = K.c(args, 11);
    const eps = K.c(args, 12);
    const wd = K.c(args, 13);
    const mom = K.c(args, 14);
    let o: usize = (<usize>i0) << 2;
    const end4 = o + ((<usize>((i1 - i0) & ~3)) << 2);
    const end = (<usize>i1) << 2;
    for (; o < end4; o += 16) {
      K.rmsAt(o, false, p, g, v, ga, buf, p2, v2, ga2, buf2, lr, decay, scale, eps, wd, mom, hasWd, centered, hasMom);
    }
    for (; o < end; o += 4) {
      K.rmsAt(o, true, p, g, v, ga, buf, p2, v2, ga2, buf2, lr, decay, scale, eps, wd, mom, hasWd, centered, hasMom);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// SGD

/**
 * PyTorch's SGD step on elements [i0, i1), exactly as src/kernels/sgdUpdate.ts: g ← g + θλ (skipped when λ = 0,
 * as PyTorch does, so an infinite θ stays infinite rather than turning 0·∞ into NaN); momentum μ = 0:
 * θ′ = θ − gγ; else b′ = g on the first step (or without buf), bμ + g(1 − τ) otherwise, θ′ = θ − (g + b′μ)γ (Nesterov)
 * or θ − b′γ. Argument block (float64 slots): 0 p, 1 g, 2 buf (0 = absent), 3 p2, 4 b2, 5 lr, 6 momentum,
 * 7 dampening, 8 weightDecay, 9 nesterov, 10 firstStep.
 */
export function sgdStep(args: usize, i0: i32, i1: i32): void {
  if (i1 <= i0) return;
  if (K.arg(args, 8) === 0) SgdK.step(args, i0, i1, false);
  else SgdK.step(args, i0, i1, true);
}

// biome-ignore lint/complexity/noStaticOnlyClass: AssemblyScript inlines `@inline` static methods; biome rejects decorators on plain functions
class SgdK {
  /** sgdStep's dispatch on momentum, Nesterov and the first step, for weight decay present (`hasWd`) or 0 (g as is). */
  @inline static step(args: usize, i0: i32, i1: i32, hasWd: bool): void {
    const momentum = K.arg(args, 6);
    if (momentum === 0) {
      K.sgdRange(args, i0, i1, false, false, false, hasWd);
      return;
    }
    const nesterov = K.arg(args, 9) !== 0;
    const first = K.arg(args, 10) !== 0 || K.ptr(args, 2) === 0;
    if (first) {
      if (nesterov) K.sgdRange(args, i0, i1, true, true, true, hasWd);
      else K.sgdRange(args, i0, i1, true, false, true, hasWd);
    } else {
      if (nesterov) K.sgdRange(args, i0, i1, true, true, false, hasWd);
      else K.sgdRange(args, i0, i1, true, false, false, hasWd);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Adam

/**
 * One Adam / AdamW / AMSGrad step on elements [i0, i1), exactly as src/kernels/adamUpdate.ts: g ← g + θc (c = coupled,
 * skipped when 0), m′ = mβ₁ + g(1 − β₁), v′ = vβ₂ + (g·g)(1 − β₂), v̄ = max(v̄, v′) under amsgrad (else v′),
 * θ′ = θ·decay − (m′a)/(√v̄ + e) with a = γ√bc₂/bc₁ and e = ε√bc₂ (PyTorch's γ(m′/bc₁)/(√v̄/√bc₂ + ε) with one
 * division, not three). Argument block (float64 slots): 0 p, 1 g, 2 m, 3 v, 4 vMax, 5 p2, 6 m2, 7 v2, 8 vMax2,
 * 9 beta1, 10 beta2, 11 e, 12 a, 13 decay, 14 coupled, 15 amsgrad.
 */
export function adamStep(args: usize, i0: i32, i1: i32): void {
  if (i1 <= i0) return;
  const isCoupled = K.arg(args, 14) !== 0;
  const ams = K.arg(args, 15) !== 0;
  if (isCoupled) {
    if (ams) K.adamRange(args, i0, i1, true, true);
    else K.adamRange(args, i0, i1, true, false);
  } else {
    if (ams) K.adamRange(args, i0, i1, false, true);
    else K.adamRange(args, i0, i1, false, false);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// RMSProp / AdaGrad

/**
 * One RMSProp (or AdaGrad: decay 1, scale 1) step on elements [i0, i1), exactly as src/kernels/rmspropUpdate.ts:
 * g ← g + θλ (skipped when λ = 0), v′ = v·decay + (g·g)·scale, ḡ′ = ḡ·decay + g·scale and d = √(v′ − ḡ′ḡ′) + ε
 * (centered) or d = √v′ + ε, then b′ = bμ + g/d and θ′ = θ − b′γ (momentum μ > 0) or θ′ = θ − (g/d)γ. Argument block
 * (float64 slots): 0 p, 1 g, 2 v, 3 gAvg, 4 buf, 5 p2, 6 v2, 7 gAvg2, 8 buf2, 9 lr, 10 decay, 11 scale, 12 eps,
 * 13 weightDecay, 14 momentum, 15 centered.
 */
export function rmspropStep(args: usize, i0: i32, i1: i32): void {
  if (i1 <= i0) return;
  const hasWd = K.arg(args, 13) !== 0;
  const hasMom = K.arg(args, 14) > 0;
  const centered = K.arg(args, 15) !== 0;
  if (hasWd) {
    if (centered) {
      if (hasMom) K.rmsRange(args, i0, i1, true, true, true);
      else K.rmsRange(args, i0, i1, true, true, false);
    } else {
      if (hasMom) K.rmsRange(args, i0, i1, true, false, true);
      else K.rmsRange(args, i0, i1, true, false, false);
    }
  } else {
    if (centered) {
      if (hasMom) K.rmsRange(args, i0, i1, false, true, true);
      else K.rmsRange(args, i0, i1, false, true, false);
    } else {
      if (hasMom) K.rmsRange(args, i0, i1, false, false, true);
      else K.rmsRange(args, i0, i1, false, false, false);
    }
  }
}
