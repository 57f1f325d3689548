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
import { writeRunSpec } from './manifest.js';
import { requiredSetting } from './required-setting.js';
import { benchmarks } from '../benchmarks/benchmarks.js';
import { scaffolds } from '../agents/scaffolds.js';
import { ImageLedgerWriter } from './image-ledger.js';
import { ownRun } from './own-run.js';
import { CELL_FILES_ALLOWANCE, TRAJECTORY_ALLOWANCE } from '../run-dir/disk-space.js';
import { Progress, type ProgressSink } from './progress.js';
import { planInstances, withPlan, type InstancePlans, type UnplannedSpec } from './instance-plans.js';
import { finishedTrajectory, interruptedRollout, rolloutCell, type ChosenScaffold } from './rollout-cell.js';
import { inScope, scopedInstances } from './shards-scope.js';

interface ContextPlan {
  /** The label used in paths and reports, e.g. `32k`. */
  name: string;
  tokens: number;
  client: ModelClient;
}

/**
 * What `run` needs besides its spec: the things that live in this process. The spec's settings
 * are read from the spec alone; `clients` are connected to its endpoints (one per context).
 */
export interface BenchmarkDeps {
  layout: RunLayout;
  /** The selected rows the spec's benchmark section names (planning may still drop unsupported ones). */
  rows: readonly SweBenchInstance[];
  clients: ReadonlyMap<string, ModelClient>;
  sandbox: SandboxProvider;
  progress: ProgressSink;
  signal?: AbortSignal;
  /** Only these cells (by cellId), for a shard worker; the summary then covers their instances. @default all */
  cells?: ReadonlySet<string>;
  /** First delay before retrying an infrastructure failure of a rollout or a grading. @default 2000 */
  retryBaseDelayMs?: number;
}

/** The spec's settings the cells run with, checked once. */
interface RolloutSettings {
  benchmark: Benchmark;
  agent: ChosenScaffold;
  contexts: ContextPlan[];
  seeds: number[];
  sampling: Omit<Sampling, 'seed'>;
  concurrency: number;
  evalWorkers: number;
  grading: GradingSettings;
}

export async function runBenchmark(spec: UnplannedSpec, deps: BenchmarkDeps): Promise<Summary> {
  const settings = rolloutSettings(spec, deps);
  // before the run is owned or anything is written: an unsupported row is bad input (exit 2)
  const plans = planInstances(settings.benchmark, deps.rows, { imageTemplate: requiredSetting(spec.benchmark.image_template, 'benchmark.image_template'), skipUnsupported: spec.benchmark.skip_unsupported });
  const lock = await ownRun(deps.layout, deps.sandbox, spec.command, (line) => deps.progress.write(`${line}\n`), {
    images: plans.planned.map((p) => p.image),
    cells: settings.contexts.length * settings.seeds.length * plans.planned.length,
    perCellBytes: settings.grading.maxOutputBytes + CELL_FILES_ALLOWANCE + TRAJECTORY_ALLOWANCE,
    perCellBasis: 'the test output cap --max-output + 8 MiB of trajectory + 1 MiB of patch, eval script and report',
    containersAtOnce: settings.concurrency + settings.evalWorkers,
  });
  try {
    return await runCells(spec, settings, plans, deps);
  } finally {
    await lock.release();
  }
}

function rolloutSettings(spec: UnplannedSpec, { clients, retryBaseDelayMs }: BenchmarkDeps): RolloutSettings {
  const model = requiredSetting(spec.model, 'model');
  const agent = requiredSetting(spec.agent, 'agent');
  const grading = requiredSetting(spec.grading, 'grading');
  const execution = requiredSetting(spec.execution, 'execution');
  const contexts = spec.contexts.map((name) => {
    const endpoint = requiredSetting(model.endpoints[name], `model.endpoints.${name}`);
    const client = clients.get(name);
    if (!client) throw new Error(`no model client connected for context ${name}`);
    return { name, tokens: endpoint.context_tokens, client };
  });
  const { temperature, top_p: topP, max_tokens: maxTokens } = model.sampling;
  return {
    benchmark: benchmarks.get(spec.benchmark.name),
    agent: { scaffold: scaffolds.get(agent.name), config: agent.config },
    contexts,
    seeds: spec.seeds.map(Number),
    sampling: { temperature, topP, ...(maxTokens === null ? {} : { maxTokens }) },
    concurrency: requiredSetting(execution.concurrency, 'execution.concurrency'),
    evalWorkers: execution.eval_workers,
    grading: {
      timeoutS: grading.timeout_s,
      maxOutputBytes: requiredSetting(grading.max_output_bytes, 'grading.max_output_bytes'),
      ...(retryBaseDelayMs === undefined ? {} : { retryBaseDelayMs }),
    },
  };
}

async function runCells(spec: UnplannedSpec, options: RolloutSettings, plans: InstancePlans, deps: BenchmarkDeps): Promise<Summary> {
  const { layout } = deps;
  const manifest = await writeRunSpec(layout, withPlan(spec, plans));
  const ledger = await ImageLedgerWriter.open(layout);
  await ledger.recordEngine(deps.sandbox);
  const sandbox = ledger.recording(deps.sandbox);
  const cells = options.contexts
    .flatMap((context) => options.seeds.flatMap((seed) => plans.planned.map((instance) => ({ context, seed, instance }))))
    .filter(({ context, seed, instance }) => inScope(deps.cells, { instanceId: instance.row.instance_id, context: context.name, seed: String(seed) }));
  const instances = scopedInstances(plans.planned.map((p) => p.row), deps.cells, cells.map((c) => c.instance.row.instance_id));
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
            ...(deps.retryBaseDelayMs === undefined ? {} : { retryBaseDelayMs: deps.retryBaseDelayMs }),
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

