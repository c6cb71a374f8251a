/**
 * The statistics a report states with its conclusions: means with t intervals, paired comparisons over matched
 * cells (with evaluation stderr where it is known) and a least-squares line (rank agreement is lib/analysis').
 * Pure, no dependencies: classic numerical routines (Numerical Recipes' incomplete beta, Lanczos' log-gamma).
 */

export function mean(values: number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Sample standard deviation (n − 1); NaN below two values. */
export function sampleSd(values: number[]): number {
  if (values.length < 2) return Number.NaN;
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1));
}

/** log Γ(x) for x > 0 (Lanczos, g = 7, 9 terms: ~15 significant digits). */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = c[0];
  for (let i = 1; i < 9; i++) sum += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
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
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** The regularised incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  if (!Number.isFinite(t)) return t > 0 ? 1 : 0;
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The t value with P(T ≤ t) = p (bisection on the CDF; |t| < 1e6 covers df ≥ 1 down to p = 1e-12). */
export function studentTQuantile(p: number, df: number): number {
  if (p <= 0 || p >= 1) throw new RangeError(`quantile of ${p}`);
  let lo = -1e6;
  let hi = 1e6;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(hi)); i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Φ(z), the standard normal CDF (via the complementary error function; |error| < 1.2e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

export const Z_95 = 1.959963984540054;

/** A mean with its 95 % t interval (df = k − 1); no interval below two values. */
export interface MeanInterval {
  k: number;
  mean: number;
  se: number | null;
  low: number | null;
  high: number | null;
}

export function meanInterval(values: number[]): MeanInterval {
  const k = values.length;
  const m = mean(values);
  if (k < 2) return { k, mean: m, se: null, low: null, high: null };
  const se = sampleSd(values) / Math.sqrt(k);
  const half = studentTQuantile(0.975, k - 1) * se;
  return { k, mean: m, se, low: m - half, high: m + half };
}

/** One matched pair: the difference of two scores (A − B, signed so that positive means A is better) and its stderr. */
export interface PairedDifference {
  diff: number;
  /** sqrt(se_A² + se_B²) when both stderrs are known, else null. */
  se: number | null;
}

export type ComparisonTest = "paired-t" | "z" | "none";

/**
 * The outcome of comparing A with B over matched pairs at the 5 % level (two-sided). `decision` is "A" or "B" only
 * when the interval excludes zero; "tie" when it does not; "untested" when nothing can be said (one pair and no
 * stderr). `test` says how: a paired t test over the pairs (k ≥ 2; when every pair has a stderr, the standard
 * error is the larger of the pairs' spread and the evaluation noise), or a z test of a single pair's stderr.
 */
export interface Comparison {
  k: number;
  mean: number;
  se: number | null;
  low: number | null;
  high: number | null;
  p: number | null;
  test: ComparisonTest;
  decision: "A" | "B" | "tie" | "untested";
  /** Whether the evaluation stderr entered the standard error. */
  stderrUsed: boolean;
}

export function comparePaired(pairs: PairedDifference[], alpha = 0.05): Comparison {
  const k = pairs.length;
  const diffs = pairs.map((p) => p.diff);
  const m = mean(diffs);
  const allSe = k > 0 && pairs.every((p) => p.se !== null && Number.isFinite(p.se) && p.se > 0);
  const evalSe = allSe ? Math.sqrt(pairs.reduce((sum, p) => sum + p.se! ** 2, 0)) / k : null;
  if (k === 0) return { k, mean: Number.NaN, se: null, low: null, high: null, p: null, test: "none", decision: "untested", stderrUsed: false };
  if (k === 1) {
    if (evalSe === null) return { k, mean: m, se: null, low: null, high: null, p: null, test: "none", decision: "untested", stderrUsed: false };
    const z = m / evalSe;
    const p = 2 * (1 - normalCdf(Math.abs(z)));
    const half = Z_95 * evalSe;
    return { k, mean: m, se: evalSe, low: m - half, high: m + half, p, test: "z", decision: decide(m, p, alpha), stderrUsed: true };
  }
  const spread = sampleSd(diffs) / Math.sqrt(k);
  const se = evalSe === null ? spread : Math.max(spread, evalSe);
  const df = k - 1;
  const p = se === 0 ? (m === 0 ? 1 : 0) : 2 * (1 - studentTCdf(Math.abs(m / se), df));
  const half = studentTQuantile(1 - alpha / 2, df) * se;
  return { k, mean: m, se, low: m - half, high: m + half, p, test: "paired-t", decision: decide(m, p, alpha), stderrUsed: evalSe !== null && evalSe >= spread };
}

function decide(m: number, p: number, alpha: number): Comparison["decision"] {
  if (p >= alpha || m === 0) return "tie";
  return m > 0 ? "A" : "B";
}

/** Least squares y = intercept + slope·x, with the slope's stderr (null below three points). */
export interface LineFit {
  slope: number;
  intercept: number;
  slopeSe: number | null;
  points: number;
}

export function fitLine(x: number[], y: number[]): LineFit | null {
  const n = x.length;
  if (n < 2 || n !== y.length) return null;
  const mx = mean(x);
  const my = mean(y);
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  if (n < 3) return { slope, intercept, slopeSe: null, points: n };
  const residual = x.reduce((sum, xi, i) => sum + (y[i] - intercept - slope * xi) ** 2, 0);
  return { slope, intercept, slopeSe: Math.sqrt(residual / (n - 2) / sxx), points: n };
}
