/**
 * Resolve rates per repository × context, averaged over seeds, in the row order users read:
 * Django, SymPy, Sphinx, then the other repositories by instance count, then All.
 *
 * Two rates, always shown together with the infrastructure count (README "Definitions"):
 * - official: resolved / instances, infrastructure failures counted as not resolved, as the
 *   official SWE-bench harness scores them; the only denominator comparable with leaderboards;
 * - excluding infrastructure: resolved / (instances − infrastructure failures), the model's rate
 *   on what it was actually graded on (an infrastructure failure is not the model's, DESIGN.md §3).
 * Pending cells (a run still in progress) are in neither denominator.
 */
import { clusteredCi, instanceTries, type Interval } from './seed-stats.js';
import { seedRates, type RateStats } from './stats.js';
import type { CellVerdict } from './verdicts.js';

export const ALL_REPOS = 'All';

const FEATURED: readonly [string, string][] = [
  ['django/django', 'Django'],
  ['sympy/sympy', 'SymPy'],
  ['sphinx-doc/sphinx', 'Sphinx'],
];

export function repoLabel(repo: string): string {
  return FEATURED.find(([name]) => name === repo)?.[1] ?? repo;
}

/** Featured repositories first (when present), then the rest by instance count, then name. */
export function orderRepos(instanceCounts: ReadonlyMap<string, number>): string[] {
  const featured = FEATURED.map(([name]) => name).filter((name) => instanceCounts.has(name));
  const rest = [...instanceCounts.keys()]
    .filter((name) => !featured.includes(name))
    .sort((a, b) => (instanceCounts.get(b) ?? 0) - (instanceCounts.get(a) ?? 0) || a.localeCompare(b));
  return [...featured, ...rest];
}

export interface SeedCount {
  seed: string;
  resolved: number;
  /** Instances minus infrastructure failures and pending cells: the infrastructure-excluded denominator. */
  graded: number;
  /** Instances minus pending cells: the official denominator. */
  measured: number;
}

export interface ContextRate {
  context: string;
  seeds: SeedCount[];
  /** Infrastructure excluded: resolved / graded per seed. */
  rate: RateStats;
  /** Official: resolved / measured per seed (infrastructure counted as not resolved). */
  official: RateStats;
  /** 95 % CIs of the two rates, clustered by instance; undefined below two instances. */
  officialCi: Interval | undefined;
  ci: Interval | undefined;
  resolved: number;
  graded: number;
  measured: number;
  pending: number;
  errors: number;
  emptyPatches: number;
  infrastructure: number;
  notSubmitted: number;
}

export interface RepoRates {
  /** A repository name, or ALL_REPOS. */
  repo: string;
  label: string;
  instanceIds: string[];
  contexts: ContextRate[];
}

function contextRate(context: string, seeds: readonly string[], verdicts: readonly CellVerdict[]): ContextRate {
  const mine = verdicts.filter((v) => v.context === context);
  const count = (verdict: CellVerdict['verdict']): number => mine.filter((v) => v.verdict === verdict).length;
  const seedCounts = seeds
    .map((seed) => {
      const cell = mine.filter((v) => v.seed === seed);
      return {
        seed,
        resolved: cell.filter((v) => v.verdict === 'resolved').length,
        graded: cell.filter((v) => v.verdict !== 'infrastructure' && v.verdict !== 'pending').length,
        measured: cell.filter((v) => v.verdict !== 'pending').length,
        present: cell.length > 0,
      };
    })
    .filter((s) => s.present)
    .map(({ seed, resolved, graded, measured }) => ({ seed, resolved, graded, measured }));
  const rate = seedRates(seedCounts.map((s) => ({ resolved: s.resolved, total: s.graded })));
  const official = seedRates(seedCounts.map((s) => ({ resolved: s.resolved, total: s.measured })));
  return {
    context,
    seeds: seedCounts,
    rate,
    official,
    officialCi: clusteredCi(instanceTries(mine, true), official.mean),
    ci: clusteredCi(instanceTries(mine, false), rate.mean),
    resolved: count('resolved'),
    graded: mine.length - count('infrastructure') - count('pending'),
    measured: mine.length - count('pending'),
    pending: count('pending'),
    errors: count('error'),
    emptyPatches: count('empty_patch'),
    infrastructure: count('infrastructure'),
    notSubmitted: count('not_submitted'),
  };
}

function ordered<T>(values: Iterable<T>, order: readonly T[]): T[] {
  const set = new Set(values);
  return [...order.filter((v) => set.has(v)), ...[...set].filter((v) => !order.includes(v))];
}

export function repoRates(verdicts: readonly CellVerdict[], order: { contexts?: readonly string[]; seeds?: readonly string[] } = {}): RepoRates[] {
  const contexts = ordered(verdicts.map((v) => v.context), order.contexts ?? []);
  const seeds = ordered(verdicts.map((v) => v.seed), order.seeds ?? []);
  const instancesByRepo = new Map<string, Set<string>>();
  for (const v of verdicts) {
    const ids = instancesByRepo.get(v.repo) ?? new Set<string>();
    ids.add(v.instanceId);
    instancesByRepo.set(v.repo, ids);
  }
  const counts = new Map([...instancesByRepo].map(([repo, ids]) => [repo, ids.size]));
  const rows: RepoRates[] = orderRepos(counts).map((repo) => {
    const mine = verdicts.filter((v) => v.repo === repo);
    return {
      repo,
      label: repoLabel(repo),
      instanceIds: [...(instancesByRepo.get(repo) ?? [])].sort(),
      contexts: contexts.map((context) => contextRate(context, seeds, mine)),
    };
  });
  rows.push({
    repo: ALL_REPOS,
    label: ALL_REPOS,
    instanceIds: [...new Set(verdicts.map((v) => v.instanceId))].sort(),
    contexts: contexts.map((context) => contextRate(context, seeds, verdicts)),
  });
  return rows;
}

/** "[21.72, 78.28]", or "–" without an interval. */
export function formatCi(ci: Interval | undefined): string {
  return ci === undefined ? '–' : `[${ci.low.toFixed(2)}, ${ci.high.toFixed(2)}]`;
}

/** "44.00 ± 1.22" over seeds, the rate alone with one seed, "–" with none. */
export function formatRate(rate: RateStats): string {
  if (rate.mean === undefined) return '–';
  if (rate.std === undefined) return rate.mean.toFixed(2);
  return `${rate.mean.toFixed(2)} ± ${rate.std.toFixed(2)}`;
}
