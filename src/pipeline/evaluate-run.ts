/**
 * `evaluate`: grade a set of predictions, one cell per prediction, with a bounded pool of grading
 * workers, then write the run summary. Interrupting keeps every finished cell; running the same
 * run id again grades only what is missing or changed.
 */
import PQueue from 'p-queue';
import type { SweBenchInstance } from '../dataset/schema.js';
import { InterruptedError } from '../errors.js';
import type { Summary } from '../report/summary-schema.js';
import { NO_DIMENSION, RunLayout, cellId, type CellKey } from '../run-dir/layout.js';
import type { Prediction } from '../run-dir/schemas.js';
import { gradeCell, type GradingSettings } from './grade-cell.js';
import { planInstances, withPlan, type InstancePlans, type UnplannedSpec } from './instance-plans.js';
import { writeRunSpec } from './manifest.js';
import { requiredSetting } from './required-setting.js';
import { benchmarks } from '../benchmarks/benchmarks.js';
import { ImageLedgerWriter } from './image-ledger.js';
import { ownRun } from './own-run.js';
import { CELL_FILES_ALLOWANCE } from '../run-dir/disk-space.js';
import { Progress, type ProgressSink } from './progress.js';
import type { SandboxProvider } from '../environment/sandbox-provider.js';
import { writePredictionsFile, writeRunSummary } from './run-outputs.js';
import { inScope, scopedInstances } from './shards-scope.js';
import { BackgroundCloser } from './background-close.js';

/** What `evaluate` needs besides its spec: the things that live in this process. */
export interface EvaluateDeps {
  layout: RunLayout;
  /** The selected rows the spec's benchmark section names (planning may still drop unsupported ones). */
  rows: readonly SweBenchInstance[];
  predictions: readonly Prediction[];
  sandbox: SandboxProvider;
  progress: ProgressSink;
  signal?: AbortSignal;
  /** Only these cells (by cellId), for a shard worker; the summary then covers their instances. @default all */
  cells?: ReadonlySet<string>;
  /** First delay before retrying an infrastructure failure of a grading. @default 2000 */
  retryBaseDelayMs?: number;
}

export async function evaluatePredictions(spec: UnplannedSpec, deps: EvaluateDeps): Promise<Summary> {
  const grading = requiredSetting(spec.grading, 'grading');
  const settings: GradingSettings = {
    timeoutS: grading.timeout_s,
    maxOutputBytes: requiredSetting(grading.max_output_bytes, 'grading.max_output_bytes'),
    ...(deps.retryBaseDelayMs === undefined ? {} : { retryBaseDelayMs: deps.retryBaseDelayMs }),
  };
  const workers = requiredSetting(spec.execution, 'execution').eval_workers;
  // before the run is owned or anything is written: an unsupported row is bad input (exit 2)
  const plans = planInstances(benchmarks.get(spec.benchmark.name), deps.rows, {
    imageTemplate: requiredSetting(spec.benchmark.image_template, 'benchmark.image_template'),
    skipUnsupported: spec.benchmark.skip_unsupported,
  });
  const predicted = new Set(deps.predictions.map((p) => p.instance_id));
  const graded = plans.planned.filter((p) => predicted.has(p.row.instance_id));
  const lock = await ownRun(deps.layout, deps.sandbox, 'evaluate', (line) => deps.progress.write(`${line}\n`), {
    images: graded.map((p) => p.image),
    cells: deps.predictions.length,
    perCellBytes: settings.maxOutputBytes + CELL_FILES_ALLOWANCE,
    perCellBasis: 'the test output cap --max-output + 1 MiB of patch, eval script and report',
    containersAtOnce: workers,
  });
  try {
    return await gradePredictions(spec, { settings, workers }, plans, deps);
  } finally {
    await lock.release();
  }
}

async function gradePredictions(
  spec: UnplannedSpec,
  options: { settings: GradingSettings; workers: number },
  plans: InstancePlans,
  deps: EvaluateDeps,
): Promise<Summary> {
  const { layout } = deps;
  const byId = new Map(plans.planned.map((p) => [p.row.instance_id, p]));
  const predictions = deps.predictions.filter((p) => byId.has(p.instance_id) && inScope(deps.cells, predictionCell(p)));
  const instances = scopedInstances(plans.planned.map((p) => p.row), deps.cells, predictions.map((p) => p.instance_id));
  const manifest = await writeRunSpec(layout, withPlan(spec, plans));
  await writePredictionsFile(layout, predictions);
  const ledger = await ImageLedgerWriter.open(layout);
  await ledger.recordEngine(deps.sandbox);
  const sandbox = ledger.recording(deps.sandbox);

  const progress = new Progress('evaluate', predictions.length, deps.progress);
  const queue = new PQueue({ concurrency: options.workers });
  const closer = new BackgroundCloser();
  const onAbort = () => queue.clear();
  deps.signal?.addEventListener('abort', onAbort, { once: true });
  // A cell never fails (gradeCell records any failure as its result); what does escape is the run
  // itself failing, e.g. its directory no longer writable. Then nothing more is started.
  let failure: { error: unknown } | null = null;
  try {
    for (const prediction of predictions) {
      const { image, plan } = byId.get(prediction.instance_id)!;
      const cell = predictionCell(prediction);
      void queue.add(async () => {
        if (deps.signal?.aborted || failure) return;
        progress.started();
        try {
          const { entry, reused } = await gradeCell(
            { cell, patch: prediction.model_patch, modelNameOrPath: prediction.model_name_or_path, image, plan },
            {
              sandbox,
              layout,
              settings: options.settings,
              closer,
              ...(deps.signal ? { signal: deps.signal } : {}),
              onRetry: () => progress.retried(),
            },
          );
          const outcome = entry.sera_eval.outcome;
          const reason = entry.sera_eval.error ? `: ${firstLine(entry.sera_eval.error.message)}` : '';
          progress.finished(outcome, `${cellId(cell)} ${outcome}${reason}`, { resumed: reused });
        } catch (err) {
          if (err instanceof InterruptedError) return;
          failure ??= { error: err };
          queue.clear();
        }
      });
    }
    await queue.onIdle();
  } finally {
    await closer.drain();
    deps.signal?.removeEventListener('abort', onAbort);
    progress.stop();
  }
  if (failure) throw (failure as { error: unknown }).error;
  if (deps.signal?.aborted) throw new InterruptedError('interrupted: finished cells are kept; run the same command again to resume');

  return writeRunSummary(layout, manifest, instances, predictions);
}

function predictionCell(prediction: Prediction): CellKey {
  return { instanceId: prediction.instance_id, context: prediction.context ?? NO_DIMENSION, seed: prediction.seed ?? NO_DIMENSION };
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}
