/**
 * Everything a report needs from a run directory (DESIGN.md §4), read and validated once.
 * Missing optional parts (trajectories for evaluate-only runs, a gold dataset) are simply absent.
 * Rollouts are read as their per-cell summaries (cell.json, src/run-dir/cell-summary.ts), never every
 * trajectory whole: the HTML report reads one instance's trajectories at a time (trajectory-view.ts).
 */
import { existsSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { readCellSummary, type RolloutSummary } from '../run-dir/cell-summary.js';
import { RunLayout, type CellKey } from '../run-dir/layout.js';
import {
  ImageLedgerSchema,
  InstanceReportSchema,
  PredictionSchema,
  type ImageLedger,
  type Prediction,
} from '../run-dir/schemas.js';
import { readRunSpec } from '../run-dir/run-spec-file.js';
import { instanceIds, type RunSpec } from '../run-dir/run-spec.js';
import { readJsonFile, readJsonlFile } from './read-validated.js';
import { readShardImages, readShardPredictions, shardsInProgress } from './shard-status.js';
import type { CellReport, InstanceRow } from './verdicts.js';

export interface RolloutRecord {
  instanceId: string;
  context: string;
  seed: string;
  rollout: RolloutSummary;
}

export interface RunData {
  root: string;
  /** run.json as a run spec, whatever format it was written in. */
  manifest: RunSpec;
  rows: InstanceRow[];
  cells: CellReport[];
  predictions: Prediction[];
  /** Every finished rollout, as its summary. */
  rollouts: RolloutRecord[];
  /**
   * False while the run is in progress (or was interrupted): it has not written its final
   * report.json since it last (re)started. Cells without a report are then pending.
   */
  inProgress: boolean;
  /** Gold patches by instance id, when the run's dataset file could be read; used for patch recall. */
  goldPatches: Map<string, string>;
  /** Problem statements by instance id, from the same dataset file. */
  problemStatements: Map<string, string>;
  /** images.json: the image ids and digests the run used and its container engine; null for a run without one. */
  images?: ImageLedger | null;
}

export interface LoadRunOptions {
  /** A SWE-bench JSONL file with the gold patches; defaults to run.json's dataset.source when that is a readable file. */
  dataset?: string;
}

/** The repo of an instance that neither run.json nor a readable dataset names. */
const UNKNOWN_REPO = 'unknown';

const GoldRowSchema = z.object({ instance_id: z.string(), repo: z.string(), patch: z.string(), problem_statement: z.string().optional() });

async function subdirs(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

async function loadCells(layout: RunLayout): Promise<CellReport[]> {
  const jobs: Promise<CellReport>[] = [];
  for (const context of await subdirs(layout.evaluationDir)) {
    for (const seed of await subdirs(path.join(layout.evaluationDir, context))) {
      for (const instanceId of await subdirs(path.join(layout.evaluationDir, context, seed))) {
        const file = layout.instanceReport({ instanceId, context, seed });
        if (!existsSync(file)) continue; // a cell still being graded
        jobs.push(
          readJsonFile(file, InstanceReportSchema, 'an instance report { "<instance_id>": {...} }').then((report) => {
            const entry = report[instanceId];
            if (!entry) throw new InputError(`${file}: field ${instanceId}: missing; expected the report keyed by its directory's instance id`);
            return { instanceId, context, seed, entry };
          }),
        );
      }
    }
  }
  return Promise.all(jobs);
}

/** Summaries read this many at a time: a run from before cell.json falls back to whole trajectories. */
const SUMMARY_READS_AT_ONCE = 16;

async function loadRollouts(layout: RunLayout): Promise<RolloutRecord[]> {
  const keys: CellKey[] = [];
  for (const context of await subdirs(layout.trajectoriesDir)) {
    for (const seed of await subdirs(path.join(layout.trajectoriesDir, context))) {
      const dir = path.join(layout.trajectoriesDir, context, seed);
      for (const name of (await readdir(dir)).filter((n) => n.endsWith('.traj.json')).sort()) {
        keys.push({ instanceId: name.slice(0, -'.traj.json'.length), context, seed });
      }
    }
  }
  const records: RolloutRecord[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < keys.length) {
      const key = keys[next++]!;
      const summary = await readCellSummary(layout, key);
      if (summary) records.push({ ...key, rollout: summary.rollout });
    }
  };
  await Promise.all(Array.from({ length: SUMMARY_READS_AT_ONCE }, worker));
  return records.sort((a, b) => `${a.context}/${a.seed}/${a.instanceId}`.localeCompare(`${b.context}/${b.seed}/${b.instanceId}`));
}

async function loadGoldRows(file: string | undefined, ids: ReadonlySet<string>): Promise<Map<string, z.infer<typeof GoldRowSchema>>> {
  const rows = new Map<string, z.infer<typeof GoldRowSchema>>();
  if (file === undefined) return rows;
  for (const row of await readJsonlFile(file, GoldRowSchema, 'a SWE-bench row with instance_id, repo and patch')) {
    if (ids.has(row.instance_id)) rows.set(row.instance_id, row);
  }
  return rows;
}

function datasetFile(manifest: RunSpec, explicit: string | undefined): string | undefined {
  if (explicit !== undefined) {
    if (!existsSync(explicit)) throw new InputError(`--dataset ${explicit}: no such file; expected a SWE-bench JSONL file`);
    return explicit;
  }
  const source = manifest.benchmark.dataset.source;
  return source.endsWith('.jsonl') && existsSync(source) ? source : undefined;
}

/** The summary report.json is written last; a resume rewrites run.json first, making an older summary stale. */
async function runInProgress(layout: RunLayout): Promise<boolean> {
  if (!existsSync(layout.summary)) return true;
  const [summary, manifest] = await Promise.all([stat(layout.summary), stat(layout.manifest)]);
  return summary.mtimeMs < manifest.mtimeMs;
}

export async function loadRun(runDir: string, options: LoadRunOptions = {}): Promise<RunData> {
  const layout = new RunLayout(runDir);
  if (!existsSync(layout.manifest)) throw new InputError(`${runDir}: not a run directory (no run.json)`);
  const { spec: manifest } = await readRunSpec(layout.manifest);
  const predictions = [
    ...(existsSync(layout.predictions)
      ? await readJsonlFile(layout.predictions, PredictionSchema, 'a prediction {instance_id, model_name_or_path, model_patch}')
      : []),
    ...(await readShardPredictions(runDir)),
  ];
  const [cells, rollouts] = await Promise.all([loadCells(layout), loadRollouts(layout)]);

  const ids = new Set(instanceIds(manifest));
  const repos = new Map(manifest.benchmark.instances.map((i) => [i.id, i.repo]));
  if (ids.size === 0) {
    for (const c of cells) ids.add(c.instanceId);
    for (const p of predictions) ids.add(p.instance_id);
  }
  const gold = await loadGoldRows(datasetFile(manifest, options.dataset), ids);
  // run.json records each instance's repo; a run written before it did falls back on its dataset file
  const rows = [...ids].map((id) => ({ instance_id: id, repo: repos.get(id) ?? gold.get(id)?.repo ?? UNKNOWN_REPO }));
  const goldPatches = new Map([...gold.values()].map((row) => [row.instance_id, row.patch]));
  const problemStatements = new Map([...gold.values()].flatMap((row) => (row.problem_statement === undefined ? [] : [[row.instance_id, row.problem_statement] as const])));
  const images = existsSync(layout.images) ? await readJsonFile(layout.images, ImageLedgerSchema, 'the images a run used (images.json)') : await readShardImages(runDir);
  return { root: runDir, manifest, rows, cells, predictions, rollouts, inProgress: (await shardsInProgress(runDir)) ?? (await runInProgress(layout)), goldPatches, problemStatements, images };
}

/** The end of test_output.txt kept per cell; the file in the run directory has the rest. */
const TEST_OUTPUT_TAIL = 6000;

/**
 * The tail of the test output of every graded cell that did not resolve (what a person opens an
 * instance page to read), keyed `<context>/<seed>/<instance_id>`. Read only for the HTML report.
 */
export async function failingTestOutputs(run: RunData): Promise<Map<string, string>> {
  const layout = new RunLayout(run.root);
  const outputs = new Map<string, string>();
  await Promise.all(
    run.cells
      .filter((c) => c.entry.sera_eval.outcome === 'unresolved' || c.entry.sera_eval.outcome === 'error')
      .map(async (c) => {
        const file = layout.testOutput(c);
        if (!existsSync(file)) return;
        const text = await readFile(file, 'utf8');
        outputs.set(`${c.context}/${c.seed}/${c.instanceId}`, text.length > TEST_OUTPUT_TAIL ? `[… ${text.length - TEST_OUTPUT_TAIL} characters before]\n${text.slice(-TEST_OUTPUT_TAIL)}` : text);
      }),
  );
  return outputs;
}
