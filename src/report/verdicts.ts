/**
 * One verdict per (instance, context, seed) cell, from the grading reports and the predictions,
 * following the official harness's categories (swebench-harness.md §5.6) with infrastructure
 * failures kept apart. Summary, report tables, comparison and the nightly gate all start here.
 */
import { NO_DIMENSION } from '../run-dir/layout.js';
import type { RunSpec } from '../run-dir/run-spec.js';
import type { InstanceReportEntry, Prediction } from '../run-dir/schemas.js';

/**
 * `pending`: a cell of a run still in progress (no final summary yet) that has no report yet. It is
 * in no denominator; once the run has ended, such a cell is `not_submitted` or (with a patch but
 * no report) an official `error`.
 */
export type Verdict = 'resolved' | 'unresolved' | 'empty_patch' | 'error' | 'infrastructure' | 'not_submitted' | 'pending';

export interface InstanceRow {
  instance_id: string;
  repo: string;
}

export interface CellReport {
  instanceId: string;
  context: string;
  seed: string;
  entry: InstanceReportEntry;
}

export interface CellVerdict {
  instanceId: string;
  repo: string;
  context: string;
  seed: string;
  verdict: Verdict;
  submitted: boolean;
  /** Non-empty prediction without a report.json: an official error, flagged so it can be told apart. */
  missingReport: boolean;
}

export interface VerdictInput {
  manifest: Pick<RunSpec, 'contexts' | 'seeds'>;
  rows: readonly InstanceRow[];
  cells: readonly CellReport[];
  predictions: readonly Prediction[];
  /** The run has not written its final summary yet: cells without a report are pending. */
  inProgress?: boolean;
}

const key = (context: string, seed: string, instanceId: string): string => `${context}\u0000${seed}\u0000${instanceId}`;

function dimension(fromManifest: readonly string[], seen: Iterable<string>): string[] {
  const values = [...fromManifest];
  for (const value of seen) if (!values.includes(value)) values.push(value);
  return values.length > 0 ? values : [NO_DIMENSION];
}

/** Contexts and seeds of a run: the manifest's, then any others the reports or predictions show, in that order. */
export function runDimensions(input: VerdictInput): { contexts: string[]; seeds: string[] } {
  const contexts = dimension(input.manifest.contexts, [
    ...input.cells.map((c) => c.context),
    ...input.predictions.map((p) => p.context ?? NO_DIMENSION),
  ]);
  const seeds = dimension(input.manifest.seeds, [
    ...input.cells.map((c) => c.seed),
    ...input.predictions.map((p) => p.seed ?? NO_DIMENSION),
  ]);
  return { contexts, seeds };
}

export function cellVerdicts(input: VerdictInput): CellVerdict[] {
  const { contexts, seeds } = runDimensions(input);
  const reports = new Map(input.cells.map((c) => [key(c.context, c.seed, c.instanceId), c.entry]));
  const predictions = new Map(
    input.predictions.map((p) => [key(p.context ?? NO_DIMENSION, p.seed ?? NO_DIMENSION, p.instance_id), p]),
  );
  const verdicts: CellVerdict[] = [];
  for (const context of contexts) {
    for (const seed of seeds) {
      for (const row of input.rows) {
        const entry = reports.get(key(context, seed, row.instance_id));
        const prediction = predictions.get(key(context, seed, row.instance_id));
        const base = { instanceId: row.instance_id, repo: row.repo, context, seed };
        if (entry) {
          verdicts.push({ ...base, verdict: entry.sera_eval.outcome, submitted: true, missingReport: false });
        } else if (input.inProgress && !(prediction && !prediction.model_patch)) {
          verdicts.push({ ...base, verdict: 'pending', submitted: false, missingReport: false });
        } else if (!prediction) {
          verdicts.push({ ...base, verdict: 'not_submitted', submitted: false, missingReport: false });
        } else if (!prediction.model_patch) {
          verdicts.push({ ...base, verdict: 'empty_patch', submitted: true, missingReport: false });
        } else {
          verdicts.push({ ...base, verdict: 'error', submitted: true, missingReport: true });
        }
      }
    }
  }
  return verdicts;
}
