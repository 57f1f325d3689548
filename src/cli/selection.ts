/** The dataset and filter flags shared by `run` and `evaluate`. */
import type { Command } from 'commander';
import { z } from 'zod';
import { benchmarks } from '../benchmarks/benchmarks.js';
import { parseIdList, type InstanceFilters } from '../dataset/index.js';
import { selectInstances as selectRows, type Selection, type SelectionRequest } from '../pipeline/select-instances.js';
import { ShardSchema, csvList, positiveInt } from './flags.js';

export function addSelectionOptions(command: Command): Command {
  return command
    .option('--benchmark <name>', `what the rows are and how they are graded: ${benchmarks.names().join(', ')} (default: the one whose dataset --dataset names, else swe-bench)`)
    .option('--dataset <name|path>', "a benchmark's dataset name (swe-bench: verified, lite; demo: demo), a Hugging Face id (owner/name[:split]) or a .jsonl/.json/.parquet file (default: the benchmark's, verified for swe-bench)")
    .option('--skip-unsupported', 'drop selected rows the benchmark cannot grade (recorded in run.json) instead of refusing the run')
    .option('--instances <ids>', 'comma-separated instance ids, or @FILE with one id per line')
    .option('--repos <names>', 'comma-separated repos: django,sympy,sphinx,... or owner/name')
    .option('--difficulty <levels>', 'comma-separated Verified difficulty levels, e.g. "<15 min fix"')
    .option('--limit <n>', 'keep the first N instances after the other filters')
    .option('--shard <i/n>', 'keep shard I of N (1-based), e.g. 2/4, to split a run across machines');
}

export const SelectionFlagsSchema = z.object({
  benchmark: z.string().min(1).optional(),
  dataset: z.string().min(1).optional(),
  skipUnsupported: z.boolean().default(false),
  instances: z.string().optional(),
  repos: csvList.optional(),
  difficulty: csvList.optional(),
  limit: positiveInt.optional(),
  shard: ShardSchema.optional(),
});
export type SelectionFlags = z.infer<typeof SelectionFlagsSchema>;

/** The selection flags as a request the pipeline reads (pipeline/select-instances.ts). */
export function selectionRequest(flags: SelectionFlags): SelectionRequest {
  const filters: InstanceFilters = {
    ...(flags.instances === undefined ? {} : { instances: parseIdList(flags.instances) }),
    ...(flags.repos === undefined ? {} : { repos: flags.repos }),
    ...(flags.difficulty === undefined ? {} : { difficulty: flags.difficulty }),
    ...(flags.limit === undefined ? {} : { limit: flags.limit }),
    ...(flags.shard === undefined ? {} : { shard: flags.shard }),
  };
  return { ...(flags.benchmark === undefined ? {} : { benchmark: flags.benchmark }), ...(flags.dataset === undefined ? {} : { dataset: flags.dataset }), filters };
}

export async function selectInstances(flags: SelectionFlags): Promise<Selection> {
  return selectRows(selectionRequest(flags));
}
