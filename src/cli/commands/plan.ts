import { mkdir } from 'node:fs/promises';
import { z } from 'zod';
import { benchmarks } from '../../benchmarks/benchmarks.js';
import type { SweBenchInstance } from '../../dataset/schema.js';
import { InputError } from '../../errors.js';
import { planInstances, withPlan, type UnplannedSpec } from '../../pipeline/instance-plans.js';
import { writeRunSpec } from '../../pipeline/manifest.js';
import { planEvaluation } from '../../pipeline/plan-evaluation.js';
import { planRollouts } from '../../pipeline/plan-run.js';
import { assertPlannable, samePlanExists, splitIntoShards, writeShardPlan, type CellToPlan } from '../../pipeline/shards-plan.js';
import { writePredictionsFile } from '../../pipeline/run-outputs.js';
import { NO_DIMENSION, RunLayout, cellId } from '../../run-dir/layout.js';
import { acquireRunLock } from '../../run-dir/run-lock.js';
import { ShardLayout, plannedCellIds, shardDir, type PlannedCell } from '../../run-dir/shard-files.js';
import type { RunSpecFields, SpecSandbox } from '../../run-dir/run-spec.js';
import type { Prediction } from '../../run-dir/schemas.js';
import { parseFlags, positiveInt } from '../flags.js';
import { runLayoutFor, sandboxSettings, type ContainerFlags } from '../grading-options.js';
import { defineCommand } from '../command.js';
import { EXIT, type Io } from '../io.js';
import { EvaluateFlagsSchema, evaluationRequest } from './evaluate.js';
import { RunFlagsSchema, addRunOptions, rolloutRequest } from './run.js';

const PlanFlagsSchema = z.object({ shards: positiveInt, predictions: z.string().optional() }).passthrough();

export const planCommand = defineCommand({
  name: 'plan',
  flagsSchema: PlanFlagsSchema,
  configure: (command) =>
    addRunOptions(
      command
        .summary('split a run into N shards in a shared run directory, for `work` processes (Indexed Job, Slurm array)')
        .description(
          'Write the run spec (run.json), the selected instances and the cell list split into N shards (shards.json) into the run ' +
            'directory, once. Without --predictions the cells are rollouts (the flags of `run`); with --predictions they are ' +
            'gradings (the flags of `evaluate`). Shards are balanced by repository, and all cells of an instance share a shard. ' +
            'Then run `sera-eval work RUN_DIR --shard I/N` once per shard, on machines that share the directory.',
        )
        .requiredOption('--shards <n>', 'number of shards (array tasks / job completions)')
        .option('--predictions <path|gold|empty>', 'plan an evaluate-only run of these predictions instead of rollouts')
        .option('--workers <n>', 'with --predictions: grading containers at once per worker (default: min(0.75 × cores, 24))'),
    ),
  async handler(flags, { io }) {
    // the other flags are those of `run` or `evaluate`, parsed by the planner chosen below; shards.json keeps them for the workers
    const { shards: count, ...stored } = flags;
    const predictionsSource = flags.predictions;
    const planned = predictionsSource === undefined ? await planRolloutShards(stored, io) : await planEvaluationShards(stored);
    const instanceCount = new Set(planned.cells.map((c) => c.instance.instance_id)).size;
    if (count > instanceCount) {
      throw new InputError(`--shards ${count}: only ${instanceCount} instances to split (an instance's cells share a shard); use at most ${instanceCount}`);
    }
    const root = planned.layout.root;
    // the run's own lock while planning: a run or evaluate still working here (or another plan) stops us
    const lock = await acquireRunLock(root, { command: 'plan', onNotice: (m) => io.stderr.write(`${m}\n`) });
    let shards: PlannedCell[][];
    try {
      assertPlannable(planned.layout);
      shards = splitIntoShards(planned.cells, count);
      if (await samePlanExists(root, planned.command, shards)) {
        io.stdout.write(`${root} is already planned with these ${count} shards; nothing written\n`);
        return EXIT.ok;
      }
      // shards.json last: its presence is what marks the directory as planned
      await writeRunSpec(planned.layout, planned.spec);
      for (const [i, cells] of shards.entries()) {
        await mkdir(shardDir(root, i + 1), { recursive: true });
        if (planned.predictions) {
          const own = plannedCellIds(cells);
          const shardPredictions = planned.predictions.filter((p) => own.has(predictionCellId(p)));
          await writePredictionsFile(new ShardLayout(root, { index: i + 1, count }), shardPredictions);
        }
      }
      await writeShardPlan(root, { runId: planned.runId, command: planned.command, flags: stored, instances: planned.instances, shards });
    } finally {
      await lock.release();
    }
    const sizes = shards.map((s) => s.length);
    io.stdout.write(
      `planned ${planned.cells.length} ${planned.command === 'run' ? 'rollouts' : 'gradings'} of ${instanceCount} instances in ${count} shards ` +
        `(${Math.min(...sizes)}-${Math.max(...sizes)} cells each) → ${root}\n` +
        `one worker per shard, on machines sharing that directory:\n` +
        `  sera-eval work ${root} --shard I/${count}          (I = 1..${count}), or --shard-from-env in an array job\n` +
        `  sera-eval k8s job ${root} --parallelism P --image IMAGE --claim PVC > job.json\n` +
        `  sera-eval slurm array ${root} --parallel P > job.sbatch\n`,
    );
    return EXIT.ok;
  },
});

interface PlannedRun {
  command: 'run' | 'evaluate';
  runId: string;
  layout: RunLayout;
  /** The spec the workers run: planned here, so an unsupported row stops the plan, not N workers. */
  spec: RunSpecFields;
  instances: SweBenchInstance[];
  cells: CellToPlan[];
  /** evaluate only: written per shard now, so workers do not need the predictions file. */
  predictions?: Prediction[];
}

async function planRolloutShards(raw: Record<string, unknown>, io: Io): Promise<PlannedRun> {
  const flags = parseFlags(RunFlagsSchema, raw, 'plan');
  refuseUrlCredentials([...(flags.baseUrl ? [flags.baseUrl] : []), ...flags.endpoint.map((e) => e.slice(e.indexOf('=') + 1))]);
  if (raw.workers !== undefined) throw new InputError('sera-eval plan: --workers is for --predictions; rollout workers use --eval-workers');
  const { runId, layout } = runLayoutFor(flags, 'run');
  // the endpoints are checked now (reachable, long enough for each context) rather than by N workers at once
  const planned = await planRollouts(await rolloutRequest(flags, runId, 'run', await plannedSandbox(flags, flags.evalWorkers)), io, 'plan');
  const { spec, instances } = plannedSpec(planned.spec, planned.rows);
  const cells = spec.contexts.flatMap((context) => spec.seeds.flatMap((seed) => instances.map((instance) => ({ instance, context, seed }))));
  return { command: 'run', runId, layout, spec, instances, cells };
}

async function planEvaluationShards(raw: Record<string, unknown>): Promise<PlannedRun> {
  const rolloutOnly = ['baseUrl', 'model'].filter((key) => raw[key] !== undefined);
  if (rolloutOnly.length > 0 || (Array.isArray(raw.endpoint) && raw.endpoint.length > 0)) {
    throw new InputError('sera-eval plan: --base-url, --endpoint and --model are for rollouts; with --predictions nothing is rolled out');
  }
  const flags = parseFlags(EvaluateFlagsSchema, raw, 'plan');
  const { runId, layout } = runLayoutFor(flags, 'evaluate');
  const planned = await planEvaluation(evaluationRequest(flags, runId, await plannedSandbox(flags, flags.workers)));
  const { spec, instances } = plannedSpec(planned.spec, planned.rows);
  const byId = new Map(instances.map((row) => [row.instance_id, row]));
  const predictions = planned.predictions.filter((p) => byId.has(p.instance_id));
  const cells = predictions.map((p) => ({ instance: byId.get(p.instance_id)!, context: p.context ?? NO_DIMENSION, seed: p.seed ?? NO_DIMENSION }));
  return { command: 'evaluate', runId, layout, spec, instances, cells, predictions };
}

/**
 * The sandbox settings the workers will use, checked now (exit 2 naming the field) without making
 * the provider: the workers' cluster may not be reachable from here. Each worker records its own.
 */
async function plannedSandbox(flags: ContainerFlags, gradingWorkers: number): Promise<SpecSandbox> {
  const { factory, config } = await sandboxSettings(flags, gradingWorkers);
  return { name: factory.name, config };
}

/** The rows the benchmark can grade (an unsupported one stops the plan unless --skip-unsupported), in the spec. */
function plannedSpec(spec: UnplannedSpec, rows: readonly SweBenchInstance[]): { spec: RunSpecFields; instances: SweBenchInstance[] } {
  const plans = planInstances(benchmarks.get(spec.benchmark.name), rows, { imageTemplate: spec.benchmark.image_template ?? '', skipUnsupported: spec.benchmark.skip_unsupported });
  return { spec: withPlan(spec, plans), instances: plans.planned.map((p) => p.row) };
}

/** shards.json keeps the flags for the workers, and a secret must not be written into the run directory. */
function refuseUrlCredentials(urls: readonly string[]): void {
  for (const url of urls) {
    const parsed = URL.canParse(url) ? new URL(url) : null;
    if (parsed && (parsed.username || parsed.password)) {
      throw new InputError(`sera-eval plan: ${parsed.host}: credentials in an endpoint URL would be written to shards.json; pass the key through --api-key-env`);
    }
  }
}

function predictionCellId(p: Prediction): string {
  return cellId({ instanceId: p.instance_id, context: p.context ?? NO_DIMENSION, seed: p.seed ?? NO_DIMENSION });
}
