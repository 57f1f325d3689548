import type { Command } from 'commander';
import { z } from 'zod';
import { benchmarkFor } from '../../benchmarks/benchmarks.js';
import { loadPredictions } from '../../dataset/index.js';
import { evaluatePredictions } from '../../pipeline/evaluate-run.js';
import { onInterrupt } from '../../pipeline/interrupt.js';
import { collectRunCard } from '../../pipeline/run-card.js';
import { assertNotPlanned } from '../../pipeline/shards-plan.js';
import { renderSummaryLine } from '../summary-line.js';
import { ContainerFlagsSchema, addContainerOptions, containerCpus, runLayoutFor, sandboxFor, sandboxManifest, type ChosenSandbox } from '../grading-options.js';
import { defaultWorkers, parseFlags, positiveInt } from '../flags.js';
import type { Io } from '../io.js';
import { EXIT } from '../io.js';
import { SelectionFlagsSchema, addSelectionOptions, selectInstances, type Selection } from '../selection.js';
import type { SweBenchInstance } from '../../dataset/schema.js';
import type { ManifestFields } from '../../pipeline/manifest.js';
import type { Summary } from '../../report/summary-schema.js';
import type { RunLayout } from '../../run-dir/layout.js';
import type { Prediction } from '../../run-dir/schemas.js';
import type { Schedule } from '../schedule.js';

export const EvaluateFlagsSchema = SelectionFlagsSchema.extend(ContainerFlagsSchema.shape).extend({
  predictions: z.string().min(1, 'expected a predictions file, gold or empty'),
  workers: positiveInt.default(defaultWorkers()),
});
export type EvaluateFlags = z.infer<typeof EvaluateFlagsSchema>;

export function registerEvaluate(program: Command, io: Io, schedule: Schedule): void {
  const command = program
    .command('evaluate')
    .summary('grade predictions in per-instance containers, like the official SWE-bench harness')
    .description(
      'Grade SWE-bench predictions: for each prediction, a fresh container from the instance image, the patch applied ' +
        '(git apply, --3way, --reject, patch --fuzz=5), the hidden tests run with the official eval script, the log ' +
        'parsed and graded FAIL_TO_PASS/PASS_TO_PASS. Results go to <output>/<run-id>/; the same --run-id resumes.',
    )
    .requiredOption('--predictions <path|gold|empty>', 'predictions .jsonl/.json (instance_id, model_name_or_path, model_patch), or gold / empty')
    .option('--workers <n>', 'grading containers at once (default: min(0.75 × cores, 24))');
  addSelectionOptions(command);
  addContainerOptions(command);
  command.action((raw: Record<string, unknown>) =>
    schedule(async () => {
      const flags = parseFlags(EvaluateFlagsSchema, raw, 'evaluate');
      const selection = await selectInstances(flags);
      const predictions = await loadPredictions(flags.predictions, selection.instances);
      const { runId, layout } = runLayoutFor(flags, 'evaluate');
      assertNotPlanned(layout.root);
      const sandbox = await sandboxFor(flags, runId, io, flags.workers);
      const summary = await executeEvaluate(flags, layout, sandbox, io, {
        instances: selection.instances,
        predictions,
        manifest: { ...(await evaluateManifestFields(flags, runId, selection, predictions)), sandbox: sandboxManifest(sandbox) },
      });
      io.stdout.write(renderSummaryLine(summary, layout.root));
      return EXIT.ok;
    }),
  );
}

/** What to grade: a whole run's predictions, or (with `cells`) a shard worker's part of a planned run. */
export interface EvaluateScope {
  instances: SweBenchInstance[];
  predictions: Prediction[];
  manifest: ManifestFields;
  cells?: ReadonlySet<string>;
}

/** The body of `evaluate`, shared with `work`. */
export async function executeEvaluate(flags: EvaluateFlags, layout: RunLayout, sandbox: ChosenSandbox, io: Io, scope: EvaluateScope): Promise<Summary> {
  io.stderr.write(`sera-eval evaluate: ${scope.predictions.length} predictions over ${scope.instances.length} instances → ${layout.root}\n`);
  const removeHandlers = sandbox.provider.installCleanup({ reraise: false });
  const interrupt = onInterrupt((m) => io.stderr.write(`${m}\n`));
  try {
    return await evaluatePredictions(
      {
        layout,
        manifest: scope.manifest,
        benchmark: benchmarkFor(flags.benchmark, flags.dataset),
        instances: scope.instances,
        skipUnsupported: flags.skipUnsupported,
        predictions: scope.predictions,
        imageTemplate: flags.imageTemplate,
        workers: flags.workers,
        grading: { timeoutS: flags.timeout, maxOutputBytes: flags.maxOutput },
        ...(scope.cells ? { cells: scope.cells } : {}),
      },
      { sandbox: sandbox.provider, progress: io.stderr, signal: interrupt.signal },
    );
  } finally {
    interrupt.dispose();
    removeHandlers();
  }
}

/** What run.json records for an evaluate run, run card included; `plan` writes the same fields for its workers. */
export async function evaluateManifestFields(flags: EvaluateFlags, runId: string, selection: Selection, predictions: readonly Prediction[]): Promise<ManifestFields> {
  return {
    run_id: runId,
    command: 'evaluate',
    dataset: { source: selection.dataset.source, sha256: selection.dataset.sha256, rows: selection.dataset.rows.length },
    filters: { ...selection.filters },
    instance_ids: selection.instances.map((r) => r.instance_id),
    model_name_or_path: predictions[0]?.model_name_or_path ?? flags.predictions,
    contexts: [],
    seeds: [],
    predictions: flags.predictions,
    image_template: flags.imageTemplate,
    grading: { timeout_s: flags.timeout, network: flags.network, memory_bytes: flags.memory, pids_limit: flags.pids, cpus: containerCpus(flags, flags.workers) },
    run_card: await collectRunCard({
      endpoints: [],
      // `plan` writes this for its workers; the pipeline narrows it to the planned instances
      images: Object.fromEntries(selection.instances.map((i) => [i.instance_id, selection.benchmark.imageFor(i, flags.imageTemplate)])),
    }),
  };
}
