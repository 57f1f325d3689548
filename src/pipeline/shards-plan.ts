/**
 * The static partition behind shard workers: every cell of a run assigned to one of N shards, once,
 * written to the shared run directory. Kubernetes Indexed Jobs, Slurm arrays and AWS Batch arrays
 * then run one worker per shard and retry a shard by rerunning its index.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { SweBenchInstance } from '../dataset/schema.js';
import { InputError } from '../errors.js';
import { writeFileAtomic, writeJsonAtomic } from '../run-dir/atomic-write.js';
import type { RunLayout } from '../run-dir/layout.js';
import { plannedInstancesFile, shardsFile, SHARDS_FORMAT, ShardsFileSchema, type PlannedCell, type ShardsFile } from '../run-dir/shard-files.js';
import { describeIssues } from '../report/read-validated.js';

export interface CellToPlan {
  instance: SweBenchInstance;
  context: string;
  seed: string;
}

/**
 * Deal instances to shards round-robin, repository by repository (repos and instances in name
 * order), so each shard gets a similar mix of repositories: a Django instance's tests take far
 * longer than most, and a shard of only Django would finish last. All cells of one instance go to
 * the same shard because they share its image, which is 1-3 GB to pull on each node.
 */
export function splitIntoShards(cells: readonly CellToPlan[], count: number): PlannedCell[][] {
  const byInstance = new Map<string, CellToPlan[]>();
  for (const cell of cells) {
    const list = byInstance.get(cell.instance.instance_id) ?? [];
    list.push(cell);
    byInstance.set(cell.instance.instance_id, list);
  }
  const instances = [...byInstance.values()].map((list) => list[0]!.instance);
  instances.sort((a, b) => compare(a.repo, b.repo) || compare(a.instance_id, b.instance_id));
  const shards: PlannedCell[][] = Array.from({ length: count }, () => []);
  instances.forEach((instance, i) => {
    const own = byInstance.get(instance.instance_id)!;
    const sorted = [...own].sort((a, b) => compare(a.context, b.context) || compare(a.seed, b.seed));
    shards[i % count]!.push(...sorted.map((c) => ({ instance_id: instance.instance_id, context: c.context, seed: c.seed })));
  });
  return shards;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface ShardPlanInput {
  runId: string;
  command: ShardsFile['command'];
  flags: Record<string, unknown>;
  instances: readonly SweBenchInstance[];
  shards: PlannedCell[][];
}

/**
 * Whether this directory already holds exactly this plan (planning again is then a no-op).
 * @throws InputError when it holds another partition, which workers may already be filling
 */
export async function samePlanExists(root: string, command: ShardsFile['command'], shards: readonly PlannedCell[][]): Promise<boolean> {
  const file = shardsFile(root);
  if (!existsSync(file)) return false;
  const previous = await readShardPlan(root);
  if (previous.command === command && isDeepStrictEqual(previous.shards.map((s) => s.cells), shards)) return true;
  throw new InputError(
    `${file}: this run directory is already planned with ${previous.count} shards of other cells; ` +
      'plan into a new --run-id (its workers may already be writing here)',
  );
}

/** Write the planned instances, then shards.json, which is what makes the directory planned. */
export async function writeShardPlan(root: string, input: ShardPlanInput): Promise<ShardsFile> {
  const plan: ShardsFile = {
    format: SHARDS_FORMAT,
    run_id: input.runId,
    command: input.command,
    flags: input.flags,
    count: input.shards.length,
    shards: input.shards.map((cells, i) => ({ index: i + 1, cells })),
  };
  await writeFileAtomic(plannedInstancesFile(root), input.instances.map((row) => JSON.stringify(row)).join('\n') + '\n');
  await writeJsonAtomic(shardsFile(root), plan);
  return plan;
}

export async function readShardPlan(root: string): Promise<ShardsFile> {
  const file = shardsFile(root);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new InputError(`${root}: not a planned run directory (no shards.json); create one with sera-eval plan --shards N`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file}: not valid JSON (${(err as Error).message}); expected a shard plan written by sera-eval plan`);
  }
  const parsed = ShardsFileSchema.safeParse(value);
  if (!parsed.success) throw new InputError(`${file}: ${describeIssues(parsed.error)}; expected a shard plan written by sera-eval plan`);
  const plan = parsed.data;
  if (plan.shards.length !== plan.count || plan.shards.some((s, i) => s.index !== i + 1)) {
    throw new InputError(`${file}: field shards: expected ${plan.count} shards indexed 1..${plan.count}`);
  }
  return plan;
}

/** `run` and `evaluate` on a planned directory would write the run-wide files that workers never do. */
export function assertNotPlanned(root: string): void {
  if (existsSync(shardsFile(root))) {
    throw new InputError(`${root} is planned in shards (shards.json); run its shards with sera-eval work ${root} --shard I/N, or pass another --run-id`);
  }
}

/** A directory that `run` or `evaluate` already filled has run-wide files that would double-count with the shards'. */
export function assertPlannable(layout: RunLayout): void {
  const written = [layout.predictions, layout.summary].filter((file) => existsSync(file));
  if (written.length > 0 && !existsSync(shardsFile(layout.root))) {
    throw new InputError(`${layout.root} already holds a run made by sera-eval run or evaluate (${written.map((f) => path.basename(f)).join(', ')}); plan into a new --run-id`);
  }
}
