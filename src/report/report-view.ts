/**
 * What every output format shows, computed once from a loaded run: the summary, rates per
 * repository × context, mean patch recall, and rollout activity per context.
 */
import { NO_DIMENSION } from '../run-dir/layout.js';
import { buildSummary } from './build-summary.js';
import type { RunData } from './load-run.js';
import { patchRecall } from './patch-recall.js';
import { ALL_REPOS, repoRates, type RepoRates } from './rates.js';
import { runCardLines } from './run-card-view.js';
import { seedStats, type SeedStats } from './seed-stats.js';
import { mean } from './stats.js';
import type { Summary } from './summary-schema.js';
import { cellVerdicts, type CellVerdict } from './verdicts.js';

export interface ContextActivity {
  context: string;
  rollouts: number;
  exitStatuses: Record<string, number>;
  meanSteps: number | undefined;
  meanPromptTokens: number | undefined;
  meanCompletionTokens: number | undefined;
  meanModelTimeS: number | undefined;
  meanToolTimeS: number | undefined;
}

export interface ReportRow extends RepoRates {
  /** Mean patch recall (0–1) per context, aligned with `contexts`; undefined without gold patches. */
  recall: (number | undefined)[];
}

export interface ReportView {
  runId: string;
  model: string;
  /** The run card (run-card-view.ts), shown first in every format. */
  card: string[];
  /** The run has not written its final summary: cells without a verdict are pending. */
  inProgress: boolean;
  contexts: string[];
  seeds: string[];
  summary: Summary;
  verdicts: CellVerdict[];
  rows: ReportRow[];
  /** pass@k, pass^k and flaky instances per context (all repositories). */
  seedStats: SeedStats[];
  /** Empty for evaluate-only runs, which have no trajectories. */
  activity: ContextActivity[];
}

const cellKey = (context: string, seed: string, id: string): string => `${context}\u0000${seed}\u0000${id}`;

/** The predicted patch of each cell: predictions.jsonl, keyed like the verdicts. */
export function predictedPatches(run: RunData): Map<string, string> {
  return new Map(
    run.predictions.map((p) => [cellKey(p.context ?? NO_DIMENSION, p.seed ?? NO_DIMENSION, p.instance_id), p.model_patch ?? '']),
  );
}

export function cellPatch(patches: ReadonlyMap<string, string>, v: Pick<CellVerdict, 'context' | 'seed' | 'instanceId'>): string | undefined {
  return patches.get(cellKey(v.context, v.seed, v.instanceId));
}

function meanRecall(run: RunData, verdicts: readonly CellVerdict[], patches: ReadonlyMap<string, string>): number | undefined {
  const recalls: number[] = [];
  for (const v of verdicts) {
    if (v.verdict === 'infrastructure' || v.verdict === 'not_submitted') continue;
    const gold = run.goldPatches.get(v.instanceId);
    if (gold === undefined) continue;
    const recall = patchRecall(gold, cellPatch(patches, v) ?? '');
    if (recall !== undefined) recalls.push(recall);
  }
  return mean(recalls);
}

function contextActivity(run: RunData, context: string): ContextActivity | undefined {
  const rollouts = run.rollouts.filter((t) => t.context === context).map((t) => t.rollout);
  if (rollouts.length === 0) return undefined;
  const exitStatuses: Record<string, number> = {};
  for (const t of rollouts) exitStatuses[t.exit_status] = (exitStatuses[t.exit_status] ?? 0) + 1;
  return {
    context,
    rollouts: rollouts.length,
    exitStatuses,
    meanSteps: mean(rollouts.map((t) => t.steps)),
    meanPromptTokens: mean(rollouts.map((t) => t.stats.prompt_tokens)),
    meanCompletionTokens: mean(rollouts.map((t) => t.stats.completion_tokens)),
    meanModelTimeS: mean(rollouts.map((t) => t.stats.model_time_s)),
    meanToolTimeS: mean(rollouts.map((t) => t.stats.tool_time_s)),
  };
}

export function buildReportView(run: RunData): ReportView {
  const input = { manifest: run.manifest, rows: run.rows, cells: run.cells, predictions: run.predictions, inProgress: run.inProgress };
  const summary = buildSummary(input);
  const verdicts = cellVerdicts(input);
  const patches = predictedPatches(run);
  const rates = repoRates(verdicts, { contexts: summary.contexts, seeds: summary.seeds });
  const rows = rates.map((row) => ({
    ...row,
    recall: row.contexts.map((c) =>
      meanRecall(
        run,
        verdicts.filter((v) => v.context === c.context && (row.repo === ALL_REPOS || v.repo === row.repo)),
        patches,
      ),
    ),
  }));
  return {
    runId: run.manifest.run_id,
    model: run.manifest.model_name_or_path,
    inProgress: run.inProgress,
    card: runCardLines(run.manifest, run.images ?? null),
    contexts: summary.contexts,
    seeds: summary.seeds,
    summary,
    verdicts,
    rows,
    seedStats: summary.contexts.map((c) => seedStats(c, verdicts)),
    activity: summary.contexts.flatMap((c) => contextActivity(run, c) ?? []),
  };
}
