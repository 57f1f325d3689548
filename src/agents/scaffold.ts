/**
 * An agent scaffold as a plugin: given the task an agent may see and an environment, it talks to
 * the model and returns a trajectory (the common core in run-dir/schemas.ts, plus whatever it keeps
 * under `scaffold`). It never writes files; its steps go to the caller's `log` sink as they end.
 */
import type { z } from 'zod';
import type { ContextBudget } from '../model/model-client.js';
import type { ModelClient, Sampling } from '../model/model-client.js';
import type { RetryPolicy } from '../model/retry.js';
import type { Environment } from '../environment/environment.js';
import type { Trajectory } from '../run-dir/schemas.js';
import type { TrajectorySink } from '../run-dir/trajectory-log.js';
import type { AgentTask } from './agent-task.js';

export interface ScaffoldRunContext<Config> {
  env: Environment;
  model: ModelClient;
  budget: ContextBudget;
  sampling: Sampling;
  config: Config;
  /** Labels recorded in the trajectory, e.g. '32k' and '1'. */
  labels: { context: string; seed: string };
  /** Model-call retries (the model client's one retry loop). @default DEFAULT_RETRY_POLICY */
  retryPolicy?: RetryPolicy;
  signal?: AbortSignal;
  /** Where each step goes as it ends (the run's step log); a rollout killed midway is redone on resume. */
  log?: TrajectorySink;
}

export interface ScaffoldEndpoint {
  client: ModelClient;
  /** The endpoint's URL without credentials, for messages. */
  label: string;
}

export interface AgentScaffold<Config = unknown> {
  readonly name: string;
  readonly description: string;
  /** Validates `--agent-config` (and the flags that map onto it); the result is recorded in run.json. */
  readonly configSchema: z.ZodType<Config>;
  /** The scaffold's config for the shared `--max-steps` / `--rollout-timeout` flags, when it honours them. */
  fromRunLimits?(limits: RunLimits): Partial<Config>;
  /**
   * Checked once per run before any rollout, on every distinct endpoint: can this server serve this
   * scaffold (e.g. tool calling)? @returns warnings to show; @throws to stop the run.
   */
  preflight?(endpoints: readonly ScaffoldEndpoint[]): Promise<string[]>;
  /**
   * Every ending is a trajectory: `exit_status` is the scaffold's own string, except that
   * `submitted` means the agent chose its patch and `exit_infrastructure` means the model server or
   * the environment failed (not the model), which the pipeline retries on resume.
   * @throws InterruptedError when the signal aborts.
   */
  run(task: AgentTask, context: ScaffoldRunContext<Config>): Promise<Trajectory>;
}

export interface RunLimits {
  /** Model calls per rollout. */
  maxSteps: number;
  /** Wall-clock seconds per rollout. */
  rolloutTimeoutS?: number;
}

export function defineScaffold<Config>(scaffold: AgentScaffold<Config>): AgentScaffold<Config> {
  return scaffold;
}

/** How every scaffold records its sampling in the trajectory: the request's own snake_case names. */
export function recordedSampling(sampling: Sampling): Record<string, number> {
  return {
    temperature: sampling.temperature,
    top_p: sampling.topP,
    ...(sampling.maxTokens !== undefined ? { max_tokens: sampling.maxTokens } : {}),
    ...(sampling.seed !== undefined ? { seed: sampling.seed } : {}),
  };
}
