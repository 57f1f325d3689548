/**
 * The run summary written to results/<run-id>/report.json (see summary-schema.ts for how the
 * top-level official fields are formed when a run has several cells).
 */
import type { RunSpec } from '../run-dir/run-spec.js';
import type { CellSummary, OfficialSummary, OutcomeCounts, RepoSummary, Summary } from './summary-schema.js';
import { cellVerdicts, runDimensions, type CellVerdict, type VerdictInput } from './verdicts.js';

export interface SummaryInput extends VerdictInput {
  manifest: Pick<RunSpec, 'run_id' | 'model_name_or_path' | 'contexts' | 'seeds'>;
}

const sorted = (ids: Iterable<string>): string[] => [...ids].sort();

function officialSummary(verdicts: readonly CellVerdict[], idOf: (v: CellVerdict) => string): OfficialSummary {
  const ids = (keep: (v: CellVerdict) => boolean): string[] => sorted(verdicts.filter(keep).map(idOf));
  const completed = ids((v) => v.verdict === 'resolved' || v.verdict === 'unresolved');
  const resolved = ids((v) => v.verdict === 'resolved');
  const unresolved = ids((v) => v.verdict === 'unresolved');
  const emptyPatch = ids((v) => v.verdict === 'empty_patch');
  const errors = ids((v) => v.verdict === 'error');
  const infrastructure = ids((v) => v.verdict === 'infrastructure');
  const submitted = ids((v) => v.submitted);
  return {
    total_instances: verdicts.length,
    submitted_instances: submitted.length,
    completed_instances: completed.length,
    resolved_instances: resolved.length,
    unresolved_instances: unresolved.length,
    empty_patch_instances: emptyPatch.length,
    error_instances: errors.length,
    completed_ids: completed,
    incomplete_ids: ids((v) => !v.submitted),
    empty_patch_ids: emptyPatch,
    submitted_ids: submitted,
    resolved_ids: resolved,
    unresolved_ids: unresolved,
    error_ids: errors,
    infrastructure_instances: infrastructure.length,
    infrastructure_ids: infrastructure,
    missing_report_ids: ids((v) => v.missingReport),
    schema_version: 2,
  };
}

export function countOutcomes(verdicts: readonly CellVerdict[]): OutcomeCounts {
  const counts: OutcomeCounts = {
    total: verdicts.length,
    submitted: 0,
    resolved: 0,
    unresolved: 0,
    empty_patch: 0,
    error: 0,
    infrastructure: 0,
    not_submitted: 0,
    pending: 0,
  };
  for (const v of verdicts) {
    counts[v.verdict]++;
    if (v.submitted) counts.submitted++;
  }
  return counts;
}

function repoSummaries(verdicts: readonly CellVerdict[], contexts: string[], seeds: string[]): Record<string, RepoSummary> {
  const byRepo: Record<string, RepoSummary> = {};
  const repos = sorted(new Set(verdicts.map((v) => v.repo)));
  for (const repo of repos) {
    const mine = verdicts.filter((v) => v.repo === repo);
    const cells = contexts.flatMap((context) =>
      seeds.map((seed) => ({
        context,
        seed,
        counts: countOutcomes(mine.filter((v) => v.context === context && v.seed === seed)),
      })),
    );
    byRepo[repo] = { instance_ids: sorted(new Set(mine.map((v) => v.instanceId))), counts: countOutcomes(mine), cells };
  }
  return byRepo;
}

export function buildSummary(input: SummaryInput): Summary {
  const { contexts, seeds } = runDimensions(input);
  const verdicts = cellVerdicts(input);
  const cells: CellSummary[] = contexts.flatMap((context) =>
    seeds.map((seed) => ({
      context,
      seed,
      ...officialSummary(
        verdicts.filter((v) => v.context === context && v.seed === seed),
        (v) => v.instanceId,
      ),
    })),
  );
  const singleCell = cells.length === 1;
  const top = officialSummary(verdicts, singleCell ? (v) => v.instanceId : (v) => `${v.context}/${v.seed}/${v.instanceId}`);
  return {
    ...top,
    format: 'sera-eval.summary/1',
    run_id: input.manifest.run_id,
    model_name_or_path: input.manifest.model_name_or_path,
    aggregation: singleCell ? 'single_cell' : 'pooled_cells',
    contexts,
    seeds,
    cells,
    by_repo: repoSummaries(verdicts, contexts, seeds),
    shipped_eval_script_differs_ids: sorted(new Set(input.cells.filter((c) => c.entry.sera_eval.shipped_eval_script === 'differs').map((c) => c.instanceId))),
  };
}

/** Cell verdicts back from a summary, for a baseline given as report.json rather than a run directory. */
export function verdictsFromSummary(summary: Summary): CellVerdict[] {
  const repoOf = new Map<string, string>();
  for (const [repo, s] of Object.entries(summary.by_repo)) for (const id of s.instance_ids) repoOf.set(id, repo);
  const verdicts: CellVerdict[] = [];
  for (const cell of summary.cells) {
    const lists: [CellVerdict['verdict'], string[]][] = [
      ['resolved', cell.resolved_ids],
      ['unresolved', cell.unresolved_ids],
      ['empty_patch', cell.empty_patch_ids],
      ['error', cell.error_ids],
      ['infrastructure', cell.infrastructure_ids],
      ['not_submitted', cell.incomplete_ids],
    ];
    const missing = new Set(cell.missing_report_ids);
    for (const [verdict, ids] of lists) {
      for (const instanceId of ids) {
        verdicts.push({
          instanceId,
          repo: repoOf.get(instanceId) ?? 'unknown',
          context: cell.context,
          seed: cell.seed,
          verdict,
          submitted: verdict !== 'not_submitted',
          missingReport: missing.has(instanceId),
        });
      }
    }
  }
  return verdicts;
}
