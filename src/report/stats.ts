/**
 * The statistics of sera-agent.md §3: rates are averaged over seeds as mean ± sample std (n−1);
 * a difference is read against that std (SNR); paired differences are tested with an exact
 * McNemar test and a deterministic bootstrap.
 */

export function mean(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Sample standard deviation (n−1), as the paper's ± (43.20/45.40/43.40 → 1.22). Undefined below two values. */
export function sampleStd(values: readonly number[]): number | undefined {
  if (values.length < 2) return undefined;
  const m = mean(values) as number;
  const squares = values.reduce((sum, v) => sum + (v - m) ** 2, 0);
  return Math.sqrt(squares / (values.length - 1));
}

export interface RateStats {
  /** Per-seed rates in percent, in seed order. */
  perSeed: number[];
  mean: number | undefined;
  std: number | undefined;
}

/** Rates in percent from per-seed (resolved, denominator) pairs; a seed with denominator 0 is left out. */
export function seedRates(counts: readonly { resolved: number; total: number }[]): RateStats {
  const perSeed = counts.filter((c) => c.total > 0).map((c) => (100 * c.resolved) / c.total);
  return { perSeed, mean: mean(perSeed), std: sampleStd(perSeed) };
}

function logChoose(n: number, k: number): number {
  let sum = 0;
  for (let i = 1; i <= k; i++) sum += Math.log(n - k + i) - Math.log(i);
  return sum;
}

/** P(X = k) for X ~ Binomial(n, 1/2). */
function binomialHalf(n: number, k: number): number {
  return Math.exp(logChoose(n, k) - n * Math.log(2));
}

/**
 * Exact McNemar test: two-sided binomial test of the discordant pairs against p = 1/2
 * (p = min(1, 2·P(X ≤ min(b, c)))). No discordant pairs → p = 1.
 */
export function mcnemarExact(onlyA: number, onlyB: number): number {
  const n = onlyA + onlyB;
  if (n === 0) return 1;
  const k = Math.min(onlyA, onlyB);
  let tail = 0;
  for (let i = 0; i <= k; i++) tail += binomialHalf(n, i);
  return Math.min(1, 2 * tail);
}

/** mulberry32: a small seeded generator, so the bootstrap gives the same CI on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  /** Two-sided coverage, 0.95 by default. */
  level?: number;
}

/**
 * Percentile bootstrap CI of the mean of paired differences (one value per instance, e.g.
 * share resolved in B minus share resolved in A), resampling instances.
 */
export function bootstrapMeanCi(
  differences: readonly number[],
  options: BootstrapOptions = {},
): { low: number; high: number } | undefined {
  const n = differences.length;
  if (n === 0) return undefined;
  const resamples = options.resamples ?? 2000;
  const random = seededRandom(options.seed ?? 20260121);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += differences[Math.floor(random() * n)] as number;
    means[r] = sum / n;
  }
  means.sort();
  const alpha = (1 - (options.level ?? 0.95)) / 2;
  const at = (q: number): number => means[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))] as number;
  return { low: at(alpha), high: at(1 - alpha) };
}

export type SnrReading = 'noise' | 'borderline' | 'likely real';

/** sera-agent.md §3: SNR = |Δ|/std; < 1 noise, 1–2 borderline, > 2 likely real. */
export function readSnr(snr: number): SnrReading {
  if (snr < 1) return 'noise';
  if (snr <= 2) return 'borderline';
  return 'likely real';
}

export interface SignalToNoise {
  snr: number;
  reading: SnrReading;
  /** Seeds per run needed to see a difference of this size: n ≈ (2·std/δ)², at least 1. */
  seedsNeeded: number | undefined;
}

/**
 * `std` is the seed-to-seed std of the rates being compared (percent); with no std (one seed)
 * nothing can be said. A zero difference needs infinitely many seeds: seedsNeeded is undefined.
 */
export function signalToNoise(delta: number, std: number | undefined): SignalToNoise | undefined {
  if (std === undefined) return undefined;
  const size = Math.abs(delta);
  if (std === 0) return { snr: size === 0 ? 0 : Infinity, reading: size === 0 ? 'noise' : 'likely real', seedsNeeded: 1 };
  const snr = size / std;
  const seedsNeeded = size === 0 ? undefined : Math.max(1, Math.ceil(((2 * std) / size) ** 2));
  return { snr, reading: readSnr(snr), seedsNeeded };
}

/** Pooled seed std of two runs: sqrt((sA² + sB²)/2), or the one that exists. */
export function pooledStd(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.sqrt((a * a + b * b) / 2);
}

/**
 * One-sided exact McNemar test for a drop: P(X ≥ lost) for X ~ Binomial(lost + won, 1/2), the
 * chance of losing at least this many of the discordant instances when nothing changed.
 */
export function mcnemarDropPValue(lost: number, won: number): number {
  const n = lost + won;
  if (n === 0) return 1;
  let tail = 0;
  for (let i = lost; i <= n; i++) tail += binomialHalf(n, i);
  return Math.min(1, tail);
}

/** Standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/**
 * Holm–Bonferroni step-down: sort the p-values, reject the i-th smallest (0-based) while
 * p ≤ α/(m − i), stop at the first that is not. Controls the family-wise error rate at α under
 * any dependence between the tests. Returns, per input, whether it is rejected.
 */
export function holmRejections(pValues: readonly number[], alpha: number): boolean[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p);
  const rejected = new Array<boolean>(m).fill(false);
  for (let rank = 0; rank < m; rank++) {
    const { p, i } = order[rank]!;
    if (p > alpha / (m - rank)) break;
    rejected[i] = true;
  }
  return rejected;
}

/**
 * The smallest drop (in percentage points of instances) a one-sided paired test at level α
 * detects with the given power on n instances, when a share `discordance` of instances changes
 * verdict between the runs anyway (the night-to-night noise):
 *   δ ≈ (z₁₋α + z_power) · √(discordance / n)                       (normal approximation)
 * and never below k/n, where k is the fewest lost instances (none won) the exact test rejects,
 * 2⁻ᵏ ≤ α. Undefined with no instances.
 */
export function minimumDetectableDrop(n: number, discordance: number, alpha: number, power = 0.8): number | undefined {
  if (n <= 0) return undefined;
  const exactFloor = Math.ceil(Math.log2(1 / alpha)) / n;
  const normal = (normalQuantile(1 - alpha) + normalQuantile(power)) * Math.sqrt(Math.max(0, discordance) / n);
  return 100 * Math.min(1, Math.max(exactFloor, normal));
}
