/** Run specs as the planner builds them, for pipeline tests that call runBenchmark / evaluatePredictions directly. */
import { seraScaffold, SeraConfigSchema } from '../../src/agents/sera/sera-scaffold.js';
import { evaluatePredictions, type EvaluateDeps } from '../../src/pipeline/evaluate-run.js';
import type { UnplannedSpec } from '../../src/pipeline/instance-plans.js';

interface Common {
  benchmark?: string;
  imageTemplate?: string;
  skipUnsupported?: boolean;
  evalWorkers?: number;
}

function common(options: Common): Pick<UnplannedSpec, 'benchmark' | 'sandbox' | 'grading' | 'run_card'> {
  return {
    benchmark: {
      name: options.benchmark ?? 'swe-bench',
      dataset: { source: 'memory', sha256: 'x', revision: null, rows: 1 },
      filters: {},
      skip_unsupported: options.skipUnsupported ?? false,
      image_template: options.imageTemplate ?? 'swebench',
    },
    sandbox: { name: 'fake', config: {} },
    grading: { timeout_s: 60, max_output_bytes: 1_000_000, network: false, memory_bytes: 2 ** 30, pids_limit: 1024, cpus: 1 },
    run_card: { endpoints: {}, images: {} },
  };
}

export function rolloutSpec(options: Common & { contexts: readonly { name: string; tokens: number }[]; seeds?: readonly string[]; concurrency?: number; model?: string }): UnplannedSpec {
  const model = options.model ?? 'sera-fake';
  return {
    run_id: 'r',
    command: 'run',
    ...common(options),
    model_name_or_path: model,
    agent: { name: seraScaffold.name, config: SeraConfigSchema.parse({}) },
    model: {
      endpoints: Object.fromEntries(options.contexts.map((c) => [c.name, { url: 'http://127.0.0.1:1/v1', model, max_model_len: null, context_tokens: c.tokens }])),
      sampling: { temperature: 0, top_p: 1, max_tokens: null },
      request_timeout_s: 600,
      api_key_env: null,
    },
    limits: { max_steps: 115, rollout_timeout_s: null },
    predictions: null,
    contexts: options.contexts.map((c) => c.name),
    seeds: [...(options.seeds ?? ['1', '2'])],
    execution: { concurrency: options.concurrency ?? 2, eval_workers: options.evalWorkers ?? 2 },
  };
}

export function evaluationSpec(options: Common = {}): UnplannedSpec {
  return {
    run_id: 'test',
    command: 'evaluate',
    ...common(options),
    model_name_or_path: 'm',
    agent: null,
    model: null,
    limits: null,
    predictions: 'memory',
    contexts: [],
    seeds: [],
    execution: { concurrency: null, eval_workers: options.evalWorkers ?? 2 },
  };
}

/** An evaluate run's spec and the deps besides sandbox and progress. */
export interface EvaluationFixture {
  spec: UnplannedSpec;
  deps: Omit<EvaluateDeps, 'sandbox' | 'progress'>;
}

export function evaluateWith(run: EvaluationFixture, deps: Pick<EvaluateDeps, 'sandbox' | 'progress'> & Partial<EvaluateDeps>): ReturnType<typeof evaluatePredictions> {
  return evaluatePredictions(run.spec, { ...run.deps, ...deps });
}
