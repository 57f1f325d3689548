/** run.json format 1 (no `format` key) and its conversion to the run spec, so old runs still load. */
import { z } from 'zod';
import { RUN_SPEC_FORMAT, RunCardSchema, type RunSpec } from './run-spec.js';

/** Format 1 kept the dataset's revision on the run card. */
const RunCardV1Schema = RunCardSchema.extend({ dataset_revision: z.string().nullable() }).strict();

/** What a run's endpoint answered when it was connected (one per context). */
const ManifestEndpointSchema = z
  .object({
    url: z.string().describe('without credentials'),
    model: z.string().optional().describe('the model id the endpoint serves (/v1/models)'),
    max_model_len: z.number().int().nullable(),
    context_tokens: z.number().int().describe('the budget the harness enforces on this endpoint'),
  })
  .strict();

/**
 * run.json before it had a format (format 1): written by sera-eval up to the run spec. Read only,
 * and converted to the spec (run-spec.ts); optional fields are those older runs and `evaluate` runs
 * do not have.
 */
export const RunManifestV1Schema = z
  .object({
    run_id: z.string(),
    command: z.enum(['run', 'evaluate', 'demo']),
    created_at: z.string(),
    resumed_at: z.array(z.string()).optional().describe('each time the run was resumed'),
    versions: z.record(z.string(), z.string()),
    dataset: z.object({ source: z.string(), sha256: z.string(), rows: z.number().int() }).strict(),
    filters: z.record(z.string(), z.unknown()),
    benchmark: z.string().optional().describe('the benchmark whose rows these are (absent: swe-bench, before there was a choice)'),
    instance_ids: z.array(z.string()),
    instance_repos: z.record(z.string(), z.string()).optional().describe("each instance's repository as its dataset row gave it"),
    unsupported_skipped: z
      .array(z.object({ instance_id: z.string(), reason: z.string() }).strict())
      .optional()
      .describe('selected rows the benchmark could not grade, dropped with --skip-unsupported'),
    model_name_or_path: z.string(),
    contexts: z.array(z.string()),
    seeds: z.array(z.string()),
    agent: z.object({ name: z.string(), config: z.unknown() }).strict().optional().describe('the agent scaffold and its settings'),
    sandbox: z
      .object({ name: z.string(), config: z.unknown(), facts: z.record(z.string(), z.string()).optional().describe('what the sandbox said of where it ran (SandboxProvider.describe)') })
      .strict()
      .optional()
      .describe('where containers ran'),
    predictions: z.string().optional().describe('evaluate: the predictions file graded'),
    endpoints: z.record(z.string(), ManifestEndpointSchema).optional(),
    sampling: z.object({ temperature: z.number(), top_p: z.number(), max_tokens: z.number().int().nullable() }).strict().optional(),
    limits: z.object({ max_steps: z.number().int(), rollout_timeout_s: z.number().nullable() }).strict().optional(),
    image_template: z.string().optional(),
    grading: z
      .object({ timeout_s: z.number(), network: z.boolean(), memory_bytes: z.number(), pids_limit: z.number().int(), cpus: z.number().optional() })
      .strict()
      .optional(),
    run_card: RunCardV1Schema.optional(),
    shard: z.object({ index: z.number().int().min(1), count: z.number().int().min(1) }).strict().optional().describe("a shard worker's run.json: its shard of a run planned with plan --shards N"),
  })
  .strict();
export type RunManifestV1 = z.infer<typeof RunManifestV1Schema>;

/** The same run in the spec's shape; what format 1 did not record is null. */
export function specFromV1(v1: RunManifestV1): RunSpec {
  const { dataset_revision: revision, ...card } = v1.run_card ?? { dataset_revision: null, endpoints: {}, images: {} };
  const rolledOut = v1.command !== 'evaluate';
  return {
    format: RUN_SPEC_FORMAT,
    run_id: v1.run_id,
    command: v1.command,
    created_at: v1.created_at,
    ...(v1.resumed_at ? { resumed_at: v1.resumed_at } : {}),
    versions: v1.versions,
    benchmark: {
      name: v1.benchmark ?? 'swe-bench',
      dataset: { ...v1.dataset, revision },
      filters: v1.filters,
      instances: v1.instance_ids.map((id) => ({ id, repo: v1.instance_repos?.[id] ?? null })),
      unsupported_skipped: v1.unsupported_skipped ?? [],
      skip_unsupported: (v1.unsupported_skipped ?? []).length > 0,
      image_template: v1.image_template ?? null,
    },
    model_name_or_path: v1.model_name_or_path,
    agent: v1.agent ?? (rolledOut ? { name: 'sera', config: null } : null),
    model:
      rolledOut && v1.sampling
        ? {
            endpoints: Object.fromEntries(Object.entries(v1.endpoints ?? {}).map(([context, e]) => [context, { ...e, model: e.model ?? null }])),
            sampling: v1.sampling,
            request_timeout_s: null,
            api_key_env: null,
          }
        : null,
    limits: v1.limits ?? null,
    predictions: v1.predictions ?? null,
    sandbox: v1.sandbox ?? null,
    grading: v1.grading ? { ...v1.grading, max_output_bytes: null, cpus: v1.grading.cpus ?? null } : null,
    contexts: v1.contexts,
    seeds: v1.seeds,
    execution: null,
    run_card: v1.run_card ? card : null,
    ...(v1.shard ? { shard: v1.shard } : {}),
  };
}
