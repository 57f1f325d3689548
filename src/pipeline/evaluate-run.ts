/**
 * `evaluate`: grade a set of predictions, one cell per prediction, with a bounded pool of grading
 * workers, then write the run summary. Interrupting keeps every finished cell; running the same
 * run id again grades only what is missing or changed.
 */
import PQueue from 'p-queue';
import type { Benchmark } from '../benchmarks/benchmark.js';
import type { SweBenchInstance } from '../dataset/schema.js';
import { InterruptedError } from '../errors.js';
import type { Summary } from '../report/summary-schema.js';
import { NO_DIMENSION, RunLayout, cellId, type CellKey } from '../run-dir/layout.js';
import type { Prediction } from '../run-dir/schemas.js';
import { gradeCell, type GradingSettings } from './grade-cell.js';
import { planInstances, withPlan, type InstancePlans, type UnplannedManifestFields } from './instance-plans.js';
import { writeManifest } from './manifest.js';
import { ImageLedgerWriter } from './image-ledger.js';
import { ownRun } from './own-run.js';
import { CELL_FILES_ALLOWANCE } from '../run-dir/disk-space.js';
import { Progress, type ProgressSink } from './progress.js';
import type { SandboxProvider } from '../environment/sandbox-provider.js';
import { writePredictionsFile, writeRunSummary } from './run-outputs.js';
import { inScope, scopedInstances } from './shards-scope.js';
import { BackgroundCloser } from './background-close.js';

export interface EvaluateOptions {
  layout: RunLayout;
  /** run.json's fields; instance_ids and the plan's fields are filled in from the planned instances. */
  manifest: UnplannedManifestFields;
  benchmark: Benchmark;
  instances: readonly SweBenchInstance[];
  /** Drop rows the benchmark cannot grade (recorded) instead of refusing the run. */
  skipUnsupported: boolean;
  predictions: readonly Prediction[];
  /** `--image-template`, handed to the benchmark's imageFor. */
  imageTemplate: string;
  workers: number;
  grading: GradingSettings;
  /** Only these cells (by cellId), for a shard worker; the summary then covers their instances. @default all */
  cells?: ReadonlySet<string>;
}

export interface EvaluateDeps {
  sandbox: SandboxProvider;
  progress: ProgressSink;
  signal?: AbortSignal;
}

export async function evaluatePredictions(options: EvaluateOptions, deps: EvaluateDeps): Promise<Summary> {
  // before the run is owned or anything is written: an unsupported row is bad input (exit 2)
  const plans = planInstances(options.benchmark, options.instances, { imageTemplate: options.imageTemplate, skipUnsupported: options.skipUnsupported });
  const predicted = new Set(options.predictions.map((p) => p.instance_id));
  const graded = plans.planned.filter((p) => predicted.has(p.row.instance_id));
  const lock = await ownRun(options.layout, deps.sandbox, 'evaluate', (line) => deps.progress.write(`${line}\n`), {
    images: graded.map((p) => p.image),
    cells: options.predictions.length,
    perCellBytes: options.grading.maxOutputBytes + CELL_FILES_ALLOWANCE,
    perCellBasis: 'the test output cap --max-output + 1 MiB of patch, eval script and report',
    containersAtOnce: options.workers,
  });
  try {
    return await gradePredictions(options, plans, deps);
  } finally {
    await lock.release();
  }
}

async function gradePredictions(options: EvaluateOptions, plans: InstancePlans, deps: EvaluateDeps): Promise<Summary> {
  const { layout } = options;
  const byId = new Map(plans.planned.map((p) => [p.row.instance_id, p]));
  const predictions = options.predictions.filter((p) => byId.has(p.instance_id) && inScope(options.cells, predictionCell(p)));
  const instances = scopedInstances(plans.planned.map((p) => p.row), options.cells, predictions.map((p) => p.instance_id));
  const manifest = await writeManifest(layout, withPlan(options.manifest, options.benchmark, plans));
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
              settings: options.grading,
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
