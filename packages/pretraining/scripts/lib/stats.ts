/** Small statistics for the experiment reports: mean ± sample std, paired differences with Student's t. */

/** Mean and sample standard deviation (n − 1; 0 for a single value). */
export interface MeanStd {
  mean: number;
  std: number;
  n: number;
}

export function meanStd(xs: readonly number[]): MeanStd {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / Math.max(n, 1);
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(n - 1, 1));
  return { mean, std, n };
}

/** A paired comparison of a against b over the same seeds (differences a − b). */
export interface Paired {
  /** Per-seed differences a − b. */
  diffs: number[];
  mean: number;
  std: number;
  /** Paired t statistic mean / (std / √n) (±Infinity when every difference is equal and non-zero). */
  t: number;
  df: number;
  /** Two-sided p-value of the paired t-test (NaN for n < 2). */
  p: number;
  /** Seeds where a < b (a better, for errors), a > b, and a = b. */
  wins: number;
  losses: number;
  ties: number;
}

export function paired(a: readonly number[], b: readonly number[]): Paired {
  if (a.length !== b.length) throw new Error(`paired: ${a.length} values against ${b.length}`);
  const diffs = a.map((x, i) => x - b[i]);
  const { mean, std, n } = meanStd(diffs);
  const se = std / Math.sqrt(n);
  const t = se > 0 ? mean / se : mean === 0 ? 0 : Math.sign(mean) * Number.POSITIVE_INFINITY;
  const df = n - 1;
  const p = df < 1 ? Number.NaN : Number.isFinite(t) ? studentTwoSided(Math.abs(t), df) : 0;
  const eps = 1e-12;
  return {
    diffs,
    mean,
    std,
    t,
    df,
    p,
    wins: diffs.filter((d) => d < -eps).length,
    losses: diffs.filter((d) => d > eps).length,
    ties: diffs.filter((d) => Math.abs(d) <= eps).length,
  };
}

/** P(|T| ≥ t) for Student's t with df degrees of freedom: I_{df/(df+t²)}(df/2, 1/2). */
export function studentTwoSided(t: number, df: number): number {
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9).
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = c[0];
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The regularized incomplete beta function I_x(a, b) (continued fraction, Numerical Recipes' betacf). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x > (a + 1) / (a + b + 2)) return 1 - (front * betaFraction(1 - x, b, a)) / b;
  return (front * betaFraction(x, a, b)) / a;
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 3e-16) break;
  }
  return h;
}
