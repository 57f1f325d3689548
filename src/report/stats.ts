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
