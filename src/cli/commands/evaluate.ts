import { z } from 'zod';
import { planEvaluation, type EvaluationRequest } from '../../pipeline/plan-evaluation.js';
import { startEvaluation } from '../../pipeline/start-run.js';
import { assertNotPlanned } from '../../pipeline/shards-plan.js';
import { renderSummaryLine } from '../summary-line.js';
import { ContainerFlagsSchema, addContainerOptions, gradingSpec, runLayoutFor, sandboxFor, sandboxManifest } from '../grading-options.js';
import { defaultWorkers, positiveInt } from '../flags.js';
import { defineCommand } from '../command.js';
import { EXIT } from '../io.js';
import { SelectionFlagsSchema, addSelectionOptions, selectionRequest } from '../selection.js';

export const EvaluateFlagsSchema = SelectionFlagsSchema.extend(ContainerFlagsSchema.shape).extend({
  predictions: z.string().min(1, 'expected a predictions file, gold or empty'),
  workers: positiveInt.default(defaultWorkers()),
});
export type EvaluateFlags = z.infer<typeof EvaluateFlagsSchema>;

export const evaluateCommand = defineCommand({
  name: 'evaluate',
  flagsSchema: EvaluateFlagsSchema,
  configure: (command) =>
    addContainerOptions(
      addSelectionOptions(
        command
          .summary('grade predictions in per-instance containers, like the official SWE-bench harness')
          .description(
            'Grade SWE-bench predictions: for each prediction, a fresh container from the instance image, the patch applied ' +
              '(git apply, --3way, --reject, patch --fuzz=5), the hidden tests run with the official eval script, the log ' +
              'parsed and graded FAIL_TO_PASS/PASS_TO_PASS. Results go to <output>/<run-id>/; the same --run-id resumes.',
          )
          .requiredOption('--predictions <path|gold|empty>', 'predictions .jsonl/.json (instance_id, model_name_or_path, model_patch), or gold / empty')
          .option('--workers <n>', 'grading containers at once (default: min(0.75 × cores, 24))'),
      ),
    ),
  async handler(flags, { io }) {
    const { runId, layout } = runLayoutFor(flags, 'evaluate');
    assertNotPlanned(layout.root);
    const sandbox = await sandboxFor(flags, { id: runId, dir: layout.root }, io, flags.workers);
    const summary = await startEvaluation(await planEvaluation(evaluationRequest(flags, runId, sandboxManifest(sandbox))), { layout, sandbox: sandbox.provider, io });
    io.stdout.write(renderSummaryLine(summary, layout.root));
    return EXIT.ok;
  },
});

/** The flags of `evaluate` as the typed request the planner turns into the run spec. */
export function evaluationRequest(flags: EvaluateFlags, runId: string, sandbox: EvaluationRequest['sandbox']): EvaluationRequest {
  return {
    runId,
    selection: selectionRequest(flags),
    skipUnsupported: flags.skipUnsupported,
    imageTemplate: flags.imageTemplate,
    predictions: flags.predictions,
    sandbox,
    grading: gradingSpec(flags, flags.workers),
    workers: flags.workers,
  };
}
