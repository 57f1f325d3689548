/**
 * The files of a run directory (DESIGN.md §4), as zod schemas shared by the stages that write
 * them (pipeline, agent, evaluation) and the ones that read them (report, resume).
 */
import { z } from 'zod';
import { PathIdSchema, PathLabelSchema } from './path-id.js';

// ---------- per-instance grading report: evaluation/<ctx>/<seed>/<id>/report.json ----------

const TestLists = z.object({ success: z.array(z.string()), failure: z.array(z.string()) });

export const TestsStatusSchema = z.object({
  FAIL_TO_PASS: TestLists,
  PASS_TO_PASS: TestLists,
  FAIL_TO_FAIL: TestLists,
  PASS_TO_FAIL: TestLists,
});
export type TestsStatus = z.infer<typeof TestsStatusSchema>;

export const ResolutionSchema = z.enum(['RESOLVED_FULL', 'RESOLVED_PARTIAL', 'RESOLVED_NO']);
export type Resolution = z.infer<typeof ResolutionSchema>;

/**
 * What happened to a graded cell. The first three are the official verdict categories; `error`
 * is the official "error" (patch did not apply, test run timed out, log unusable); `infrastructure`
 * is ours: the harness or the machine failed, not the model, and resume redoes it.
 */
export const OutcomeSchema = z.enum(['resolved', 'unresolved', 'empty_patch', 'error', 'infrastructure']);
export type Outcome = z.infer<typeof OutcomeSchema>;

export const CellErrorSchema = z.object({
  stage: z.string().describe('where it failed: image, container, patch_apply, tests, log, rollout, ...'),
  code: z.string(),
  message: z.string(),
});
export type CellError = z.infer<typeof CellErrorSchema>;

/** Our additions, kept under one key so official readers of report.json are unaffected. */
export const SeraEvalCellSchema = z.object({
  outcome: OutcomeSchema,
  resolution: ResolutionSchema.nullable(),
  error: CellErrorSchema.nullable(),
  /** sha256 over everything that decides the verdict (patch, test patch, eval script, image); resume compares it. */
  input_sha256: z.string(),
  image: z.string().nullable(),
  model_name_or_path: z.string(),
  context: z.string(),
  seed: z.string(),
  test_exit_code: z.number().nullable(),
  /** Tests that the log reports as skipped, per list (a skipped FAIL_TO_PASS test is a failure). */
  skipped: z.object({ FAIL_TO_PASS: z.array(z.string()), PASS_TO_PASS: z.array(z.string()) }),
  timings: z.object({ total_s: z.number(), tests_s: z.number().nullable() }),
  attempts: z.number().int().min(1),
  finished_at: z.string(),
  shipped_eval_script: z
    .enum(['same', 'differs'])
    .optional()
    .describe("the row's own eval_script (SWE-bench 5.x), which grading ran: same as the one sera-eval builds, or not"),
});
export type SeraEvalCell = z.infer<typeof SeraEvalCellSchema>;

export const InstanceReportEntrySchema = z.object({
  patch_is_None: z.boolean(),
  patch_exists: z.boolean(),
  patch_successfully_applied: z.boolean(),
  resolved: z.boolean(),
  tests_status: TestsStatusSchema.optional(),
  sera_eval: SeraEvalCellSchema,
});
export type InstanceReportEntry = z.infer<typeof InstanceReportEntrySchema>;

/** `{ "<instance_id>": {...} }`, the official shape. */
export const InstanceReportSchema = z.record(z.string(), InstanceReportEntrySchema);
export type InstanceReport = z.infer<typeof InstanceReportSchema>;

// ---------- predictions.jsonl ----------

export const PredictionSchema = z.object({
  instance_id: PathIdSchema,
  model_name_or_path: z.string().default('unknown'),
  model_patch: z.string().nullable(),
  context: PathLabelSchema.optional(),
  seed: PathLabelSchema.optional(),
});
export type Prediction = z.infer<typeof PredictionSchema>;

// ---------- trajectories/<ctx>/<seed>/<id>.traj.json ----------

export const ExitStatusSchema = z.enum([
  'submitted',
  'exit_context',
  'exit_step_limit',
  'exit_format',
  'exit_command_timeout',
  'exit_timeout',
  'exit_error',
  /** The model ran `exit` (agents.py `handle_action`): the run ends with no submission. */
  'exit_command',
  /** The model server or the environment failed past its retries: not the model's doing. */
  'exit_infrastructure',
]);
export type ExitStatus = z.infer<typeof ExitStatusSchema>;

export const ToolCallSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Raw JSON text as the model produced it. */
  arguments: z.string(),
});

export const TrajectoryStepSchema = z.object({
  index: z.number().int(),
  /** Assistant content (thought, including any <think> block). */
  thought: z.string(),
  tool_calls: z.array(ToolCallSchema),
  /** What the harness sent back: an observation, or the format-error requery text. */
  observation: z.string(),
  kind: z.enum(['action', 'requery']),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }),
  model_latency_s: z.number(),
  tool_latency_s: z.number(),
  finish_reason: z.string().nullable(),
});
export type TrajectoryStep = z.infer<typeof TrajectoryStepSchema>;

/**
 * The trajectory every agent scaffold writes: a common core the pipeline and the reports read, and
 * `scaffold`, which belongs to the scaffold that wrote it. `exit_status` is the scaffold's own word;
 * the pipeline gives meaning to two of them only: `submitted` and `exit_infrastructure`.
 */
export const TrajectorySchema = z.object({
  format: z.literal('sera-eval.trajectory/1'),
  instance_id: PathIdSchema,
  context: PathLabelSchema,
  seed: PathLabelSchema,
  model: z.string(),
  /** SERA's are ExitStatusSchema's; another scaffold's may differ. */
  exit_status: z.string().min(1),
  autosubmitted: z.boolean(),
  submission: z.string(),
  /** The conversation as the model saw it at the end (system, user, assistant, tool messages). */
  messages: z.array(z.record(z.string(), z.unknown())),
  steps: z.array(TrajectoryStepSchema),
  stats: z.object({
    model_calls: z.number().int(),
    prompt_tokens: z.number(),
    completion_tokens: z.number(),
    model_time_s: z.number(),
    tool_time_s: z.number(),
    wall_time_s: z.number(),
    infrastructure_retries: z.number().int(),
  }),
  /** The request's sampling parameters, snake_case as sent (temperature, top_p, max_tokens, seed). */
  sampling: z.record(z.string(), z.unknown()),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** Which scaffold wrote it (absent: sera, as before there was a choice) and what it keeps of its own. */
  scaffold: z.object({ name: z.string(), data: z.record(z.string(), z.unknown()).optional() }).optional(),
});
export type Trajectory = z.infer<typeof TrajectorySchema>;

// ---------- run.json ----------

/**
 * images.json: what each image name was when the run used it, and the engine that ran it; merged
 * on every resume (src/pipeline/image-ledger.ts). A name listed with two ids was re-pulled or
 * rebuilt between invocations, so its cells did not all run the same image.
 */
export const ImageLedgerSchema = z
  .object({
    engines: z.array(
      z
        .object({
          name: z.string().describe('Docker or podman'),
          version: z.string(),
          api_version: z.string().nullable(),
          recorded_at: z.string(),
        })
        .strict(),
    ),
    images: z.record(
      z.string(),
      z.array(
        z
          .object({
            id: z.string().describe('the image id (sha256:…) on the engine'),
            repo_digest: z.string().nullable().describe('repo@sha256:… of the registry it was pulled from; null for a local build'),
            first_used_at: z.string(),
          })
          .strict(),
      ),
    ),
  })
  .strict();
export type ImageLedger = z.infer<typeof ImageLedgerSchema>;
