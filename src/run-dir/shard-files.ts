/**
 * The files of a sharded run (`sera-eval plan --shards N`): shards.json says which cells each shard
 * owns; each worker writes its run-level files under shards/<I>/ while every cell's files stay in
 * the shared trajectories/ and evaluation/ trees, so no two workers ever write the same file.
 */
import path from 'node:path';
import { z } from 'zod';
import { RunLayout, cellId, type CellKey } from './layout.js';

export const SHARDS_FORMAT = 'sera-eval.shards/1';

export const PlannedCellSchema = z.object({ instance_id: z.string().min(1), context: z.string().min(1), seed: z.string().min(1) });
export type PlannedCell = z.infer<typeof PlannedCellSchema>;

export const ShardsFileSchema = z.object({
  format: z.literal(SHARDS_FORMAT),
  run_id: z.string().min(1),
  command: z.enum(['run', 'evaluate']).describe('the flow every worker runs on its cells'),
  /** The command-line flags as given to `plan`; workers parse them with the same schema as run/evaluate. */
  flags: z.record(z.string(), z.unknown()),
  count: z.number().int().min(1),
  shards: z.array(z.object({ index: z.number().int().min(1), cells: z.array(PlannedCellSchema) })),
});
export type ShardsFile = z.infer<typeof ShardsFileSchema>;

export function shardsFile(root: string): string {
  return path.join(root, 'shards.json');
}

/** The selected dataset rows, so workers need neither the dataset file nor a Hugging Face cache. */
export function plannedInstancesFile(root: string): string {
  return path.join(root, 'shards', 'instances.jsonl');
}

export function shardDir(root: string, index: number): string {
  return path.join(root, 'shards', String(index));
}

/**
 * A run layout whose run-level files (run.json, predictions.jsonl, report.json) and lock are one
 * shard's own, so workers of different shards never wait for or clean up after each other.
 */
export class ShardLayout extends RunLayout {
  /** @param cells the shard's cells (cellIds), whose files a worker may clean up after a killed attempt */
  constructor(
    root: string,
    readonly shard: { index: number; count: number },
    private readonly cells: ReadonlySet<string> = new Set(),
  ) {
    super(root);
  }
  override get lockName(): string {
    return path.join('shards', String(this.shard.index), 'run.lock');
  }
  /** Its shard directory and its cells' files; never another shard's, whose writer may live on another host. */
  override owns(relativePath: string): boolean {
    const parts = relativePath.split(path.sep);
    if (parts[0] === 'shards') return parts[1] === String(this.shard.index) && parts.length > 2;
    if (parts[0] === 'evaluation' && parts.length >= 5) return this.cells.has(`${parts[1]}/${parts[2]}/${parts[3]}`);
    if (parts[0] === 'trajectories' && parts.length === 4) {
      const instanceId = parts[3]!.split('.traj.json')[0]!;
      return this.cells.has(`${parts[1]}/${parts[2]}/${instanceId}`);
    }
    return false;
  }
  override get manifest(): string {
    return path.join(shardDir(this.root, this.shard.index), 'run.json');
  }
  override get predictions(): string {
    return path.join(shardDir(this.root, this.shard.index), 'predictions.jsonl');
  }
  override get summary(): string {
    return path.join(shardDir(this.root, this.shard.index), 'report.json');
  }
  override get images(): string {
    return path.join(shardDir(this.root, this.shard.index), 'images.json');
  }
}

export function plannedCellKey(cell: PlannedCell): CellKey {
  return { instanceId: cell.instance_id, context: cell.context, seed: cell.seed };
}

export function plannedCellIds(cells: readonly PlannedCell[]): Set<string> {
  return new Set(cells.map((c) => cellId(plannedCellKey(c))));
}
