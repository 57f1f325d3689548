import { describe, expect, it } from 'vitest';
import {
  bootstrapMeanCi,
  mcnemarExact,
  mean,
  pooledStd,
  readSnr,
  sampleStd,
  seedRates,
  signalToNoise,
} from '../../../src/report/stats.js';

describe('mean and sample std', () => {
  it('reproduces the paper: 43.20/45.40/43.40 → 44.00 ± 1.22 (sample std, n−1)', () => {
    const seeds = [43.2, 45.4, 43.4];
    expect(mean(seeds)).toBeCloseTo(44.0, 10);
    // by hand: deviations −0.8, 1.4, −0.6 → squares 0.64+1.96+0.36 = 2.96; /2 = 1.48; √ = 1.2166
    expect(sampleStd(seeds)).toBeCloseTo(Math.sqrt(1.48), 10);
    expect(sampleStd(seeds)!.toFixed(2)).toBe('1.22');
  });

  it('reproduces Table 11 at 16,000 samples: 47.00/47.00/45.80 → 46.60 ± 0.69', () => {
    expect(mean([47, 47, 45.8])!.toFixed(2)).toBe('46.60');
    expect(sampleStd([47, 47, 45.8])!.toFixed(2)).toBe('0.69');
  });

  it('has no std for one seed and no mean for none', () => {
    expect(sampleStd([40])).toBeUndefined();
    expect(mean([])).toBeUndefined();
  });

  it('turns per-seed counts into percent rates, skipping empty seeds', () => {
    const stats = seedRates([
      { resolved: 216, total: 500 },
      { resolved: 227, total: 500 },
      { resolved: 217, total: 500 },
      { resolved: 0, total: 0 },
    ]);
    expect(stats.perSeed).toEqual([43.2, 45.4, 43.4]);
    expect(stats.mean).toBeCloseTo(44, 10);
  });
});

describe('exact McNemar', () => {
  it('matches two-sided binomial tails computed by hand', () => {
    expect(mcnemarExact(0, 5)).toBeCloseTo(2 / 32, 12); // 2·(1/2)^5
    expect(mcnemarExact(9, 1)).toBeCloseTo(22 / 1024, 12); // 2·(1+10)/1024
    expect(mcnemarExact(2, 8)).toBeCloseTo(112 / 1024, 12); // 2·(1+10+45)/1024
    expect(mcnemarExact(0, 10)).toBeCloseTo(2 / 1024, 12);
  });

  it('is 1 for balanced or absent discordance and symmetric in its arguments', () => {
    expect(mcnemarExact(5, 5)).toBe(1);
    expect(mcnemarExact(0, 0)).toBe(1);
    expect(mcnemarExact(3, 12)).toBe(mcnemarExact(12, 3));
  });

  it('stays finite for large counts (log-space binomials)', () => {
    const p = mcnemarExact(400, 600);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1e-9);
  });
});

describe('bootstrap CI', () => {
  it('is deterministic for a given seed and covers the observed mean', () => {
    const diffs = Array.from({ length: 200 }, (_, i) => (i % 5 === 0 ? 1 : i % 7 === 0 ? -1 : 0));
    const a = bootstrapMeanCi(diffs, { seed: 1 });
    const b = bootstrapMeanCi(diffs, { seed: 1 });
    expect(a).toEqual(b);
    const m = mean(diffs)!;
    expect(a!.low).toBeLessThan(m);
    expect(a!.high).toBeGreaterThan(m);
    expect(a!.high - a!.low).toBeLessThan(0.2);
  });

  it('collapses to the value when every difference is equal, and is undefined without data', () => {
    expect(bootstrapMeanCi([0.5, 0.5, 0.5])).toEqual({ low: 0.5, high: 0.5 });
    expect(bootstrapMeanCi([])).toBeUndefined();
  });
});

describe('signal to noise', () => {
  it('reads |Δ|/std with the paper thresholds', () => {
    expect(readSnr(0.5)).toBe('noise');
    expect(readSnr(1.4)).toBe('borderline');
    expect(readSnr(2.5)).toBe('likely real');
  });

  it('computes seeds needed n ≈ (2·std/δ)²', () => {
    const s = signalToNoise(1, 1.22)!;
    expect(s.snr).toBeCloseTo(1 / 1.22, 10);
    expect(s.reading).toBe('noise');
    expect(s.seedsNeeded).toBe(6); // (2.44)² = 5.95
    expect(signalToNoise(-5, 1)!.seedsNeeded).toBe(1);
    expect(signalToNoise(1, undefined)).toBeUndefined();
    expect(signalToNoise(0, 1)!.seedsNeeded).toBeUndefined();
  });

  it('pools two runs\' stds', () => {
    expect(pooledStd(1, 1)).toBe(1);
    expect(pooledStd(3, 4)).toBeCloseTo(Math.sqrt(12.5), 12);
    expect(pooledStd(undefined, 2)).toBe(2);
  });
});
