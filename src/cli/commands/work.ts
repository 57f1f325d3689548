import type { Command } from 'commander';
import { z } from 'zod';
import { loadDataset } from '../../dataset/index.js';
import { InputError } from '../../errors.js';
import { readManifest, type ManifestFields } from '../../pipeline/manifest.js';
import { shardFromEnv, SHARD_INDEX_VARIABLES, type ShardChoice } from '../../pipeline/shards-env.js';
import { readShardPlan } from '../../pipeline/shards-plan.js';
import { readJsonlFile } from '../../report/read-validated.js';
import type { Summary } from '../../report/summary-schema.js';
import { RunLayout } from '../../run-dir/layout.js';
import { PredictionSchema } from '../../run-dir/schemas.js';
import { ShardLayout, plannedCellIds, plannedInstancesFile } from '../../run-dir/shard-files.js';
import { ShardSchema, parseFlags } from '../flags.js';
import { containerCpus, sandboxFor, sandboxManifest } from '../grading-options.js';
import { EXIT, type Io } from '../io.js';
import { datasetCacheDir } from '../selection.js';
import { renderSummaryLine } from '../summary-line.js';
import { EvaluateFlagsSchema, executeEvaluate } from './evaluate.js';
import type { Schedule } from '../schedule.js';
import { RunFlagsSchema, executeRun } from './run.js';

const WorkFlagsSchema = z.object({ shard: ShardSchema.optional(), shardFromEnv: z.boolean().default(false) });

export function registerWork(program: Command, io: Io, schedule: Schedule): void {
  program
    .command('work')
    .summary('roll out and grade one shard of a planned run (one array task of an Indexed Job or Slurm array)')
    .description(
      'Run the cells of one shard of a run directory made by `sera-eval plan --shards N`, with the plan\'s flags, writing only ' +
        "those cells' files and the shard's own run.json, predictions.jsonl and report.json under shards/<I>/. Never retries " +
        'the shard as a whole: the outer engine reruns the index, and a rerun resumes it. Exit 0 when every cell has a verdict, ' +
        '2 on bad input (do not retry), 3 when a cell ended as an infrastructure failure or the run could not go on (retry), ' +
        '130 when interrupted.',
    )
    .argument('<run-dir>', 'the shared run directory written by sera-eval plan')
    .option('--shard <i/n>', 'the shard to run, 1-based, e.g. 2/4')
    .option('--shard-from-env', `take the shard from ${SHARD_INDEX_VARIABLES.join(', ')} (0-based) and the count from the plan`)
    .action((runDir: string, raw: Record<string, unknown>) =>
      schedule(async () => {
        const flags = parseFlags(WorkFlagsSchema, raw, 'work');
        const plan = await readShardPlan(runDir);
        const choice = chooseShard(flags, plan.count);
        const rootManifest = await readManifest(new RunLayout(runDir));
        if (!rootManifest) throw new InputError(`${runDir}/run.json: missing or not a run manifest; plan the run again with sera-eval plan`);
        const { created_at: _created, versions: _versions, resumed_at: _resumed, ...asked } = rootManifest;
        const manifest: ManifestFields = { ...asked, shard: choice };
        const cells = plannedCellIds(plan.shards[choice.index - 1]!.cells);
        const layout = new ShardLayout(runDir, choice, cells);
        const { rows } = await loadDataset(plannedInstancesFile(runDir), { cacheDir: datasetCacheDir() });
        const own = new Set(plan.shards[choice.index - 1]!.cells.map((c) => c.instance_id));
        const instances = rows.filter((row) => own.has(row.instance_id));
        io.stderr.write(`sera-eval work: shard ${choice.index}/${choice.count} of ${plan.run_id}: ${cells.size} cells\n`);
        let summary: Summary;
        if (plan.command === 'run') {
          const runFlags = parseFlags(RunFlagsSchema, plan.flags, 'work (flags from shards.json)');
          const sandbox = await sandboxFor(runFlags, shardSandboxId(plan.run_id, choice), io, runFlags.evalWorkers);
          const own = { ...withWorkerCpus(manifest, containerCpus(runFlags, runFlags.evalWorkers)), sandbox: sandboxManifest(sandbox) };
          summary = await executeRun(runFlags, plan.run_id, layout, sandbox, io, 'run', { instances, manifest: own, cells });
        } else {
          const evalFlags = parseFlags(EvaluateFlagsSchema, plan.flags, 'work (flags from shards.json)');
          const predictions = await readJsonlFile(layout.predictions, PredictionSchema, 'a prediction written by sera-eval plan');
          const sandbox = await sandboxFor(evalFlags, shardSandboxId(plan.run_id, choice), io, evalFlags.workers);
          const own = { ...withWorkerCpus(manifest, containerCpus(evalFlags, evalFlags.workers)), sandbox: sandboxManifest(sandbox) };
          summary = await executeEvaluate(evalFlags, layout, sandbox, io, { instances, predictions, manifest: own, cells });
        }
        io.stdout.write(`shard ${choice.index}/${choice.count}: ${renderSummaryLine(summary, runDir)}`);
        if (summary.infrastructure_instances > 0) {
          io.stderr.write(
            `sera-eval work: ${summary.infrastructure_instances} cells of shard ${choice.index}/${choice.count} ended as infrastructure failures; ` +
              'exit 3 so the engine reruns this index, which redoes only those\n',
          );
          return EXIT.failed;
        }
        return EXIT.ok;
      }),
    );
}

/** The CPU quota per container depends on the worker's machine (its cores), not the planner's. */
function withWorkerCpus(manifest: ManifestFields, cpus: number): ManifestFields {
  const grading = manifest.grading;
  return grading && typeof grading === 'object' ? { ...manifest, grading: { ...grading, cpus } } : manifest;
}

function chooseShard(flags: z.infer<typeof WorkFlagsSchema>, count: number): ShardChoice {
  if (flags.shard && flags.shardFromEnv) throw new InputError('sera-eval work: give --shard I/N or --shard-from-env, not both');
  if (flags.shardFromEnv) return shardFromEnv(process.env, count);
  if (!flags.shard) throw new InputError('sera-eval work: which shard? give --shard I/N or --shard-from-env');
  if (flags.shard.count !== count) throw new InputError(`--shard ${flags.shard.index + 1}/${flags.shard.count}: the plan has ${count} shards`);
  return { index: flags.shard.index + 1, count };
}

/**
 * Containers are labelled with this instead of the run id, so a worker's removal of leftovers at
 * start (a killed earlier attempt of the same shard) never touches the containers of other shards.
 */
export function shardSandboxId(runId: string, shard: ShardChoice): string {
  return `${runId}.shard-${shard.index}-of-${shard.count}`;
}
