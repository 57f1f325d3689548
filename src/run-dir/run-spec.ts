/**
 * run.json, format 2: the run spec. What was asked (benchmark and its dataset, agent, model,
 * sandbox, grading, contexts, seeds, limits), what planning decided (the instances, the rows
 * dropped) and what answered (versions, run card). Strict: an unknown key is an error naming it.
 * `evaluate` runs use the same format with `agent`, `model` and `limits` null: one reader serves
 * report, compare, nightly and export for both kinds, and null says "nothing was rolled out here".
 * The other nullable fields are null only in a run converted from format 1 (run-spec-v1.ts), which
 * did not record them; the planner always fills them.
 */
import { z } from 'zod';

export const RUN_SPEC_FORMAT = 'sera-eval.run/2';

/** What a run's endpoint answered when it was connected (one per context). */
const SpecEndpointSchema = z
  .object({
    url: z.string().describe('without credentials'),
    model: z.string().nullable().describe('the model id the endpoint serves (/v1/models); null: not recorded (format 1)'),
    max_model_len: z.number().int().nullable(),
    context_tokens: z.number().int().describe('the budget the harness enforces on this endpoint'),
  })
  .strict();

/** Sampling as the request sends it: snake_case, the one casing trajectories use too. */
const SpecSamplingSchema = z.object({ temperature: z.number(), top_p: z.number(), max_tokens: z.number().int().nullable() }).strict();

const SpecDatasetSchema = z
  .object({
    source: z.string(),
    sha256: z.string(),
    revision: z.string().nullable().describe('the Hub revision, when the dataset came from one and said'),
    rows: z.number().int(),
  })
  .strict();

const SpecBenchmarkSchema = z
  .object({
    name: z.string(),
    dataset: SpecDatasetSchema,
    filters: z.record(z.string(), z.unknown()),
    instances: z
      .array(z.object({ id: z.string(), repo: z.string().nullable() }).strict())
      .describe('each planned instance and its repository as its row gave it (null: not recorded, format 1)'),
    unsupported_skipped: z
      .array(z.object({ instance_id: z.string(), reason: z.string() }).strict())
      .describe('selected rows the benchmark could not grade, dropped with --skip-unsupported'),
    skip_unsupported: z.boolean(),
    image_template: z.string().nullable().describe('null: not recorded (format 1)'),
  })
  .strict();

const SpecGradingSchema = z
  .object({
    timeout_s: z.number(),
    max_output_bytes: z.number().int().nullable().describe('null: not recorded (format 1)'),
    network: z.boolean(),
    memory_bytes: z.number(),
    pids_limit: z.number().int(),
    cpus: z.number().nullable(),
  })
  .strict();

/**
 * The run card's facts that the spec's other fields do not hold (src/pipeline/run-card.ts): what
 * each endpoint said about itself and the image each instance ran in. null: the server did not say.
 */
export const RunCardSchema = z
  .object({
    endpoints: z.record(
      z.string(),
      z
        .object({
          model: z.string(),
          root: z.string().nullable().describe('the checkpoint path /v1/models reports (vLLM: root)'),
          max_model_len: z.number().int().nullable(),
          server_version: z.string().nullable().describe('GET /version (vLLM)'),
        })
        .strict(),
    ),
    images: z.record(z.string(), z.string()).describe('instance id → image name; what each name was when used is in images.json'),
  })
  .strict();
export type RunCard = z.infer<typeof RunCardSchema>;

const SpecSandboxSchema = z
  .object({
    name: z.string(),
    config: z.unknown(),
    facts: z.record(z.string(), z.string()).optional().describe('what the sandbox said of where it ran (SandboxProvider.describe); absent: it said nothing'),
  })
  .strict();
export type SpecSandbox = z.infer<typeof SpecSandboxSchema>;

export const RunSpecSchema = z
  .object({
    format: z.literal(RUN_SPEC_FORMAT),
    run_id: z.string(),
    command: z.enum(['run', 'evaluate', 'demo']),
    created_at: z.string(),
    resumed_at: z.array(z.string()).optional().describe('each time the run was resumed'),
    versions: z.record(z.string(), z.string()),
    benchmark: SpecBenchmarkSchema,
    /** The label reports show: the served model, or (evaluate) the predictions' model_name_or_path. */
    model_name_or_path: z.string(),
    agent: z.object({ name: z.string(), config: z.unknown() }).strict().nullable(),
    model: z
      .object({
        endpoints: z.record(z.string(), SpecEndpointSchema),
        sampling: SpecSamplingSchema,
        request_timeout_s: z.number().positive().nullable().describe('null: not recorded (format 1)'),
        api_key_env: z.string().nullable().describe('the environment variable the key was read from (never the key); null: not recorded (format 1)'),
      })
      .strict()
      .nullable(),
    limits: z.object({ max_steps: z.number().int(), rollout_timeout_s: z.number().nullable() }).strict().nullable(),
    predictions: z.string().nullable().describe('evaluate: the predictions file graded'),
    sandbox: SpecSandboxSchema.nullable().describe('where containers ran; null: not recorded (format 1)'),
    grading: SpecGradingSchema.nullable().describe('null: not recorded (format 1)'),
    contexts: z.array(z.string()),
    seeds: z.array(z.string()),
    execution: z
      .object({ concurrency: z.number().int().positive().nullable().describe('rollouts at once; null for evaluate'), eval_workers: z.number().int().positive() })
      .strict()
      .nullable()
      .describe('how much ran at once: never changes a result, so a resume may change it; null: not recorded (format 1)'),
    run_card: RunCardSchema.nullable().describe('null: not recorded (format 1)'),
    shard: z.object({ index: z.number().int().min(1), count: z.number().int().min(1) }).strict().optional().describe("a shard worker's run.json: its shard of a run planned with plan --shards N"),
  })
  .strict();
export type RunSpec = z.infer<typeof RunSpecSchema>;

/** A spec as the planner builds it: the writer adds the format, versions and times. */
export type RunSpecFields = Omit<RunSpec, 'format' | 'created_at' | 'resumed_at' | 'versions'>;

export const instanceIds = (spec: Pick<RunSpec, 'benchmark'>): string[] => spec.benchmark.instances.map((i) => i.id);
