/**
 * results/<run-id>/report.json: the official SWE-bench summary (swebench-harness.md §5.6,
 * schema_version 2) plus our per-cell and per-repo breakdowns.
 *
 * Aggregation rule for the top-level official fields:
 * - a run with one (context, seed) cell: they are exactly that cell's official summary;
 * - a run with several cells: counts are summed over cells (total_instances = instances × cells,
 *   so resolved_instances / total_instances is the mean rate over cells), and every id in an id
 *   list is a cell id `<context>/<seed>/<instance_id>`. `aggregation` says which rule applies;
 *   each cell's own official summary, with plain instance ids, is under `cells[]`.
 */
import { z } from 'zod';

const Ids = z.array(z.string());

const officialShape = {
  total_instances: z.number().int().describe('selected dataset rows'),
  submitted_instances: z.number().int().describe('rows with a prediction (or a grading report)'),
  completed_instances: z.number().int().describe('graded: the tests ran and gave a verdict'),
  resolved_instances: z.number().int(),
  unresolved_instances: z.number().int().describe('completed but not resolved'),
  empty_patch_instances: z.number().int().describe('prediction with an empty or null patch; never run'),
  error_instances: z.number().int().describe('submitted, non-empty, without a completed report (the model\'s or the patch\'s fault)'),
  completed_ids: Ids,
  incomplete_ids: Ids.describe('rows without a prediction'),
  empty_patch_ids: Ids,
  submitted_ids: Ids,
  resolved_ids: Ids,
  unresolved_ids: Ids,
  error_ids: Ids,
  infrastructure_instances: z.number().int().describe('ours: the harness or machine failed; not counted as errors'),
  infrastructure_ids: Ids,
  missing_report_ids: Ids.describe('ours: non-empty prediction but no report.json; counted as errors, as officially'),
  schema_version: z.literal(2),
};

export const OfficialSummarySchema = z.object(officialShape);
export type OfficialSummary = z.infer<typeof OfficialSummarySchema>;

export const CellSummarySchema = z.object({ context: z.string(), seed: z.string(), ...officialShape });
export type CellSummary = z.infer<typeof CellSummarySchema>;

export const OutcomeCountsSchema = z.object({
  total: z.number().int(),
  submitted: z.number().int(),
  resolved: z.number().int(),
  unresolved: z.number().int(),
  empty_patch: z.number().int(),
  error: z.number().int(),
  infrastructure: z.number().int(),
  not_submitted: z.number().int(),
  pending: z.number().int().default(0).describe('cells of a run still in progress that have no verdict yet'),
});
export type OutcomeCounts = z.infer<typeof OutcomeCountsSchema>;

export const RepoSummarySchema = z.object({
  instance_ids: Ids,
  counts: OutcomeCountsSchema.describe('summed over all cells'),
  cells: z.array(z.object({ context: z.string(), seed: z.string(), counts: OutcomeCountsSchema })),
});
export type RepoSummary = z.infer<typeof RepoSummarySchema>;

export const SummarySchema = z.object({
  ...officialShape,
  format: z.literal('sera-eval.summary/1'),
  run_id: z.string(),
  model_name_or_path: z.string(),
  aggregation: z.enum(['single_cell', 'pooled_cells']).describe('how the top-level official fields were formed'),
  contexts: z.array(z.string()),
  seeds: z.array(z.string()),
  cells: z.array(CellSummarySchema),
  by_repo: z.record(z.string(), RepoSummarySchema),
  shipped_eval_script_differs_ids: Ids.optional().describe(
    "instances whose dataset row ships an eval_script (SWE-bench 5.x) that differs from the one sera-eval builds; grading ran the row's",
  ),
});
export type Summary = z.infer<typeof SummarySchema>;
