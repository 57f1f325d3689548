/**
 * The gate's false-alarm rate and power, by simulation: a fixed, seeded per-instance success table
 * shaped like SWE-bench Verified (500 instances over 12 repositories, most instances nearly always
 * or nearly never solved, a third in between), one seed per night, and the gate's own decision
 * (gate-decision.ts) on every repository × context cell plus the pooled test.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALPHA, decideGate, type GateTest } from '../../../src/report/gate-decision.js';
import { seededRandom } from '../../../src/report/stats.js';

const REPOS: [string, number][] = [
  ['django', 231], ['sympy', 75], ['sphinx', 44], ['matplotlib', 34], ['scikit-learn', 32], ['xarray', 22],
  ['astropy', 22], ['pytest', 19], ['pylint', 10], ['requests', 8], ['seaborn', 2], ['flask', 1],
];
const NIGHTS = 10_000;

interface Instance {
  repo: number;
  p: number;
}

function successTable(seed: number): Instance[] {
  const random = seededRandom(seed);
  return REPOS.flatMap(([, count], repo) =>
    Array.from({ length: count }, () => {
      const kind = random();
      const p = kind < 0.4 ? 0.02 : kind < 0.7 ? 0.95 : 0.05 + 0.9 * random();
      return { repo, p };
    }),
  );
}

/** One night against one baseline night: the gate's tests, pooled first, then one per repository. */
function nightTests(table: readonly Instance[], current: readonly number[], random: () => number): GateTest[] {
  const cells = REPOS.map(() => ({ instances: 0, won: 0, lost: 0, a: 0, b: 0 }));
  table.forEach((instance, i) => {
    const a = random() < instance.p;
    const b = random() < (current[i] as number);
    const c = cells[instance.repo]!;
    c.instances++;
    if (a) c.a++;
    if (b) c.b++;
    if (b && !a) c.won++;
    if (a && !b) c.lost++;
  });
  const test = (kind: GateTest['kind'], c: (typeof cells)[number]): GateTest => ({
    kind, instances: c.instances, won: c.won, lost: c.lost, delta: (100 * (c.b - c.a)) / c.instances,
  });
  const pooled = cells.reduce((s, c) => ({ instances: s.instances + c.instances, won: s.won + c.won, lost: s.lost + c.lost, a: s.a + c.a, b: s.b + c.b }));
  return [test('pooled', pooled), ...cells.map((c) => test('repo', c))];
}

function failRate(table: readonly Instance[], current: readonly number[], seed: number): { any: number; pooled: number } {
  const random = seededRandom(seed);
  let any = 0;
  let pooled = 0;
  for (let night = 0; night < NIGHTS; night++) {
    const decisions = decideGate(nightTests(table, current, random), { alpha: DEFAULT_ALPHA, maxDrop: 5 });
    if (decisions.some((d) => d.regression)) any++;
    if (decisions[0]!.regression) pooled++;
  }
  return { any: any / NIGHTS, pooled: pooled / NIGHTS };
}

describe('nightly gate by simulation', () => {
  const table = successTable(20260126);

  it(`fails an unchanged checkpoint on at most α = ${DEFAULT_ALPHA} of ${NIGHTS} nights`, () => {
    const rate = failRate(table, table.map((t) => t.p), 1);
    console.log(`unchanged checkpoint: gate failed on ${(100 * rate.any).toFixed(2)} % of ${NIGHTS} nights (α = ${DEFAULT_ALPHA})`);
    expect(rate.any).toBeLessThanOrEqual(DEFAULT_ALPHA);
  });

  it('without the correction the same nights would fail far more often (the simulation can see a wolf)', () => {
    const random = seededRandom(1);
    let uncorrected = 0;
    for (let night = 0; night < NIGHTS; night++) {
      const tests = nightTests(table, table.map((t) => t.p), random);
      // each cell alone at α, as the gate did before: any cell's drop fails the night
      if (tests.some((t) => decideGate([t], { alpha: DEFAULT_ALPHA, maxDrop: Infinity })[0]!.regression)) uncorrected++;
    }
    console.log(`same nights, each cell tested alone at α: ${((100 * uncorrected) / NIGHTS).toFixed(2)} % fail`);
    expect(uncorrected / NIGHTS).toBeGreaterThan(DEFAULT_ALPHA);
  });

  it('detects a true 10 pp drop (detection rate in the output)', () => {
    const mean = table.reduce((s, t) => s + t.p, 0) / table.length;
    const worse = table.map((t) => t.p * (1 - 0.1 / mean));
    const rate = failRate(table, worse, 2);
    console.log(
      `true 10 pp drop (mean ${(100 * mean).toFixed(1)} % → ${(100 * mean - 10).toFixed(1)} %): gate failed on ${(100 * rate.any).toFixed(2)} % of ${NIGHTS} nights, ` +
        `the pooled test alone on ${(100 * rate.pooled).toFixed(2)} %`,
    );
    expect(rate.any).toBeGreaterThan(0.8);
  });
});
