import { describe, expect, it } from 'vitest';
import { holmRejections, mcnemarDropPValue, minimumDetectableDrop, normalQuantile } from '../../../src/report/stats.js';

describe('gate statistics', () => {
  it('one-sided McNemar: P(X ≥ lost) under Binomial(lost + won, 1/2)', () => {
    expect(mcnemarDropPValue(8, 0)).toBeCloseTo(1 / 256, 12);
    expect(mcnemarDropPValue(0, 8)).toBe(1);
    expect(mcnemarDropPValue(0, 0)).toBe(1);
    expect(mcnemarDropPValue(2, 1)).toBeCloseTo(4 / 8, 12); // P(X ≥ 2 | n = 3) = (3 + 1)/8
  });

  it('normal quantiles', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.8)).toBeCloseTo(0.841621, 5);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
  });

  it('Holm–Bonferroni steps down and stops at the first non-rejection', () => {
    // α = 0.05, m = 4: thresholds 0.0125, 0.0167, 0.025, 0.05
    expect(holmRejections([0.01, 0.04, 0.012, 0.03], 0.05)).toEqual([true, false, true, false]);
    expect(holmRejections([0.013, 0.013], 0.05)).toEqual([true, true]); // 0.013 ≤ 0.025, then ≤ 0.05
    expect(holmRejections([0.03, 0.026], 0.05)).toEqual([false, false]); // 0.026 > 0.025 stops it
  });

  it('minimum detectable drop: the normal bound, never below the exact test\'s fewest losses', () => {
    // n = 500, 10 % of instances change verdict, α = 0.05: (1.645 + 0.842)·√(0.1/500) = 3.52 pp
    expect(minimumDetectableDrop(500, 0.1, 0.05)).toBeCloseTo(100 * 2.486475 * Math.sqrt(0.1 / 500), 2);
    // no discordance: 5 lost of 20 instances is the least the exact test sees at α = 0.05 (2⁻⁵ ≤ 0.05)
    expect(minimumDetectableDrop(20, 0, 0.05)).toBe(25);
    expect(minimumDetectableDrop(0, 0, 0.05)).toBeUndefined();
  });
});
