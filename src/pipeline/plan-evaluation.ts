/** Planning an evaluate run: the rows selected, the predictions loaded, and the run spec built. */
import { loadPredictions } from '../dataset/index.js';
import type { SweBenchInstance } from '../dataset/schema.js';
import type { RunSpecFields, SpecSandbox } from '../run-dir/run-spec.js';
import type { Prediction } from '../run-dir/schemas.js';
import type { UnplannedSpec } from './instance-plans.js';
import { collectRunCard } from './run-card.js';
import { benchmarkSection, selectInstances, type SelectionRequest } from './select-instances.js';

/** An evaluate run as asked, in typed values. */
export interface EvaluationRequest {
  runId: string;
  selection: SelectionRequest;
  skipUnsupported: boolean;
  imageTemplate: string;
  /** A predictions file, or `gold` / `empty`. */
  predictions: string;
  sandbox: SpecSandbox;
  grading: NonNullable<RunSpecFields['grading']>;
  workers: number;
}

export interface PlannedEvaluation {
  spec: UnplannedSpec;
  rows: SweBenchInstance[];
  predictions: Prediction[];
}

export async function planEvaluation(request: EvaluationRequest): Promise<PlannedEvaluation> {
  const selection = await selectInstances(request.selection);
  const predictions = await loadPredictions(request.predictions, selection.instances);
  const spec: UnplannedSpec = {
    run_id: request.runId,
    command: 'evaluate',
    benchmark: benchmarkSection(selection, request),
    model_name_or_path: predictions[0]?.model_name_or_path ?? request.predictions,
    agent: null,
    model: null,
    limits: null,
    predictions: request.predictions,
    sandbox: { name: request.sandbox.name, config: request.sandbox.config, ...(request.sandbox.facts ? { facts: request.sandbox.facts } : {}) },
    grading: request.grading,
    contexts: [],
    seeds: [],
    execution: { concurrency: null, eval_workers: request.workers },
    run_card: await collectRunCard({
      endpoints: [],
      // the pipeline narrows this to the planned instances
      images: Object.fromEntries(selection.instances.map((i) => [i.instance_id, selection.benchmark.imageFor(i, request.imageTemplate)])),
    }),
  };
  return { spec, rows: selection.instances, predictions };
}
