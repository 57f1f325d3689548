/** Which shard this worker is, from the array index that the outer engine sets. */
import { InputError } from '../errors.js';

/** 0-based array indexes, in the order they are looked for. */
export const SHARD_INDEX_VARIABLES = ['JOB_COMPLETION_INDEX', 'SLURM_ARRAY_TASK_ID', 'AWS_BATCH_JOB_ARRAY_INDEX'] as const;

export interface ShardChoice {
  /** 1-based, as `--shard I/N` and the shards/<I>/ directories count. */
  index: number;
  count: number;
}

/**
 * The shard named by the first index variable that is set: Kubernetes Indexed Jobs set
 * JOB_COMPLETION_INDEX, Slurm arrays SLURM_ARRAY_TASK_ID, AWS Batch array jobs
 * AWS_BATCH_JOB_ARRAY_INDEX, each counting from 0. The count is the plan's.
 */
export function shardFromEnv(env: NodeJS.ProcessEnv, count: number): ShardChoice {
  const name = SHARD_INDEX_VARIABLES.find((v) => env[v] !== undefined && env[v] !== '');
  if (!name) throw new InputError(`--shard-from-env: none of ${SHARD_INDEX_VARIABLES.join(', ')} is set; pass --shard I/${count} instead`);
  const raw = env[name]!;
  if (!/^\d+$/.test(raw) || Number(raw) >= count) {
    throw new InputError(`${name}="${raw}": expected an array index from 0 to ${count - 1} (the plan has ${count} shards)`);
  }
  return { index: Number(raw) + 1, count };
}
