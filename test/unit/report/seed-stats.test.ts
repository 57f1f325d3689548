import { describe, expect, it } from 'vitest';
import { clusteredCi, passAtK, passHatK, seedStats } from '../../../src/report/seed-stats.js';
import type { CellVerdict } from '../../../src/report/verdicts.js';

function v(instanceId: string, seed: string, verdict: CellVerdict['verdict']): CellVerdict {
  return { instanceId, repo: 'django/django', context: '32k', seed, verdict, submitted: true, missingReport: false };
}

describe('seed statistics', () => {
  it('pass@k is the unbiased estimator of Chen et al.; pass^k needs every try', () => {
    expect(passAtK(3, 1, 1)).toBeCloseTo(1 / 3, 12);
    expect(passAtK(3, 1, 2)).toBeCloseTo(2 / 3, 12); // 1 − C(2,2)/C(3,2)
    expect(passAtK(3, 0, 3)).toBe(0);
    expect(passAtK(3, 2, 2)).toBe(1);
    expect(passHatK(3, 2, 2)).toBeCloseTo(1 / 3, 12); // C(2,2)/C(3,2)
    expect(passHatK(3, 3, 3)).toBe(1);
  });

  it('lists flaky instances and averages pass@k / pass^k over instances, infrastructure left out', () => {
    const verdicts = [
      v('a', '1', 'resolved'), v('a', '2', 'resolved'), v('a', '3', 'resolved'),
      v('b', '1', 'resolved'), v('b', '2', 'unresolved'), v('b', '3', 'unresolved'),
      v('c', '1', 'unresolved'), v('c', '2', 'unresolved'), v('c', '3', 'infrastructure'),
    ];
    const stats = seedStats('32k', verdicts);
    expect(stats.seeds).toBe(3);
    expect(stats.flaky).toEqual(['b']);
    expect(stats.passAt[0]).toMatchObject({ k: 1, instances: 3 });
    expect(stats.passAt[0]!.passAt).toBeCloseTo((100 * (1 + 1 / 3 + 0)) / 3, 10);
    expect(stats.passAt[2]).toMatchObject({ k: 3, instances: 2 }); // c has 2 graded seeds
    expect(stats.passAt[2]!.passAt).toBeCloseTo(100, 10);
    expect(stats.passAt[2]!.passHat).toBeCloseTo(50, 10);
  });

  it('clusters the CI by instance: repeating seeds of the same verdicts does not narrow it', () => {
    const one = [{ instanceId: 'a', tries: 1, resolved: 1 }, { instanceId: 'b', tries: 1, resolved: 0 }, { instanceId: 'c', tries: 1, resolved: 1 }, { instanceId: 'd', tries: 1, resolved: 0 }];
    const three = one.map((t) => ({ ...t, tries: 3, resolved: 3 * t.resolved }));
    const ciOne = clusteredCi(one, 50)!;
    expect(clusteredCi(three, 50)).toEqual(ciOne);
    // sd of shares 0.577, se 0.289, ±1.96·se = 56.6 pp, clipped at 0 and 100
    expect(ciOne.low).toBe(0);
    expect(ciOne.high).toBe(100);
    const many = Array.from({ length: 400 }, (_, i) => ({ instanceId: String(i), tries: 1, resolved: i % 2 }));
    const ci = clusteredCi(many, 50)!;
    expect(ci.high - ci.low).toBeCloseTo(2 * 196 * Math.sqrt(0.25 * (400 / 399) / 400), 1);
  });
});
