import { mkdir } from 'node:fs/promises';
import type { Command } from 'commander';
import { z } from 'zod';
import { loadPredictions } from '../../dataset/index.js';
import { InputError } from '../../errors.js';
import { writeManifest, type ManifestFields } from '../../pipeline/manifest.js';
import { assertPlannable, samePlanExists, splitIntoShards, writeShardPlan, type CellToPlan } from '../../pipeline/shards-plan.js';
import { writePredictionsFile } from '../../pipeline/run-outputs.js';
import { NO_DIMENSION, RunLayout, cellId } from '../../run-dir/layout.js';
import { acquireRunLock } from '../../run-dir/run-lock.js';
import { ShardLayout, plannedCellIds, shardDir, type PlannedCell } from '../../run-dir/shard-files.js';
import type { Prediction } from '../../run-dir/schemas.js';
import { parseFlags, positiveInt } from '../flags.js';
import { runLayoutFor, sandboxSettings } from '../grading-options.js';
import { EXIT, type Io } from '../io.js';
import { selectInstances, type Selection } from '../selection.js';
import { EvaluateFlagsSchema, evaluateManifestFields } from './evaluate.js';
import type { Schedule } from '../schedule.js';
import { RunFlagsSchema, addRunOptions, connectContexts, preflightContexts, runManifestFields } from './run.js';

const PlanFlagsSchema = z.object({ shards: positiveInt, predictions: z.string().optional() });

export function registerPlan(program: Command, io: Io, schedule: Schedule): void {
  const command = program
    .command('plan')
    .summary('split a run into N shards in a shared run directory, for `work` processes (Indexed Job, Slurm array)')
    .description(
      'Write the run spec (run.json), the selected instances and the cell list split into N shards (shards.json) into the run ' +
        'directory, once. Without --predictions the cells are rollouts (the flags of `run`); with --predictions they are ' +
        'gradings (the flags of `evaluate`). Shards are balanced by repository, and all cells of an instance share a shard. ' +
        'Then run `sera-eval work RUN_DIR --shard I/N` once per shard, on machines that share the directory.',
    )
    .requiredOption('--shards <n>', 'number of shards (array tasks / job completions)')
    .option('--predictions <path|gold|empty>', 'plan an evaluate-only run of these predictions instead of rollouts')
    .option('--workers <n>', 'with --predictions: grading containers at once per worker (default: min(0.75 × cores, 24))');
  addRunOptions(command);
  command.action((raw: Record<string, unknown>) =>
    schedule(async () => {
      const { shards: count, predictions: predictionsSource } = parseFlags(PlanFlagsSchema, raw, 'plan');
      const stored = Object.fromEntries(Object.entries(raw).filter(([key]) => key !== 'shards'));
      const planned = predictionsSource === undefined ? await planRollouts(stored, io) : await planEvaluation(stored);
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
        await writeManifest(planned.layout, planned.manifest);
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
    }),
  );
}

interface PlannedRun {
  command: 'run' | 'evaluate';
  runId: string;
  layout: RunLayout;
  manifest: ManifestFields;
  instances: Selection['instances'];
  cells: CellToPlan[];
  /** evaluate only: written per shard now, so workers do not need the predictions file. */
  predictions?: Prediction[];
}

async function planRollouts(raw: Record<string, unknown>, io: Io): Promise<PlannedRun> {
  const flags = parseFlags(RunFlagsSchema, raw, 'plan');
  refuseUrlCredentials([...(flags.baseUrl ? [flags.baseUrl] : []), ...flags.endpoint.map((e) => e.slice(e.indexOf('=') + 1))]);
  if (raw.workers !== undefined) throw new InputError('sera-eval plan: --workers is for --predictions; rollout workers use --eval-workers');
  await sandboxSettings(flags, flags.evalWorkers);
  const selection = await selectInstances(flags);
  // the endpoints are checked now (reachable, long enough for each context) rather than by N workers at once
  const apiKey = process.env[flags.apiKeyEnv];
  const contexts = await connectContexts(flags, apiKey);
  await preflightContexts(flags, contexts, io, 'plan');
  const { runId, layout } = runLayoutFor(flags, 'run');
  const cells = contexts.flatMap((c) => flags.seeds.flatMap((seed) => selection.instances.map((instance) => ({ instance, context: c.name, seed: String(seed) }))));
  return { command: 'run', runId, layout, manifest: await runManifestFields(flags, runId, 'run', selection, contexts, apiKey), instances: selection.instances, cells };
}

async function planEvaluation(raw: Record<string, unknown>): Promise<PlannedRun> {
  const rolloutOnly = ['baseUrl', 'model'].filter((key) => raw[key] !== undefined);
  if (rolloutOnly.length > 0 || (Array.isArray(raw.endpoint) && raw.endpoint.length > 0)) {
    throw new InputError('sera-eval plan: --base-url, --endpoint and --model are for rollouts; with --predictions nothing is rolled out');
  }
  const flags = parseFlags(EvaluateFlagsSchema, raw, 'plan');
  await sandboxSettings(flags, flags.workers);
  const selection = await selectInstances(flags);
  const predictions = await loadPredictions(flags.predictions, selection.instances);
  const { runId, layout } = runLayoutFor(flags, 'evaluate');
  const byId = new Map(selection.instances.map((row) => [row.instance_id, row]));
  const cells = predictions.map((p) => ({ instance: byId.get(p.instance_id)!, context: p.context ?? NO_DIMENSION, seed: p.seed ?? NO_DIMENSION }));
  return {
    command: 'evaluate',
    runId,
    layout,
    manifest: await evaluateManifestFields(flags, runId, selection, predictions),
    instances: selection.instances,
    cells,
    predictions,
  };
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
