/**
 * Comparing two runs per repository × context, on the instances and contexts both have.
 *
 * Pooling seeds for the paired test: each instance gets, per run, its share of graded seeds
 * resolved (infrastructure failures left out). McNemar needs one yes/no per instance, so an
 * instance counts as resolved when a strict majority of its seeds resolved it. Pairing seed i of
 * A with seed i of B instead would treat seeds of the same instance as independent pairs, which
 * they are not (they share the instance's difficulty), and would overstate significance. The
 * bootstrap CI uses the shares themselves, resampling instances.
 */
import { ALL_REPOS, repoRates, type ContextRate, type RepoRates } from './rates.js';
import type { RunSource } from './run-source.js';
import { bootstrapMeanCi, mcnemarExact, minimumDetectableDrop, pooledStd, signalToNoise, type RateStats, type SignalToNoise } from './stats.js';
import type { CellVerdict } from './verdicts.js';

export interface PairedResult {
  /** Instances graded (at least one non-infrastructure seed) in both runs. */
  instances: number;
  /** Majority-resolved in B only (won) and in A only (lost). */
  won: string[];
  lost: string[];
  pValue: number;
  /** 95 % bootstrap CI of the mean per-instance difference in share resolved, in percentage points. */
  ci: { low: number; high: number } | undefined;
  /**
   * The smallest difference (pp) McNemar at p < 0.05 (two-sided) would see with 80 % power on these
   * instances, given how many changed verdict between the runs.
   */
  minimumDetectable: number | undefined;
}

export interface ComparisonRow {
  repo: string;
  label: string;
  context: string;
  /** Infrastructure-excluded rates (the compared quantity). */
  a: RateStats;
  b: RateStats;
  /** Both rates and the counts behind them, per side (README "Definitions"). */
  countsA: ContextRate;
  countsB: ContextRate | undefined;
  /** B − A in percentage points, on the means over seeds; undefined when either side has no graded seed. */
  delta: number | undefined;
  paired: PairedResult;
  snr: SignalToNoise | undefined;
}

export interface Comparison {
  a: { runId: string; model: string; path: string };
  b: { runId: string; model: string; path: string };
  contexts: string[];
  instances: number;
  warnings: string[];
  rows: ComparisonRow[];
}

function shares(verdicts: readonly CellVerdict[]): Map<string, number> {
  const tally = new Map<string, { resolved: number; graded: number }>();
  for (const v of verdicts) {
    if (v.verdict === 'infrastructure' || v.verdict === 'not_submitted') continue;
    const t = tally.get(v.instanceId) ?? { resolved: 0, graded: 0 };
    t.graded++;
    if (v.verdict === 'resolved') t.resolved++;
    tally.set(v.instanceId, t);
  }
  return new Map([...tally].map(([id, t]) => [id, t.resolved / t.graded]));
}

function pairedTest(a: readonly CellVerdict[], b: readonly CellVerdict[], seed: number): PairedResult {
  const shareA = shares(a);
  const shareB = shares(b);
  const both = [...shareA.keys()].filter((id) => shareB.has(id)).sort((x, y) => x.localeCompare(y, 'en', { numeric: true }));
  const won: string[] = [];
  const lost: string[] = [];
  const differences: number[] = [];
  for (const id of both) {
    const sa = shareA.get(id) as number;
    const sb = shareB.get(id) as number;
    differences.push(100 * (sb - sa));
    if (sb > 0.5 && !(sa > 0.5)) won.push(id);
    if (sa > 0.5 && !(sb > 0.5)) lost.push(id);
  }
  const discordance = both.length > 0 ? (won.length + lost.length) / both.length : 0;
  return {
    instances: both.length,
    won,
    lost,
    pValue: mcnemarExact(lost.length, won.length),
    ci: bootstrapMeanCi(differences, { seed }),
    minimumDetectable: minimumDetectableDrop(both.length, discordance, 0.025),
  };
}

// Differing models are what compare is for, so that is no warning here (the gate states both models).
function differenceWarnings(a: RunSource, b: RunSource, onlyA: number, onlyB: number, contexts: string[]): string[] {
  const warnings: string[] = [];
  if (onlyA > 0 || onlyB > 0) {
    warnings.push(`instance sets differ: ${onlyA} only in A, ${onlyB} only in B; comparing the intersection`);
  }
  const keys = [...new Set([...Object.keys(a.versions), ...Object.keys(b.versions)])].sort();
  const changed = keys.filter((k) => a.versions[k] !== undefined && b.versions[k] !== undefined && a.versions[k] !== b.versions[k]);
  if (changed.length > 0) {
    warnings.push(`versions differ: ${changed.map((k) => `${k} ${a.versions[k]} → ${b.versions[k]}`).join(', ')}`);
  }
  const dropped = [...new Set([...a.contexts, ...b.contexts])].filter((c) => !contexts.includes(c));
  if (dropped.length > 0) warnings.push(`contexts not in both runs, left out: ${dropped.join(', ')}`);
  return warnings;
}

export function compareRuns(a: RunSource, b: RunSource): Comparison {
  const idsA = new Set(a.verdicts.map((v) => v.instanceId));
  const idsB = new Set(b.verdicts.map((v) => v.instanceId));
  const shared = new Set([...idsA].filter((id) => idsB.has(id)));
  const contexts = a.contexts.filter((c) => b.contexts.includes(c));
  const keep = (v: CellVerdict): boolean => shared.has(v.instanceId) && contexts.includes(v.context);
  const verdictsA = a.verdicts.filter(keep);
  const verdictsB = b.verdicts.filter(keep);
  const ratesA = repoRates(verdictsA, { contexts, seeds: a.seeds });
  const ratesB = new Map(repoRates(verdictsB, { contexts, seeds: b.seeds }).map((r) => [r.repo, r]));
  const rows: ComparisonRow[] = ratesA.flatMap((rowA: RepoRates) =>
    rowA.contexts.map((ca, i) => {
      const cb = ratesB.get(rowA.repo)?.contexts[i];
      const bRate: RateStats = cb?.rate ?? { perSeed: [], mean: undefined, std: undefined };
      const delta = ca.rate.mean !== undefined && bRate.mean !== undefined ? bRate.mean - ca.rate.mean : undefined;
      const inRow = (v: CellVerdict): boolean => v.context === ca.context && (rowA.repo === ALL_REPOS || v.repo === rowA.repo);
      return {
        repo: rowA.repo,
        label: rowA.label,
        context: ca.context,
        a: ca.rate,
        b: bRate,
        countsA: ca,
        countsB: cb,
        delta,
        paired: pairedTest(verdictsA.filter(inRow), verdictsB.filter(inRow), 1000 + i),
        snr: delta === undefined ? undefined : signalToNoise(delta, pooledStd(ca.rate.std, bRate.std)),
      };
    }),
  );
  return {
    a: { runId: a.runId, model: a.model, path: a.path },
    b: { runId: b.runId, model: b.model, path: b.path },
    contexts,
    instances: shared.size,
    warnings: differenceWarnings(a, b, idsA.size - shared.size, idsB.size - shared.size, contexts),
    rows,
  };
}
