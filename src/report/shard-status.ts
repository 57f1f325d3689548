/**
 * A sharded run directory (`sera-eval plan --shards N`) as reports read it: the predictions every
 * shard wrote under shards/<I>/, and which shards have not finished all their cells yet.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { RunLayout } from '../run-dir/layout.js';
import { ImageLedgerSchema, InstanceReportSchema, PredictionSchema, type ImageLedger, type Prediction } from '../run-dir/schemas.js';
import { ShardLayout, ShardsFileSchema, plannedCellKey, shardsFile, type ShardsFile } from '../run-dir/shard-files.js';
import { readJsonFile, readJsonlFile } from './read-validated.js';

export interface ShardState {
  /** 1-based, as `sera-eval work --shard I/N` takes it. */
  index: number;
  cells: number;
  /** Cells graded to a verdict (an infrastructure failure is not one: resume redoes it). */
  finished: number;
  infrastructure: number;
}

export interface ShardStatus {
  count: number;
  shards: ShardState[];
}

async function readPlan(runDir: string): Promise<ShardsFile | null> {
  const file = shardsFile(runDir);
  return existsSync(file) ? readJsonFile(file, ShardsFileSchema, 'a shard plan written by sera-eval plan') : null;
}

/** Every shard's predictions.jsonl, in shard order; nothing for a run that was not planned in shards. */
export async function readShardPredictions(runDir: string): Promise<Prediction[]> {
  const plan = await readPlan(runDir);
  if (!plan) return [];
  const predictions: Prediction[] = [];
  for (const { index } of plan.shards) {
    const file = new ShardLayout(runDir, { index, count: plan.count }).predictions;
    if (existsSync(file)) predictions.push(...(await readJsonlFile(file, PredictionSchema, 'a prediction {instance_id, model_name_or_path, model_patch}')));
  }
  return predictions;
}

/** The images every shard's worker recorded (shards/<I>/images.json), merged; null when none did. */
export async function readShardImages(runDir: string): Promise<ImageLedger | null> {
  const plan = await readPlan(runDir);
  if (!plan) return null;
  let merged: ImageLedger | null = null;
  for (const { index } of plan.shards) {
    const file = new ShardLayout(runDir, { index, count: plan.count }).images;
    if (!existsSync(file)) continue;
    const ledger = await readJsonFile(file, ImageLedgerSchema, 'the images a run used (images.json)');
    merged ??= { engines: [], images: {} };
    for (const engine of ledger.engines) {
      const known = merged.engines.some((e) => e.name === engine.name && e.version === engine.version && e.api_version === engine.api_version);
      if (!known) merged.engines.push(engine);
    }
    for (const [name, seen] of Object.entries(ledger.images)) {
      const list = (merged.images[name] ??= []);
      for (const entry of seen) if (!list.some((e) => e.id === entry.id)) list.push(entry);
    }
  }
  return merged;
}

/**
 * For a sharded run, whether any shard's worker has not finished: the same rule as a whole run
 * (its report.json missing, or older than its run.json, which a rerun rewrites), per shard.
 * null for a run that was not planned in shards.
 */
export async function shardsInProgress(runDir: string): Promise<boolean | null> {
  const plan = await readPlan(runDir);
  if (!plan) return null;
  for (const { index } of plan.shards) {
    const layout = new ShardLayout(runDir, { index, count: plan.count });
    if (!existsSync(layout.summary) || !existsSync(layout.manifest)) return true;
    const [summary, manifest] = await Promise.all([stat(layout.summary), stat(layout.manifest)]);
    if (summary.mtimeMs < manifest.mtimeMs) return true;
  }
  return false;
}

export async function readShardStatus(runDir: string): Promise<ShardStatus | null> {
  const plan = await readPlan(runDir);
  if (!plan) return null;
  const layout = new RunLayout(runDir);
  const shards: ShardState[] = [];
  for (const shard of plan.shards) {
    const state: ShardState = { index: shard.index, cells: shard.cells.length, finished: 0, infrastructure: 0 };
    for (const planned of shard.cells) {
      const outcome = await cellOutcome(planned.instance_id, layout.instanceReport(plannedCellKey(planned)));
      if (outcome === 'infrastructure') state.infrastructure++;
      else if (outcome !== null) state.finished++;
    }
    shards.push(state);
  }
  return { count: plan.count, shards };
}

/** null while the cell has no report; a report that does not parse was not finished (writes are atomic). */
async function cellOutcome(instanceId: string, file: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = InstanceReportSchema.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data[instanceId]?.sera_eval.outcome ?? null) : null;
  } catch {
    return null;
  }
}

/** One line per unfinished shard, with the command that resumes it; null when every shard is done. */
export function describeIncompleteShards(runDir: string, status: ShardStatus): string | null {
  const open = status.shards.filter((s) => s.finished < s.cells);
  if (open.length === 0) return null;
  const lines = open.map((s) => {
    const infra = s.infrastructure > 0 ? `, ${s.infrastructure} infrastructure failures` : '';
    return `  shard ${s.index}/${status.count} (array index ${s.index - 1}): ${s.finished}/${s.cells} cells finished${infra}; resume: sera-eval work ${runDir} --shard ${s.index}/${status.count}`;
  });
  return `${runDir}: ${open.length} of ${status.count} shards incomplete; their unfinished cells count as missing:\n${lines.join('\n')}\n`;
}
