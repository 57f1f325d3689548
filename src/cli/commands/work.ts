import { z } from 'zod';
import { loadDataset } from '../../dataset/index.js';
import { InputError } from '../../errors.js';
import type { ModelClient } from '../../model/model-client.js';
import { readRunSpecOf } from '../../pipeline/manifest.js';
import { connectEndpoints } from '../../pipeline/plan-run.js';
import { requiredSetting } from '../../pipeline/required-setting.js';
import { datasetCacheDir } from '../../pipeline/select-instances.js';
import { shardFromEnv, SHARD_INDEX_VARIABLES, type ShardChoice } from '../../pipeline/shards-env.js';
import { readShardPlan } from '../../pipeline/shards-plan.js';
import { startEvaluation, startRollouts } from '../../pipeline/start-run.js';
import { readJsonlFile } from '../../report/read-validated.js';
import type { Summary } from '../../report/summary-schema.js';
import { RunLayout } from '../../run-dir/layout.js';
import type { RunSpecFields } from '../../run-dir/run-spec.js';
import { PredictionSchema } from '../../run-dir/schemas.js';
import { ShardLayout, plannedCellIds, plannedInstancesFile } from '../../run-dir/shard-files.js';
import { ShardSchema, parseFlags, positiveInt } from '../flags.js';
import { ContainerFlagsSchema, containerCpus, sandboxFor, sandboxManifest } from '../grading-options.js';
import { defineCommand } from '../command.js';
import { EXIT } from '../io.js';
import { renderSummaryLine } from '../summary-line.js';

const WorkFlagsSchema = z.object({ runDir: z.string().min(1), shard: ShardSchema.optional(), shardFromEnv: z.boolean().default(false) });

export const workCommand = defineCommand({
  name: 'work',
  flagsSchema: WorkFlagsSchema,
  configure: (command) =>
    command
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
      .option('--shard-from-env', `take the shard from ${SHARD_INDEX_VARIABLES.join(', ')} (0-based) and the count from the plan`),
  async handler(flags, { io }) {
    const { runDir } = flags;
    const plan = await readShardPlan(runDir);
    const choice = chooseShard(flags, plan.count);
    const root = await readRunSpecOf(new RunLayout(runDir));
    if (!root) throw new InputError(`${runDir}/run.json: missing or not a run spec; plan the run again with sera-eval plan`);
    const { format: _format, created_at: _created, versions: _versions, resumed_at: _resumed, ...asked } = root;
    const cells = plannedCellIds(plan.shards[choice.index - 1]!.cells);
    const layout = new ShardLayout(runDir, choice, cells);
    const { rows } = await loadDataset(plannedInstancesFile(runDir), { cacheDir: datasetCacheDir() });
    const own = new Set(plan.shards[choice.index - 1]!.cells.map((c) => c.instance_id));
    const instances = rows.filter((row) => own.has(row.instance_id));
    io.stderr.write(`sera-eval work: shard ${choice.index}/${choice.count} of ${plan.run_id}: ${cells.size} cells\n`);
    // the sandbox is this worker's: its CPU quota depends on the worker's machine (its cores), not the planner's
    const container = parseFlags(ContainerFlagsSchema.extend({ evalWorkers: positiveInt.optional(), workers: positiveInt.optional() }), plan.flags, 'work (flags from shards.json)');
    const workers = requiredSetting(asked.execution, 'execution').eval_workers;
    const sandbox = await sandboxFor(container, { id: shardSandboxId(plan.run_id, choice), dir: runDir }, io, workers);
    const spec = { ...asked, sandbox: sandboxManifest(sandbox), grading: { ...requiredSetting(asked.grading, 'grading'), cpus: containerCpus(container, workers) }, shard: choice };
    const deps = { layout, sandbox: sandbox.provider, io, cells };
    const summary: Summary =
      plan.command === 'run'
        ? await startRollouts({ spec, rows: instances, clients: await connectPlannedEndpoints(spec) }, deps)
        : await startEvaluation({ spec, rows: instances, predictions: await readJsonlFile(layout.predictions, PredictionSchema, 'a prediction written by sera-eval plan') }, deps);
    io.stdout.write(`shard ${choice.index}/${choice.count}: ${renderSummaryLine(summary, runDir)}`);
    if (summary.infrastructure_instances > 0) {
      io.stderr.write(
        `sera-eval work: ${summary.infrastructure_instances} cells of shard ${choice.index}/${choice.count} ended as infrastructure failures; ` +
          'exit 3 so the engine reruns this index, which redoes only those\n',
      );
      return EXIT.failed;
    }
    return EXIT.ok;
  },
});

/** A planned run's endpoints, each held to the model the plan found there. */
async function connectPlannedEndpoints(spec: RunSpecFields): Promise<Map<string, ModelClient>> {
  const model = requiredSetting(spec.model, 'model');
  const apiKey = model.api_key_env ? process.env[model.api_key_env] : undefined;
  const endpoints = spec.contexts.map((context) => {
    const e = requiredSetting(model.endpoints[context], `model.endpoints.${context}`);
    return { context, tokens: e.context_tokens, url: e.url, ...(e.model ? { model: e.model } : {}) };
  });
  return connectEndpoints(endpoints, { requestTimeoutS: requiredSetting(model.request_timeout_s, 'model.request_timeout_s'), ...(apiKey ? { apiKey } : {}) });
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
