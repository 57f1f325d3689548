import type { Command } from 'commander';
import { z } from 'zod';
import { loadPredictions } from '../../dataset/index.js';
import { installCleanupHandlers } from '../../environment/docker/container-registry.js';
import { imageNameFor } from '../../environment/images.js';
import { evaluatePredictions } from '../../pipeline/evaluate-run.js';
import { onInterrupt } from '../../pipeline/interrupt.js';
import { collectRunCard } from '../../pipeline/run-card.js';
import { renderSummaryLine } from '../summary-line.js';
import { ContainerFlagsSchema, addContainerOptions, containerCpus, dockerSandbox, runLayoutFor } from '../grading-options.js';
import { defaultWorkers, parseFlags, positiveInt } from '../flags.js';
import type { CliIo } from '../io.js';
import { EXIT } from '../io.js';
import { SelectionFlagsSchema, addSelectionOptions, selectInstances } from '../selection.js';
import type { Schedule } from './index.js';

const EvaluateFlagsSchema = SelectionFlagsSchema.extend(ContainerFlagsSchema.shape).extend({
  predictions: z.string().min(1, 'expected a predictions file, gold or empty'),
  workers: positiveInt.default(defaultWorkers()),
});

export function registerEvaluate(program: Command, io: CliIo, schedule: Schedule): void {
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
      io.stderr.write(`sera-eval evaluate: ${predictions.length} predictions over ${selection.instances.length} instances → ${layout.root}\n`);
      const removeHandlers = installCleanupHandlers({ reraise: false });
      const interrupt = onInterrupt((m) => io.stderr.write(`${m}\n`));
      try {
        const summary = await evaluatePredictions(
          {
            layout,
            manifest: {
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
                images: Object.fromEntries(selection.instances.map((i) => [i.instance_id, imageNameFor(i, flags.imageTemplate)])),
              }),
            },
            instances: selection.instances,
            predictions,
            imageFor: (instance) => imageNameFor(instance, flags.imageTemplate),
            workers: flags.workers,
            grading: { timeoutS: flags.timeout, maxOutputBytes: flags.maxOutput },
          },
          { sandbox: dockerSandbox(flags, runId, io, flags.workers), progress: io.stderr, signal: interrupt.signal },
        );
        io.stdout.write(renderSummaryLine(summary, layout.root));
        return EXIT.ok;
      } finally {
        interrupt.dispose();
        removeHandlers();
      }
    }),
  );
}
