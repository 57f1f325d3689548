/**
 * What repeated seeds say beyond a mean: a 95 % confidence interval per rate clustered by
 * instance, pass@k (the unbiased estimator of Chen et al. 2021, "Evaluating Large Language Models
 * Trained on Code", eq. 1), pass^k (all k tries resolve, estimated as C(c, k)/C(n, k)) and the
 * flaky instances, whose verdict differs across seeds.
 */
import { normalQuantile, sampleStd } from './stats.js';
import type { CellVerdict } from './verdicts.js';

export interface Interval {
  low: number;
  high: number;
}

function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return result;
}

/** Chen et al.: 1 − C(n − c, k)/C(n, k) for one instance with n tries and c successes. */
export function passAtK(n: number, c: number, k: number): number {
  if (n - c < k) return 1;
  return 1 - choose(n - c, k) / choose(n, k);
}

/** All k of k tries resolve: C(c, k)/C(n, k), unbiased for p^k. */
export function passHatK(n: number, c: number, k: number): number {
  return choose(c, k) / choose(n, k);
}

export interface InstanceTries {
  instanceId: string;
  /** Seeds that count in this rate's denominator. */
  tries: number;
  resolved: number;
}

/**
 * 95 % CI of a rate in percent. Seeds of one instance share its difficulty, so the instance is the
 * cluster: the standard error comes from the spread of per-instance shares resolved (with one
 * seed, the usual binomial one). Normal interval around `center`, clipped to [0, 100].
 */
export function clusteredCi(tries: readonly InstanceTries[], center: number | undefined, level = 0.95): Interval | undefined {
  const shares = tries.filter((t) => t.tries > 0).map((t) => t.resolved / t.tries);
  if (center === undefined || shares.length < 2) return undefined;
  const se = (sampleStd(shares) as number) / Math.sqrt(shares.length);
  const half = 100 * normalQuantile(1 - (1 - level) / 2) * se;
  return { low: Math.max(0, center - half), high: Math.min(100, center + half) };
}

/** Per instance: tries and successes, counting infrastructure failures as tries or not. */
export function instanceTries(verdicts: readonly CellVerdict[], countInfrastructure: boolean): InstanceTries[] {
  const byInstance = new Map<string, InstanceTries>();
  for (const v of verdicts) {
    if (v.verdict === 'pending' || (v.verdict === 'infrastructure' && !countInfrastructure)) continue;
    const t = byInstance.get(v.instanceId) ?? { instanceId: v.instanceId, tries: 0, resolved: 0 };
    t.tries++;
    if (v.verdict === 'resolved') t.resolved++;
    byInstance.set(v.instanceId, t);
  }
  return [...byInstance.values()];
}

/** One collator for every sort: localeCompare with options builds a new one per call. */
const byNaturalOrder = new Intl.Collator('en', { numeric: true }).compare;

export interface SeedStats {
  context: string;
  /** Graded seeds per instance (the largest k). */
  seeds: number;
  /** pass@k and pass^k for k = 1..seeds, in percent, over instances graded on at least k seeds. */
  passAt: { k: number; passAt: number; passHat: number; instances: number }[];
  /** Instances resolved on some graded seeds and not on others. */
  flaky: string[];
}

export function seedStats(context: string, verdicts: readonly CellVerdict[]): SeedStats {
  const tries = instanceTries(verdicts.filter((v) => v.context === context), false);
  const seeds = Math.max(0, ...tries.map((t) => t.tries));
  const passAt = Array.from({ length: seeds }, (_, i) => {
    const k = i + 1;
    const eligible = tries.filter((t) => t.tries >= k);
    const mean = (f: (t: InstanceTries) => number): number => (100 * eligible.reduce((s, t) => s + f(t), 0)) / Math.max(1, eligible.length);
    return { k, passAt: mean((t) => passAtK(t.tries, t.resolved, k)), passHat: mean((t) => passHatK(t.tries, t.resolved, k)), instances: eligible.length };
  });
  const flaky = tries
    .filter((t) => t.resolved > 0 && t.resolved < t.tries)
    .map((t) => t.instanceId)
    .sort(byNaturalOrder);
  return { context, seeds, passAt, flaky };
}
