// An experiment, not part of the module: Adam and SGD over float32 arrays computed two ways, for
// update-precision.mjs. `*64` promote every operand to float64 and round each output once, as the
// backend's fused updates did until 2026-12-04; `*32` compute in float32 lanes, four at a time,
// in the operation order of PyTorch's single-tensor Adam and SGD. Pointers are byte offsets; n is
// a multiple of 4.

export function adam64(
  p: usize,
  g: usize,
  m: usize,
  v: usize,
  n: i32,
  beta1: f64,
  beta2: f64,
  epsRoot: f64,
  stepSize: f64,
): void {
  const b1 = f64x2.splat(beta1);
  const nb1 = f64x2.splat(1.0 - beta1);
  const b2 = f64x2.splat(beta2);
  const nb2 = f64x2.splat(1.0 - beta2);
  const er = f64x2.splat(epsRoot);
  const ss = f64x2.splat(stepSize);
  const end = (<usize>n) << 2;
  for (let o: usize = 0; o < end; o += 8) {
    const theta = f64x2.promote_low_f32x4(v128.load64_zero(p + o));
    const gi = f64x2.promote_low_f32x4(v128.load64_zero(g + o));
    const mi = f64x2.add(f64x2.mul(b1, f64x2.promote_low_f32x4(v128.load64_zero(m + o))), f64x2.mul(nb1, gi));
    const vi = f64x2.add(
      f64x2.mul(b2, f64x2.promote_low_f32x4(v128.load64_zero(v + o))),
      f64x2.mul(f64x2.mul(nb2, gi), gi),
    );
    v128.store64_lane(m + o, f32x4.demote_f64x2_zero(mi), 0);
    v128.store64_lane(v + o, f32x4.demote_f64x2_zero(vi), 0);
    const denom = f64x2.add(f64x2.sqrt(vi), er);
    v128.store64_lane(p + o, f32x4.demote_f64x2_zero(f64x2.sub(theta, f64x2.div(f64x2.mul(ss, mi), denom))), 0);
  }
}

export function adam32(
  p: usize,
  g: usize,
  m: usize,
  v: usize,
  n: i32,
  beta1: f32,
  oneMinusBeta1: f32,
  beta2: f32,
  oneMinusBeta2: f32,
  eps: f32,
  bc2Sqrt: f32,
  stepSize: f32,
): void {
  // 1 − β arrive rounded from float64, as PyTorch's Python scalars do.
  const b1 = f32x4.splat(beta1);
  const nb1 = f32x4.splat(oneMinusBeta1);
  const b2 = f32x4.splat(beta2);
  const nb2 = f32x4.splat(oneMinusBeta2);
  const e = f32x4.splat(eps);
  const bc = f32x4.splat(bc2Sqrt);
  const ss = f32x4.splat(stepSize);
  const end = (<usize>n) << 2;
  for (let o: usize = 0; o < end; o += 16) {
    const gi = v128.load(g + o);
    const mi = f32x4.add(f32x4.mul(v128.load(m + o), b1), f32x4.mul(gi, nb1));
    const vi = f32x4.add(f32x4.mul(v128.load(v + o), b2), f32x4.mul(f32x4.mul(gi, gi), nb2));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vi), bc), e);
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(f32x4.div(mi, denom), ss)));
  }
}

export function sgd64(p: usize, g: usize, n: i32, lr: f64): void {
  const l = f64x2.splat(lr);
  const end = (<usize>n) << 2;
  for (let o: usize = 0; o < end; o += 8) {
    const theta = f64x2.promote_low_f32x4(v128.load64_zero(p + o));
    const gi = f64x2.promote_low_f32x4(v128.load64_zero(g + o));
    v128.store64_lane(p + o, f32x4.demote_f64x2_zero(f64x2.sub(theta, f64x2.mul(l, gi))), 0);
  }
}

export function sgd32(p: usize, g: usize, n: i32, lr: f32): void {
  const l = f32x4.splat(lr);
  const end = (<usize>n) << 2;
  for (let o: usize = 0; o < end; o += 16) {
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(v128.load(g + o), l)));
  }
}
