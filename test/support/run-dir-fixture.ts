/**
 * Writes valid run directories (DESIGN.md §4) from a short description, for report, compare and
 * nightly tests and the report benchmark. Every file goes through the run-dir schemas' shapes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NO_DIMENSION, RunLayout } from '../../src/run-dir/layout.js';
import { buildSummary } from '../../src/report/build-summary.js';
import type { CellReport } from '../../src/report/verdicts.js';
import { specFromV1, type RunManifestV1 } from '../../src/run-dir/run-spec-v1.js';
import type { InstanceReportEntry, Outcome, Prediction, Trajectory } from '../../src/run-dir/schemas.js';

export interface FixtureCell {
  instanceId: string;
  context?: string;
  seed?: string;
  outcome: Outcome;
  /** The predicted patch; defaults to a one-line change, or '' for empty_patch. null = no prediction line. */
  patch?: string | null;
  /** Write a trajectory with this many action steps (no trajectory when undefined). */
  steps?: number;
  exitStatus?: Trajectory['exit_status'];
  /** The assistant thought of every trajectory step. */
  thought?: string;
  /** Leave out report.json (a cell not graded yet, or lost). */
  noReport?: boolean;
}

export interface FixtureRun {
  runId?: string;
  model?: string;
  command?: RunManifestV1['command'];
  contexts?: string[];
  seeds?: string[];
  instanceIds: string[];
  cells: FixtureCell[];
  /** run.json dataset.source, e.g. a JSONL path with gold patches. */
  datasetSource?: string;
  /** A run still going (or interrupted): no final summary report.json, as the pipeline writes it last. */
  inProgress?: boolean;
  /** Extra run.json fields (run card, run-defining settings), described in the format-1 shape and written as the spec they convert to. */
  manifestExtra?: Partial<RunManifestV1>;
  /** Write run.json as an earlier sera-eval did (format 1, no `format` key) instead of the run spec. */
  formatV1?: boolean;
  /** run.json instance_repos; by default each id's `owner__name-N` as `owner/name`, as SWE-bench ids are made. null = a run written before run.json recorded repos. */
  instanceRepos?: Record<string, string> | null;
}

function fixtureRepo(instanceId: string): string {
  const match = /^(.+?)__(.+)-\d+$/.exec(instanceId);
  return match ? `${match[1]}/${match[2]}` : 'fixture/unknown';
}

export const DEFAULT_PATCH = 'diff --git a/f.py b/f.py\n--- a/f.py\n+++ b/f.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n';

export function reportEntry(cell: FixtureCell, model: string): InstanceReportEntry {
  const resolved = cell.outcome === 'resolved';
  const graded = resolved || cell.outcome === 'unresolved';
  const f2p = ['tests/test_f.py::test_fix'];
  const p2p = ['tests/test_f.py::test_keep'];
  return {
    patch_is_None: cell.patch === null,
    patch_exists: cell.outcome !== 'empty_patch',
    patch_successfully_applied: graded,
    resolved,
    ...(graded
      ? {
          tests_status: {
            FAIL_TO_PASS: resolved ? { success: f2p, failure: [] } : { success: [], failure: f2p },
            PASS_TO_PASS: { success: p2p, failure: [] },
            FAIL_TO_FAIL: { success: [], failure: [] },
            PASS_TO_FAIL: { success: [], failure: [] },
          },
        }
      : {}),
    sera_eval: {
      outcome: cell.outcome,
      resolution: graded ? (resolved ? 'RESOLVED_FULL' : 'RESOLVED_NO') : null,
      error:
        cell.outcome === 'error'
          ? { stage: 'patch_apply', code: 'patch_failed', message: 'patch does not apply' }
          : cell.outcome === 'infrastructure'
            ? { stage: 'container', code: 'docker_error', message: 'daemon error' }
            : null,
      input_sha256: 'a'.repeat(64),
      image: 'sweb.eval.x86_64.fixture:latest',
      model_name_or_path: model,
      context: cell.context ?? NO_DIMENSION,
      seed: cell.seed ?? NO_DIMENSION,
      test_exit_code: graded ? (resolved ? 0 : 1) : null,
      skipped: { FAIL_TO_PASS: [], PASS_TO_PASS: [] },
      timings: { total_s: 12.5, tests_s: graded ? 4.25 : null },
      attempts: 1,
      finished_at: '2026-01-01T00:00:00.000Z',
    },
  };
}

export function trajectory(cell: FixtureCell, model: string, patch: string): Trajectory {
  const steps = Array.from({ length: cell.steps ?? 0 }, (_, index) => ({
    index,
    thought: cell.thought ?? `step ${index}: look at <f.py> & "fix"`,
    tool_calls: [{ id: `call_${index}`, name: 'bash', arguments: JSON.stringify({ command: `cat f.py # ${index}` }) }],
    observation: `x = 1 <output ${index}>`,
    kind: 'action' as const,
    usage: { prompt_tokens: 1000 + index, completion_tokens: 100 },
    model_latency_s: 1.5,
    tool_latency_s: 0.5,
    finish_reason: 'tool_calls',
  }));
  return {
    format: 'sera-eval.trajectory/1',
    instance_id: cell.instanceId,
    context: cell.context ?? NO_DIMENSION,
    seed: cell.seed ?? NO_DIMENSION,
    model,
    exit_status: cell.exitStatus ?? 'submitted',
    autosubmitted: false,
    submission: patch,
    messages: [],
    steps,
    stats: {
      model_calls: steps.length,
      prompt_tokens: steps.reduce((s, x) => s + x.usage.prompt_tokens, 0),
      completion_tokens: steps.length * 100,
      model_time_s: steps.length * 1.5,
      tool_time_s: steps.length * 0.5,
      wall_time_s: steps.length * 2,
      infrastructure_retries: 0,
    },
    sampling: { temperature: 0 },
    error: null,
  };
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

export async function writeRunDir(root: string, spec: FixtureRun): Promise<string> {
  const layout = new RunLayout(root);
  const model = spec.model ?? 'allenai/SERA-32B';
  const v1: RunManifestV1 = {
    run_id: spec.runId ?? path.basename(root),
    command: spec.command ?? 'run',
    created_at: '2026-01-01T00:00:00.000Z',
    versions: { 'sera-eval': '0.1.0' },
    dataset: { source: spec.datasetSource ?? 'verified', sha256: 'b'.repeat(64), rows: spec.instanceIds.length },
    filters: {},
    instance_ids: spec.instanceIds,
    ...(spec.instanceRepos === null ? {} : { instance_repos: spec.instanceRepos ?? Object.fromEntries(spec.instanceIds.map((id) => [id, fixtureRepo(id)])) }),
    model_name_or_path: model,
    contexts: spec.contexts ?? [NO_DIMENSION],
    seeds: spec.seeds ?? [NO_DIMENSION],
    ...spec.manifestExtra,
  };
  const manifest = specFromV1(v1);
  await writeJson(layout.manifest, spec.formatV1 ? v1 : manifest);
  const predictions: Prediction[] = [];
  const reports: CellReport[] = [];
  for (const cell of spec.cells) {
    const key = { instanceId: cell.instanceId, context: cell.context ?? NO_DIMENSION, seed: cell.seed ?? NO_DIMENSION };
    const patch = cell.patch === undefined ? (cell.outcome === 'empty_patch' ? '' : DEFAULT_PATCH) : cell.patch;
    if (patch !== null) {
      predictions.push({ instance_id: cell.instanceId, model_name_or_path: model, model_patch: patch, context: key.context, seed: key.seed });
    }
    if (!cell.noReport) {
      const entry = reportEntry({ ...cell, ...key }, model);
      reports.push({ ...key, entry });
      await writeJson(layout.instanceReport(key), { [cell.instanceId]: entry });
    }
    if (cell.steps !== undefined) await writeJson(layout.trajectory(key), trajectory({ ...cell, ...key }, model, patch ?? ''));
  }
  await mkdir(root, { recursive: true });
  await writeFile(layout.predictions, predictions.map((p) => `${JSON.stringify(p)}\n`).join(''));
  if (!spec.inProgress) {
    const rows = spec.instanceIds.map((id) => ({ instance_id: id, repo: spec.instanceRepos?.[id] ?? fixtureRepo(id) }));
    await writeJson(layout.summary, buildSummary({ manifest, rows, cells: reports, predictions }));
  }
  return root;
}

/**
 * Cells for every instance × context × seed with resolve probabilities per instance, drawn from
 * a seeded generator so benchmarks and tests see the same run every time.
 */
export function simulatedCells(options: {
  instanceIds: string[];
  contexts: string[];
  seeds: string[];
  resolveShare: (instanceId: string, context: string) => number;
  steps?: number;
  randomSeed?: number;
}): FixtureCell[] {
  let state = (options.randomSeed ?? 7) >>> 0;
  const random = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const cells: FixtureCell[] = [];
  for (const context of options.contexts) {
    for (const seed of options.seeds) {
      for (const instanceId of options.instanceIds) {
        const draw = random();
        const outcome: Outcome = draw < options.resolveShare(instanceId, context) ? 'resolved' : draw > 0.97 ? 'error' : 'unresolved';
        cells.push({ instanceId, context, seed, outcome, ...(options.steps === undefined ? {} : { steps: options.steps }) });
      }
    }
  }
  return cells;
}
