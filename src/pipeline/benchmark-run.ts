/**
 * `run`: every selected instance × context × seed is rolled out by the agent scaffold and its patch
 * graded as soon as the rollout ends. Rollouts (bound by the model server) and grading (bound by
 * CPU) have their own queues and limits; nothing waits for all rollouts before grading starts.
 */
import PQueue from 'p-queue';
import type { ModelClient, Sampling } from '../model/model-client.js';
import type { Benchmark } from '../benchmarks/benchmark.js';
import type { SweBenchInstance } from '../dataset/schema.js';
import type { SandboxProvider } from '../environment/sandbox-provider.js';
import { InterruptedError } from '../errors.js';
import type { Summary } from '../report/summary-schema.js';
import { writeCellSummary } from '../run-dir/cell-summary.js';
import { BackgroundCloser } from './background-close.js';
import { cellId, type CellKey, type RunLayout } from '../run-dir/layout.js';
import type { Prediction } from '../run-dir/schemas.js';
import { writePredictionsFile, writeRunSummary } from './run-outputs.js';
import { gradeCell, recordRolloutInfrastructure, type GradingSettings } from './grade-cell.js';
import { writeManifest } from './manifest.js';
import { ImageLedgerWriter } from './image-ledger.js';
import { ownRun } from './own-run.js';
import { CELL_FILES_ALLOWANCE, TRAJECTORY_ALLOWANCE } from '../run-dir/disk-space.js';
import { Progress, type ProgressSink } from './progress.js';
import { planInstances, withPlan, type InstancePlans, type UnplannedManifestFields } from './instance-plans.js';
import { finishedTrajectory, interruptedRollout, rolloutCell, type ChosenScaffold } from './rollout-cell.js';
import { inScope, scopedInstances } from './shards-scope.js';

export interface ContextPlan {
  /** The label used in paths and reports, e.g. `32k`. */
  name: string;
  tokens: number;
  client: ModelClient;
}

export interface BenchmarkOptions {
  layout: RunLayout;
  /** run.json's fields; instance_ids and the plan's fields are filled in from the planned instances. */
  manifest: UnplannedManifestFields;
  benchmark: Benchmark;
  instances: readonly SweBenchInstance[];
  /** Drop rows the benchmark cannot grade (recorded) instead of refusing the run. */
  skipUnsupported: boolean;
  agent: ChosenScaffold;
  contexts: readonly ContextPlan[];
  seeds: readonly number[];
  sampling: Omit<Sampling, 'seed'>;
  /** `--image-template`, handed to the benchmark's imageFor. */
  imageTemplate: string;
  concurrency: number;
  evalWorkers: number;
  grading: GradingSettings;
  /** First delay before retrying an infrastructure failure of a rollout. @default 2000 */
  retryBaseDelayMs?: number;
  /** Only these cells (by cellId), for a shard worker; the summary then covers their instances. @default all */
  cells?: ReadonlySet<string>;
}

export interface BenchmarkDeps {
  sandbox: SandboxProvider;
  progress: ProgressSink;
  signal?: AbortSignal;
}

export async function runBenchmark(options: BenchmarkOptions, deps: BenchmarkDeps): Promise<Summary> {
  // before the run is owned or anything is written: an unsupported row is bad input (exit 2)
  const plans = planInstances(options.benchmark, options.instances, { imageTemplate: options.imageTemplate, skipUnsupported: options.skipUnsupported });
  const lock = await ownRun(options.layout, deps.sandbox, options.manifest.command, (line) => deps.progress.write(`${line}\n`), {
    images: plans.planned.map((p) => p.image),
    cells: options.contexts.length * options.seeds.length * plans.planned.length,
    perCellBytes: options.grading.maxOutputBytes + CELL_FILES_ALLOWANCE + TRAJECTORY_ALLOWANCE,
    perCellBasis: 'the test output cap --max-output + 8 MiB of trajectory + 1 MiB of patch, eval script and report',
    containersAtOnce: options.concurrency + options.evalWorkers,
  });
  try {
    return await runCells(options, plans, deps);
  } finally {
    await lock.release();
  }
}

async function runCells(options: BenchmarkOptions, plans: InstancePlans, deps: BenchmarkDeps): Promise<Summary> {
  const { layout } = options;
  const manifest = await writeManifest(layout, withPlan(options.manifest, options.benchmark, plans));
  const ledger = await ImageLedgerWriter.open(layout);
  await ledger.recordEngine(deps.sandbox);
  const sandbox = ledger.recording(deps.sandbox);
  const cells = options.contexts
    .flatMap((context) => options.seeds.flatMap((seed) => plans.planned.map((instance) => ({ context, seed, instance }))))
    .filter(({ context, seed, instance }) => inScope(options.cells, { instanceId: instance.row.instance_id, context: context.name, seed: String(seed) }));
  const instances = scopedInstances(plans.planned.map((p) => p.row), options.cells, cells.map((c) => c.instance.row.instance_id));
  const progress = new Progress('run', cells.length, deps.progress);
  for (const context of options.contexts) progress.group(context.name, cells.filter((c) => c.context === context).length);
  const rollouts = new PQueue({ concurrency: options.concurrency });
  const grading = new PQueue({ concurrency: options.evalWorkers });
  // No queue.clear() on abort: p-queue drops cleared tasks without settling their promises, and
  // runCell awaits them. Queued tasks see the aborted signal and throw InterruptedError instead.
  const signal = deps.signal ? { signal: deps.signal } : {};
  const predictions = new Map<string, Prediction>();
  const closer = new BackgroundCloser();
  // Set when a cell fails the run itself (its directory no longer writable): nothing more starts.
  // Set inside the queued task, before p-queue starts the next one.
  let stopped = false;
  const stopOnFailure = (err: unknown): never => {
    if (!(err instanceof InterruptedError)) stopped = true;
    throw err;
  };

  const runCell = async ({ context, seed, instance: planned }: (typeof cells)[number]): Promise<void> => {
    const { row: instance, image, plan } = planned;
    const cell: CellKey = { instanceId: instance.instance_id, context: context.name, seed: String(seed) };
    let trajectory = await finishedTrajectory(layout, cell);
    const resumed = trajectory !== null;
    const interrupted = resumed ? null : await interruptedRollout(layout, cell);
    if (!trajectory) {
      trajectory = await rollouts.add(async () => {
        if (deps.signal?.aborted || stopped) throw new InterruptedError();
        progress.started();
        const t = await rolloutCell(
          {
            cell,
            task: planned.task,
            image,
            agent: options.agent,
            client: context.client,
            budget: { contextTokens: context.tokens },
            sampling: { ...options.sampling, seed },
          },
          {
            sandbox,
            layout,
            closer,
            ...signal,
            ...(options.retryBaseDelayMs === undefined ? {} : { retryBaseDelayMs: options.retryBaseDelayMs }),
          },
        ).catch(stopOnFailure);
        progress.rolloutFinished(t.stats);
        return t;
      });
      if (!trajectory) throw new InterruptedError();
    } else {
      progress.started();
    }
    const prediction: Prediction = {
      instance_id: cell.instanceId,
      model_name_or_path: trajectory.model,
      model_patch: trajectory.submission,
      context: cell.context,
      seed: cell.seed,
    };
    predictions.set(cellId(cell), prediction);
    const input = { cell, patch: trajectory.submission, modelNameOrPath: trajectory.model, image, plan };
    const graded =
      trajectory.exit_status === 'exit_infrastructure'
        ? { entry: await recordRolloutInfrastructure(input, layout, trajectory.error ?? { code: 'unknown', message: 'infrastructure' }), reused: false }
        : await grading.add(async () => {
            if (deps.signal?.aborted || stopped) throw new InterruptedError();
            return gradeCell(input, { sandbox, layout, settings: options.grading, closer, ...signal, onRetry: () => progress.retried() }).catch(
              stopOnFailure,
            );
          });
    if (!graded) throw new InterruptedError();
    await writeCellSummary(layout, cell, trajectory);
    const outcome = graded.entry.sera_eval.outcome;
    const note = resumed ? ' (resumed rollout)' : interrupted ? ` (redone: interrupted after ${interrupted.steps.length} steps)` : '';
    progress.finished(outcome, `${cellId(cell)} ${trajectory.exit_status} → ${outcome}${note}`, {
      resumed: resumed && graded.reused,
      group: cell.context,
    });
  };

  try {
    const results = await Promise.allSettled(cells.map((cell) => runCell(cell).catch(stopOnFailure)));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !(r.reason instanceof InterruptedError));
    if (failure) throw failure.reason;
  } finally {
    await closer.drain();
    progress.stop();
    // after a failure, the first error is the one to report, not a second write failing the same way
    await writePredictions(layout, [...predictions.values()]).catch((err: unknown) => {
      if (!stopped) throw err;
    });
  }
  if (deps.signal?.aborted) throw new InterruptedError('interrupted: finished rollouts and grades are kept; run the same command again to resume');

  return writeRunSummary(layout, manifest, instances, [...predictions.values()]);
}

/** SWE-bench format plus context and seed, so the patches can go to any grader. */
async function writePredictions(layout: RunLayout, predictions: Prediction[]): Promise<void> {
  const sorted = [...predictions].sort((a, b) =>
    `${a.context}/${a.seed}/${a.instance_id}`.localeCompare(`${b.context}/${b.seed}/${b.instance_id}`),
  );
  await writePredictionsFile(layout, sorted);
}

