/**
 * Whether a run measured anything a decision can rest on. The gate fails closed: a run that is
 * incomplete, ran fewer instances than its baseline in some repository × context, or lost more
 * than --max-infra of its cells to infrastructure is "not measured", never "passed".
 *
 * "Ran" counts instances with a verdict, infrastructure failures included: those are bounded by
 * --max-infra, so a single-seed night with one infrastructure failure within the allowance is
 * still a measurement, while a night that left instances out (a smaller selection, a crash) is not.
 */
import { ALL_REPOS, repoRates } from './rates.js';
import type { RunSource } from './run-source.js';
import type { CellVerdict } from './verdicts.js';

/** Default --max-infra, in percent of a context's cells. */
export const DEFAULT_MAX_INFRA = 5;

const where = (context: string): string => (context === '-' ? 'the run' : `context ${context}`);
const percent = (part: number, whole: number): string => `${((100 * part) / Math.max(1, whole)).toFixed(1)} %`;

/** Instances with at least one graded (not infrastructure, not pending, submitted) seed. */
export function gradedInstances(verdicts: readonly CellVerdict[]): number {
  const graded = new Set<string>();
  for (const v of verdicts) {
    if (v.verdict !== 'infrastructure' && v.verdict !== 'pending' && v.verdict !== 'not_submitted') graded.add(v.instanceId);
  }
  return graded.size;
}

/** Why this run is not a measurement, one sentence each; empty when it is one. */
export function measurementProblems(run: RunSource, maxInfraPercent: number, baseline?: RunSource): string[] {
  const problems: string[] = [];
  const pending = run.verdicts.filter((v) => v.verdict === 'pending').length;
  if (run.inProgress) {
    problems.push(`run ${run.runId} is incomplete: still in progress or interrupted (no final report.json); ${pending} of ${run.verdicts.length} cells pending`);
  }
  const notSubmitted = run.verdicts.filter((v) => v.verdict === 'not_submitted').length;
  if (notSubmitted > 0) problems.push(`run ${run.runId} is incomplete: ${notSubmitted} of ${run.verdicts.length} cells never produced a prediction`);
  for (const context of run.contexts) {
    const cells = run.verdicts.filter((v) => v.context === context);
    const infrastructure = cells.filter((v) => v.verdict === 'infrastructure').length;
    if (cells.length > 0 && (100 * infrastructure) / cells.length > maxInfraPercent) {
      problems.push(
        `${where(context)}: ${infrastructure} of ${cells.length} cells (${percent(infrastructure, cells.length)}) failed on infrastructure, above --max-infra ${maxInfraPercent} %`,
      );
    }
  }
  if (baseline) problems.push(...fewerGraded(run, baseline));
  return problems;
}

/** Instances with a verdict (not pending, submitted), infrastructure failures included. */
function ranInstances(verdicts: readonly CellVerdict[]): number {
  return new Set(verdicts.filter((v) => v.verdict !== 'pending' && v.verdict !== 'not_submitted').map((v) => v.instanceId)).size;
}

/** Per repository × context (the contexts both runs have): fewer instances run than in the baseline. */
function fewerGraded(run: RunSource, baseline: RunSource): string[] {
  const contexts = run.contexts.filter((c) => baseline.contexts.includes(c));
  const rowsOf = (source: RunSource): Map<string, CellVerdict[]> => {
    const byRepo = new Map<string, CellVerdict[]>();
    for (const v of source.verdicts) byRepo.set(v.repo, [...(byRepo.get(v.repo) ?? []), v]);
    return byRepo;
  };
  const mine = rowsOf(run);
  const theirs = rowsOf(baseline);
  const problems: string[] = [];
  for (const row of repoRates(baseline.verdicts, { contexts })) {
    if (row.repo === ALL_REPOS) continue;
    for (const context of contexts) {
      const inContext = (v: CellVerdict): boolean => v.context === context;
      const before = ranInstances((theirs.get(row.repo) ?? []).filter(inContext));
      const now = ranInstances((mine.get(row.repo) ?? []).filter(inContext));
      if (now < before) problems.push(`${row.repo}${context === '-' ? '' : ` @ ${context}`}: ran ${now} instances, the baseline ${before}`);
    }
  }
  return problems;
}
